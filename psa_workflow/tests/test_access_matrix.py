# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may read and write each money field, and run each billing action,
checked over JSON-RPC (execute_kw) with real users: one table, one test."""

from odoo import Command
from odoo.tests import tagged

from .common import PsaHttpCommon

USERS = ("employee", "approver", "other_approver", "billing", "admin")

# record, field, value written: then for each user of USERS, what they may do
# with the field: "rw" read and write, "r" read only, "-" neither.
FIELD_MATRIX = [
    ("timesheet", "psa_billed_hours", 40.0, "r", "r", "-", "r", "r"),
    ("timesheet", "psa_bill_rate", 1.0, "-", "r", "-", "r", "r"),
    ("timesheet", "psa_bill_amount", 9999.0, "-", "r", "-", "r", "r"),
    ("timesheet", "psa_rate_missing", True, "r", "r", "-", "r", "r"),
    ("timesheet", "psa_cap_held", True, "r", "r", "-", "r", "r"),
    ("timesheet", "psa_cap_decision", "bill", "r", "r", "-", "r", "r"),
    ("timesheet", "psa_state", "approved", "r", "r", "-", "r", "r"),
    ("expense", "psa_rebill_amount", 9999.0, "r", "-", "-", "r", "r"),
    ("expense", "psa_billing_state", "to_invoice", "r", "-", "-", "r", "r"),
    ("expense", "psa_invoiced", True, "r", "-", "-", "r", "r"),
    ("expense", "psa_markup_percent", 25.0, "r", "-", "-", "rw", "rw"),
    ("expense", "psa_rebill_method", "markup", "r", "-", "-", "rw", "rw"),
    ("milestone", "psa_amount", 5000.0, "-", "r", "r", "rw", "rw"),
    ("milestone", "psa_percent", 50.0, "-", "r", "r", "rw", "rw"),
    ("installment", "amount", 1.0, "-", "r", "-", "rw", "rw"),
    ("installment", "percent", 10.0, "-", "r", "-", "rw", "rw"),
    ("installment", "date", "2031-01-31", "-", "r", "-", "rw", "rw"),
    ("project", "psa_billing_type", "non_billable", "r", "r", "r", "rw", "rw"),
    ("project", "psa_contract_amount", 1.0, "-", "r", "r", "rw", "rw"),
    ("project", "psa_cap_hours", 1.0, "r", "r", "r", "rw", "rw"),
    ("project", "psa_rounding_minutes", 60, "r", "r", "r", "rw", "rw"),
    ("project", "psa_last_invoice_date", "2031-01-31", "r", "r", "r", "r", "r"),
    ("rate", "amount", 1.0, "-", "r", "r", "r", "rw"),
]

# record, method, args: then for each user of USERS, "ok" or "-" (refused).
ACTION_MATRIX = [
    ("submitted_timesheet", "action_psa_approve", [], "-", "ok", "-", "-", "ok"),
    ("approved_timesheet", "action_psa_reopen", [], "-", "ok", "-", "-", "ok"),
    ("approved_timesheet", "action_psa_create_invoices", [], "-", "-", "-", "ok", "ok"),
    ("held_timesheet", "action_psa_cap_bill_anyway", [], "-", "-", "-", "ok", "ok"),
    (
        "written_off_timesheet",
        "action_psa_cap_write_off",
        [],
        "-",
        "-",
        "-",
        "ok",
        "ok",
    ),
]

# model, values created: then for each user of USERS, "ok" or "-" (refused).
CREATE_MATRIX = [
    (
        "account.analytic.line",
        {"project_id": "@project_tm", "name": "x", "unit_amount": 1.0, "date": 0},
        *("ok", "ok", "ok", "ok", "ok"),
    ),
    (
        "account.analytic.line",
        {
            "project_id": "@project_tm",
            "name": "x",
            "unit_amount": 1.0,
            "date": 0,
            "psa_billed_hours": 40.0,
        },
        *("-", "-", "-", "-", "-"),
    ),
    (
        "account.analytic.line",
        {
            "project_id": "@project_tm",
            "name": "x",
            "unit_amount": 1.0,
            "date": 0,
            "psa_state": "approved",
        },
        *("-", "-", "-", "-", "-"),
    ),
    (
        "project.milestone",
        {"project_id": "@project_milestone", "name": "x"},
        *("ok", "ok", "ok", "ok", "ok"),
    ),
    (
        "project.milestone",
        {"project_id": "@project_milestone", "name": "x", "psa_amount": 10.0},
        *("-", "-", "-", "ok", "ok"),
    ),
    (
        "psa.project.installment",
        {"project_id": "@project_fixed", "date": "2019-07-31", "amount": 10.0},
        *("-", "-", "-", "ok", "ok"),
    ),
    (
        "psa.rate",
        {"project_id": "@other_project", "amount": 10.0},
        *("-", "-", "-", "-", "ok"),
    ),
]


@tagged("post_install", "-at_install")
class TestAccessMatrix(PsaHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user_other_approver = cls._psa_user("psa_other_approver", "approver", 60)
        role = env["psa.role"].create({"name": "Matrix Role", "default_bill_rate": 80})
        (cls.user_employee | cls.user_approver).employee_id.write(
            {"psa_role_ids": [Command.set(role.ids)], "psa_default_role_id": role.id}
        )
        cls.project_fixed.user_id = cls.user_approver
        cls.project_milestone = env["project.project"].create(
            {
                "name": "PSA Matrix Milestones",
                "partner_id": cls.customer.id,
                "user_id": cls.user_approver.id,
                "psa_billing_type": "milestone",
                "allow_milestones": True,
                "privacy_visibility": "employees",
            }
        )
        cls.other_project = env["project.project"].create(
            {
                "name": "PSA Matrix Other",
                "partner_id": cls.customer.id,
                "user_id": cls.user_other_approver.id,
            }
        )

    def _records(self, rate=False, day="2019-03-04"):
        """Fresh records of each kind, as the documented flows make them."""
        env = self.env
        product = self._expense_product("PSA Matrix Taxi")
        timesheets = (
            env["account.analytic.line"]
            .with_user(self.user_employee)
            .create(
                [
                    {
                        "project_id": self.project_tm.id,
                        "name": f"Matrix {index}",
                        "unit_amount": 1.0,
                        "date": day,
                    }
                    for index in range(5)
                ]
            )
        )
        timesheets[1:].action_psa_submit()
        timesheets[2:].with_user(self.user_admin).action_psa_approve()
        timesheets[3:].sudo().psa_cap_held = True
        return {
            "timesheet": timesheets[0],
            "submitted_timesheet": timesheets[1],
            "approved_timesheet": timesheets[2],
            "held_timesheet": timesheets[3],
            "written_off_timesheet": timesheets[4],
            "expense": self._create_expense(
                "Matrix taxi", amount=40.0, product=product, project=self.project_tm
            ),
            "milestone": env["project.milestone"].create(
                {
                    "name": "Matrix go-live",
                    "project_id": self.project_milestone.id,
                    "psa_amount": 500.0,
                }
            ),
            "installment": env["psa.project.installment"].create(
                {
                    "project_id": self.project_fixed.id,
                    "date": "2019-06-30",
                    "amount": 0.0,
                }
            ),
            "project": self.project_tm,
            "rate": rate
            and env["psa.rate"].create(
                {"project_id": self.project_tm.id, "amount": 120.0}
            ),
        }

    def _call(self, user, record, method, args):
        login = "psa_" + user
        return self._execute_kw(login, record._name, method, [record.ids, *args])

    def test_money_fields_by_user(self):
        records = self._records(rate=True)
        mismatches = []
        for kind, fname, value, *expected in FIELD_MATRIX:
            record = records[kind]
            for user, allowed in zip(USERS, expected, strict=True):
                read = self._call(user, record, "read", [[fname]])
                write = self._call(user, record, "write", [{fname: value}])
                got = ("r" if "result" in read else "") + (
                    "w" if "result" in write else ""
                )
                if got != allowed.replace("-", ""):
                    mismatches.append(
                        f"{user} on {kind}.{fname}: expected {allowed!r}, got "
                        f"{got or '-'!r} ({self._error(write) or self._error(read)})"
                    )
                if "error" in write and allowed in ("r", "rw") and "w" not in allowed:
                    # A refused write of a readable money field names it.
                    message = self._error(write)
                    if "AccessError" in message and fname not in message:
                        mismatches.append(
                            f"{user} on {kind}.{fname}: refusal does not name the "
                            f"field: {message}"
                        )
                self.env.invalidate_all()
        self.assertFalse(mismatches, "\n".join(mismatches))

    def test_billing_actions_by_user(self):
        mismatches = []
        for index, user in enumerate(USERS):
            records = self._records(day=f"2019-03-{4 + index:02d}")
            for kind, method, args, *expected in ACTION_MATRIX:
                allowed = expected[USERS.index(user)]
                answer = self._call(user, records[kind], method, args)
                got = "ok" if "result" in answer else "-"
                if got != allowed:
                    mismatches.append(
                        f"{user} {method} on {kind}: expected {allowed}, got {got} "
                        f"({self._error(answer)})"
                    )
        self.assertFalse(mismatches, "\n".join(mismatches))

    def test_creating_with_money_fields_by_user(self):
        mismatches = []
        for index, (model, vals, *expected) in enumerate(CREATE_MATRIX):
            for user, allowed in zip(USERS, expected, strict=True):
                values = {key: self._fixture_id(value) for key, value in vals.items()}
                if "date" in values:  # one day per try: never 24 hours in a day
                    values["date"] = f"2031-{1 + index:02d}-{1 + USERS.index(user):02d}"
                answer = self._execute_kw("psa_" + user, model, "create", [values])
                got = "ok" if "result" in answer else "-"
                if got != allowed:
                    mismatches.append(
                        f"{user} creates {model} {sorted(vals)}: expected {allowed}, "
                        f"got {got} ({self._error(answer)})"
                    )
        self.assertFalse(mismatches, "\n".join(mismatches))

    def _fixture_id(self, value):
        """``"@project_tm"`` in the table: the id of that fixture."""
        if isinstance(value, str) and value.startswith("@"):
            return getattr(self, value[1:]).id
        return value

    def test_cap_decisions_answer_xmlrpc(self):
        # XML-RPC cannot marshal None: every action answers a value.
        held = self._records()["held_timesheet"]
        result = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.user_billing.id,
            "psa_billing",
            "account.analytic.line",
            "action_psa_cap_bill_anyway",
            [held.ids],
        )
        self.assertIs(result, True)
        self.assertEqual(held.psa_cap_decision, "bill")

    @staticmethod
    def _error(answer):
        error = answer.get("error")
        if not error:
            return ""
        data = error.get("data") or {}
        return f"{data.get('name', '')}: {data.get('message', error.get('message'))}"
