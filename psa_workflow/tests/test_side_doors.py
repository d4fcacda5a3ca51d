# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Figures a user may not read do not come out through the methods a client
can call besides ``read``: ``onchange`` and ``default_get`` of the addon's
models and wizards, the wizards' own computations, derived text. Each entry
point is tried as each kind of outsider."""

from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY

# The web client's specification of the fields an onchange returns.
CREDIT_SPEC = {
    "move_id": {},
    "line_ids": {"fields": {"link_id": {}, "hours": {}, "amount": {}}},
    "amount": {},
}


@tagged("post_install", "-at_install")
class TestSideDoors(PsaInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_outsiders()
        cls.project_fixed.psa_contract_amount = 12345.0
        cls.open_role = cls.env["psa.allocation"].create(
            {
                "project_id": cls.project_fixed.id,
                "role_id": cls.role.id,
                "date_from": DAY,
                "date_to": DAY + timedelta(days=4),
                "hours_per_day": 4.0,
            }
        )

    def _invoiced(self):
        self._approved(2.0, 1.0)
        move, _skipped = self._invoice()
        self._post(move)
        return move

    def _entry_points(self, move):
        """``{name: call(env)}``: each side door, called in ``env``."""
        credit = self.env["psa.invoice.credit"]
        ctx = {"active_model": "account.move", "active_id": move.id}
        return {
            "credit wizard default_get": lambda env: (
                env["psa.invoice.credit"]
                .with_context(**ctx)
                .default_get(["move_id", "line_ids"])
            ),
            "credit wizard onchange": lambda env: (
                env["psa.invoice.credit"]
                .with_context(**ctx)
                .onchange({}, [], CREDIT_SPEC)
            ),
            "credit wizard line onchange": lambda env: env[
                "psa.invoice.credit.line"
            ].onchange(
                {"link_id": move.psa_link_ids[:1].id},
                ["link_id"],
                {"link_id": {}, "hours": {}, "amount": {}},
            ),
            "create invoices default_get": lambda env: env[
                "psa.invoice.create"
            ].default_get(["project_ids"]),
            "installment onchange": lambda env: env["psa.project.installment"].onchange(
                {"project_id": self.project_fixed.id, "percent": 100.0},
                ["percent"],
                {"project_id": {}, "percent": {}, "amount": {}},
            ),
            "project onchange": lambda env: (
                env["project.project"]
                .browse(self.project_tm.id)
                .onchange(
                    {"psa_budget_amount": 1000.0},
                    ["psa_budget_amount"],
                    {"psa_budget_amount": {}, "psa_burn_percent": {}},
                )
            ),
            "find staff default_get": lambda env: (
                env["psa.allocation.staff"]
                .with_context(default_allocation_id=self.open_role.id)
                .default_get(["allocation_id", "line_ids"])
            ),
            "find staff onchange": lambda env: env["psa.allocation.staff"].onchange(
                {"allocation_id": self.open_role.id},
                ["allocation_id"],
                {
                    "allocation_id": {},
                    "needed_strip": {},
                    "line_ids": {"fields": {"employee_id": {}, "free_hours": {}}},
                },
            ),
            "skip reason read": lambda env: (
                env["project.project"]
                .browse(self.project_tm.id)
                .read(["psa_invoice_skip_reason"])
            ),
            "credit wizard create": lambda env: (
                credit.with_env(env)
                .with_context(**ctx)
                .create({})
                .line_ids.mapped("amount")
            ),
        }

    def test_every_side_door_refuses_every_outsider(self):
        move = self._invoiced()
        self.project_tm.sudo().psa_invoice_skip_reason = "Contract 12,345.00 reached"
        outsiders = {
            "employee": self.user_employee,
            "approver of another project": self.user_approver,
            "billing user of another company": self.user_billing_b,
            "portal contact of another customer": self.user_portal,
        }
        # What each outsider may legitimately call: the approver manages
        # project_tm (its onchange and skip reason are theirs to see).
        # The billing user of company B opens Create Invoices on company B's
        # projects; the wizard's defaults are its own.
        allowed = {
            ("approver of another project", "project onchange"),
            ("approver of another project", "skip reason read"),
            ("approver of another project", "find staff default_get"),
            ("billing user of another company", "create invoices default_get"),
        }
        for who, user in outsiders.items():
            env = self.env(user=user)
            for name, call in self._entry_points(move).items():
                if (who, name) in allowed:
                    continue
                with (
                    self.subTest(user=who, entry_point=name),
                    self.assertRaises(AccessError),
                ):
                    call(env)

    def test_insiders_still_use_them(self):
        move = self._invoiced()
        env = self.env(user=self.user_billing)
        points = self._entry_points(move)
        values = points["credit wizard onchange"](env)["value"]
        created = [command for command in values["line_ids"] if command[0] == 0]
        self.assertEqual(len(created), 2)  # the invoice's two entries
        self._approved(1.5)  # waiting to be invoiced
        [(_set, _zero, waiting)] = (
            env["psa.invoice.create"]
            .with_context(default_date_to="2019-06-01")
            .default_get(["project_ids"])["project_ids"]
        )
        self.assertIn(self.project_tm.id, waiting)
        installment = points["installment onchange"](env)["value"]
        self.assertEqual(installment["amount"], 12345.0)
        admin = self.env(user=self.user_admin)
        staff = points["find staff onchange"](admin)["value"]
        self.assertTrue(staff["needed_strip"])

    def test_invoice_links_stay_in_their_company(self):
        move = self._invoiced()
        Link = self.env["psa.invoice.link"]
        self.assertEqual(
            Link.with_user(self.user_billing).search([("move_id", "=", move.id)]),
            move.psa_link_ids,
        )
        self.assertFalse(
            Link.with_user(self.user_billing_b).search([("move_id", "=", move.id)])
        )
        with self.assertRaises(AccessError):
            move.psa_link_ids.with_user(self.user_billing_b).read(["amount"])
        self.assertFalse(
            Link.with_user(self.user_billing_b).read_group(
                [("move_id", "=", move.id)], ["amount:sum"], ["move_id"]
            )
        )
