# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The declared read policy (``READ_POLICY``, ``CONFIDENTIAL_MODELS``) against
every entry point a client can call, as every kind of outsider. Generated
from the declaration: a field added to it tomorrow is covered here.

The oracle is ``read``: a value the user cannot ``read`` must not come out of
``search`` (the field in the domain), ``read_group``, ``export_data``,
``web_search_read``, ``name_search`` or ``onchange`` either."""

from datetime import timedelta
from functools import partial

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.psa_write_policy import CONFIDENTIAL_MODELS, READ_POLICY
from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY

# What refusing looks like: no rights, or no such operation on the field.
REFUSED = (AccessError, UserError, ValueError, KeyError, NotImplementedError)


def _leaks(call, leaked):
    """Whether ``call()`` answers with the value (``leaked(answer)``)."""
    try:
        answer = call()
    except REFUSED:
        return False
    return bool(leaked(answer))


@tagged("post_install", "-at_install")
class TestReadPolicy(PsaInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_outsiders()
        # An approver who approves none of the test projects: the policy lets
        # approvers read some figures of every project (contracts, links),
        # the rules keep the timesheets of others' projects from them.
        cls.user_approver_other = cls._psa_user("psa_approver_other", "approver", 60.0)
        cls.outsiders = {
            "employee": cls.user_employee,
            "approver of another project": cls.user_approver_other,
            "portal contact of another customer": cls.user_portal,
            "billing user of another company": cls.user_billing_b,
        }

    def _records(self):
        """``{model: a record of company A with every declared value set}``."""
        project = self.project_tm
        project.write(
            {
                "psa_contract_amount": 5000.0,
                "psa_budget_amount": 4000.0,
                "psa_invoice_skip_reason": "Contract 5,000.00 reached",
            }
        )
        lines = self._approved(2.0, 1.0)
        move, _skipped = self._invoice()
        milestones = self._milestone_project(psa_contract_amount=6500.0).milestone_ids
        allocation = self.env["psa.allocation"].create(
            {
                "project_id": project.id,
                "employee_id": self.emp.id,
                "date_from": DAY,
                "date_to": DAY + timedelta(days=4),
                "hours_per_day": 4.0,
            }
        )
        member = self.env["psa.project.member"].create(
            {
                "project_id": project.id,
                "employee_id": self.emp.id,
                "role_id": self.role.id,
            }
        )
        rate = self.env["psa.rate"].create(
            {"project_id": project.id, "amount": 120.0, "date_from": DAY}
        )
        self.project_fixed.psa_contract_amount = 1000.0
        installment = self.env["psa.project.installment"].create(
            {"project_id": self.project_fixed.id, "date": DAY, "amount": 1000.0}
        )
        self.env.flush_all()
        return {
            "account.analytic.line": lines[:1],
            "project.project": project,
            "project.milestone": milestones[:1],
            "psa.allocation.line": allocation.line_ids[:1],
            "psa.project.member": member,
            "psa.role": self.role,
            "res.partner": self.customer,
            "account.move": move,
            "psa.rate": rate,
            "psa.project.installment": installment,
            "psa.invoice.link": move.psa_link_ids[:1],
            "psa.utilization.report": self.env["psa.utilization.report"].search(
                [("timesheet_id", "=", lines[:1].id)]
            ),
        }

    def _field_entry_points(self, record, fname):
        """``{entry point: (call, leaked)}`` for one field of one record,
        called by ``env``'s user."""
        field = record._fields[fname]
        value = record[fname].ids if field.relational else record[fname]

        def has_value(rows):
            return any(row.get(fname) not in (None, False, 0, [], "") for row in rows)

        def points(env):
            model = env[record._name]
            mine = [("id", "=", record.id)]
            aggregate = f"{fname}:sum" if field.type in ("float", "monetary") else fname
            return {
                # A search that tells the value from another one reveals it
                # (a field Odoo cannot search matches whatever the value).
                "search on the field": (
                    lambda: (
                        bool(model.search([*mine, (fname, "=", value)])),
                        bool(model.search([*mine, (fname, "!=", value)])),
                    ),
                    lambda found: found[0] != found[1],
                ),
                "read_group": (
                    lambda: model.read_group(
                        mine,
                        [aggregate],
                        [] if aggregate.endswith(":sum") else [fname],
                    ),
                    has_value,
                ),
                "export_data": (
                    lambda: model.browse(record.id).export_data([fname])["datas"],
                    lambda rows: any(any(row) for row in rows),
                ),
                "web_search_read": (
                    lambda: model.web_search_read(mine, {fname: {}})["records"],
                    has_value,
                ),
                "onchange": (
                    lambda: model.browse(record.id).onchange({}, [], {fname: {}}),
                    lambda answer: answer.get("value", {}).get(fname) == value,
                ),
            }

        return points

    def test_the_policy_is_what_the_fields_carry(self):
        for model, fields_groups in READ_POLICY.items():
            for fname, groups in fields_groups.items():
                with self.subTest(field=f"{model}.{fname}"):
                    field = self.env[model]._fields[fname]
                    self.assertEqual(set((field.groups or "").split(",")), set(groups))
        # Every field of the addon's models restricted to its groups is declared.
        declared = {(m, f) for m, fields_ in READ_POLICY.items() for f in fields_}
        for model in self.env.registry.models.values():
            for fname, field in model._fields.items():
                if (
                    field.groups
                    and "psa_workflow.group_psa_approver" in field.groups
                    and not field.inherited  # declared on the model it comes from
                ):
                    with self.subTest(field=f"{model._name}.{fname}"):
                        if model._name.startswith(("psa.allocation.staff",)):
                            continue  # a wizard's own figures, never stored
                        self.assertIn((model._name, fname), declared)

    def test_no_declared_figure_leaks_through_any_entry_point(self):
        records = self._records()
        for model, fields_groups in READ_POLICY.items():
            record = records[model]
            for fname in fields_groups:
                points = self._field_entry_points(record, fname)
                for who, user in self.outsiders.items():
                    env = self.env(user=user)
                    readable = env[model].browse(record.id)
                    if _leaks(partial(readable.read, [fname]), bool):
                        # Readable: the policy allows it (a shared record of a
                        # user in the groups). Nothing to hide from them.
                        self.assertTrue(
                            any(user.has_group(g) for g in fields_groups[fname]),
                            f"{who} reads {model}.{fname}",
                        )
                        continue
                    for name, (call, leaked) in points(env).items():
                        with self.subTest(
                            field=f"{model}.{fname}", user=who, entry=name
                        ):
                            self.assertFalse(_leaks(call, leaked))

    @staticmethod
    def _model_entry_points(model, record):
        """``{entry point: (call, leaked)}`` for a record of a confidential
        model, called on ``model`` (in the outsider's environment)."""
        mine = [("id", "=", record.id)]
        return {
            "read": (lambda: model.browse(record.id).read([]), bool),
            "search_count": (lambda: model.search_count(mine), bool),
            "name_search": (
                lambda: model.name_search(""),
                lambda rows: record.id in [row[0] for row in rows],
            ),
            "read_group": (
                lambda: model.read_group(mine, ["__count"], []),
                lambda rows: any(row.get("__count") for row in rows),
            ),
            "web_search_read": (
                lambda: model.web_search_read(mine, {"display_name": {}})["records"],
                bool,
            ),
            "onchange": (
                lambda: model.browse(record.id).onchange({}, [], {"display_name": {}}),
                bool,
            ),
        }

    def test_no_confidential_record_leaks_through_any_entry_point(self):
        records = self._records()
        for model, groups in CONFIDENTIAL_MODELS.items():
            for who, user in self.outsiders.items():
                points = self._model_entry_points(
                    self.env(user=user)[model], records[model]
                )
                read, readable = points["read"]
                if _leaks(read, readable):
                    # Readable: the policy allows it (an approver reads the
                    # rates and links of every project).
                    self.assertTrue(
                        any(user.has_group(group) for group in groups),
                        f"{who} reads {model}",
                    )
                    continue
                for name, (call, leaked) in points.items():
                    with self.subTest(model=model, user=who, entry=name):
                        self.assertFalse(_leaks(call, leaked))
            # The policy itself: outside its groups, no read at all.
            self.assertFalse(
                any(self.user_employee.has_group(group) for group in groups)
            )

    def test_every_psa_model_with_a_company_has_a_company_rule(self):
        Rule = self.env["ir.rule"]
        for model in self.env.registry.models.values():
            field = model._fields.get("company_id")
            if (
                not model._name.startswith("psa.")
                or model._abstract
                or model._transient
                or not field
                or not field.store
            ):
                continue
            with self.subTest(model=model._name):
                rules = Rule.search(
                    [("model_id.model", "=", model._name), ("global", "=", True)]
                )
                self.assertTrue(
                    any("company_ids" in rule.domain_force for rule in rules),
                    f"{model._name} has no multi-company rule",
                )
