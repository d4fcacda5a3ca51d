# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The example module, tested as an integrator tests theirs: psa_workflow's
engine, wizards and reports running for real with each extension point this
module uses (``tools/test_example.sh``)."""

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.psa_workflow.tests.invoicing_common import PsaInvoicingCommon

RETAINER = 500.0


@tagged("post_install", "-at_install")
class TestIntegratorExample(PsaInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.retainer = cls.env["psa.example.retainer"].create(
            {
                "name": "This month",
                "project_id": cls.project_tm.id,
                # Earned once its month began: this month's (the time is in 2019).
                "date": fields.Date.today().replace(day=1),
                "amount": RETAINER,
            }
        )

    def _sums(self, report, measure, project=None):
        groups = (
            self.env[report]
            .with_user(self.user_billing)
            ._read_group(
                [("project_id", "=", (project or self.project_tm).id)],
                ["source"],
                [f"{measure}:sum"],
            )
        )
        return {source: amount for source, amount in groups if amount}

    # ------------------------------------------------------------------
    # A fifth billable kind: one model inheriting psa.billable.mixin
    # ------------------------------------------------------------------
    def test_the_retainer_is_a_billable_kind_of_the_registry(self):
        kinds = self.env["psa.invoicing.engine"]._psa_billable_kinds()
        self.assertEqual(
            list(kinds),
            ["timesheets", "expenses", "installments", "retainers", "milestones"],
        )
        self.assertEqual(kinds["retainers"].link_field, "retainer_id")
        # The link's one-kind CHECK and one-live-link index know the column.
        self.env.cr.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conname = 'psa_invoice_link_one_kind'"
        )
        self.assertIn("retainer_id", self.env.cr.fetchone()[0])
        self.env.cr.execute(
            "SELECT 1 FROM pg_indexes"
            " WHERE indexname = 'psa_invoice_link_retainer_id_invoiced_uniq'"
        )
        self.assertTrue(self.env.cr.fetchone())

    def test_the_retainer_is_invoiced_once_with_the_time(self):
        lines = self._approved(2.0)
        move, skipped = self._invoice()
        self.assertFalse(skipped)
        retainer_line = move.invoice_line_ids.filtered(
            lambda line: line.name == "Retainer This month"
        )
        self.assertEqual(retainer_line.price_subtotal, RETAINER)
        self.assertEqual(move.amount_untaxed, RETAINER + 200.0)
        self.assertEqual(move.psa_link_ids.retainer_id, self.retainer)
        self.assertEqual(move.psa_link_ids.timesheet_id, lines)
        self.assertTrue(self.retainer.psa_invoiced)
        again, _skipped = self._invoice()
        self.assertFalse(again, "never billed twice")
        # Cancelled, the invoice gives it back: billable again.
        move.with_user(self.user_billing).button_cancel()
        self.assertFalse(self.retainer.psa_invoiced)

    def test_the_reports_show_the_retainer_until_it_is_invoiced(self):
        self.assertEqual(self._sums("psa.wip.report", "amount"), {"retainer": RETAINER})
        labels = dict(
            self.env["psa.wip.report"]
            ._fields["source"]
            ._description_selection(self.env)
        )
        self.assertEqual(labels["retainer"], "Retainers")
        self.assertEqual(
            self._sums("psa.profitability.report", "revenue"),
            {"retainer": RETAINER},
        )
        [(earned,)] = (
            self.env["psa.revenue.report"]
            .with_user(self.user_billing)
            ._read_group([("project_id", "=", self.project_tm.id)], [], ["earned:sum"])
        )
        self.assertEqual(earned, RETAINER)
        # Work in Progress -> Entries opens the retainer.
        [row] = (
            self.env["psa.wip.report"]
            .with_user(self.user_billing)
            .search([("project_id", "=", self.project_tm.id)])
        )
        action = row.action_psa_open_entries()
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]), self.retainer
        )
        # Posted, it is no longer work in progress; its revenue stays earned in
        # its month, the invoice shown beside it.
        move, _skipped = self._invoice()
        self._post(move)
        self.assertFalse(self._sums("psa.wip.report", "amount"))
        profit = self._sums("psa.profitability.report", "revenue")
        self.assertEqual(profit, {"retainer": RETAINER})
        invoiced = self._sums("psa.profitability.report", "revenue_invoiced")
        self.assertEqual(invoiced, {"invoice": RETAINER})

    # ------------------------------------------------------------------
    # A fee line and one invoice per customer, in the preview too
    # ------------------------------------------------------------------
    def test_a_customer_gets_one_invoice_with_its_fee_as_previewed(self):
        self.customer.write({"psa_example_fee": 25.0, "psa_example_one_invoice": True})
        project_2 = self.project_tm.copy({"name": "PSA Example Second Project"})
        self._approved(2.0)
        self._approved(1.0, project=project_2)
        projects = self.project_tm | project_2
        wizard = (
            self.env["psa.invoice.create"]
            .with_user(self.user_billing)
            .create(
                {
                    "project_ids": [(6, 0, projects.ids)],
                    "date_to": fields.Date.today(),
                }
            )
        )
        [preview] = wizard.preview_line_ids
        self.assertEqual(preview.project_ids._origin, projects)
        self.assertEqual(preview.amount, 300.0 + RETAINER + 25.0)
        wizard.action_create_invoices()
        move = self.env["account.move"].search(
            [("psa_link_ids.timesheet_id.project_id", "in", projects.ids)]
        )
        self.assertEqual(len(move), 1)
        self.assertEqual(move.amount_untaxed, preview.amount)
        fee = move.invoice_line_ids.filtered(lambda line: line.name == "Handling fee")
        self.assertEqual(fee.price_subtotal, 25.0)
        self.assertFalse(move.psa_link_ids.filtered(lambda k: k.move_line_id == fee))

    # ------------------------------------------------------------------
    # A second approver
    # ------------------------------------------------------------------
    def test_a_second_approver_approves_the_projects_entries(self):
        second = self._psa_user("psa_example_second", "approver", 60.0)
        other = self._psa_user("psa_example_other", "approver", 60.0)
        self.project_tm.psa_example_second_approver_id = second
        self.assertEqual(self.project_tm.psa_approver_ids, self.user_approver | second)
        line = self._log()
        line.with_user(self.user_employee).action_psa_submit()
        with self.assertRaises(UserError):
            line.with_user(other).action_psa_approve()
        line.with_user(second).action_psa_approve()
        self.assertEqual(
            (line.psa_state, line.psa_approved_by_id), ("approved", second)
        )

    # ------------------------------------------------------------------
    # A rate step with its scope
    # ------------------------------------------------------------------
    def test_a_customer_rate_for_a_role_comes_before_the_customer_default(self):
        Rate = self.env["psa.rate"]
        by_role = Rate.create(
            {"partner_id": self.customer.id, "role_id": self.role.id, "amount": 130.0}
        )
        Rate.create({"partner_id": self.customer.id, "amount": 120.0})
        self.assertEqual(by_role.scope, "customer_role")
        line = self._log(hours=1.0)
        self.assertEqual(
            (line.psa_bill_rate, line.psa_rate_scope), (130.0, "customer_role")
        )

    # ------------------------------------------------------------------
    # The state hook
    # ------------------------------------------------------------------
    def test_every_state_change_is_logged(self):
        line = self._approved(1.0)
        self._invoice()
        logs = self.env["psa.example.state.log"].search(
            [("timesheet_id", "=", line.id)]
        )
        self.assertEqual(
            [(log.old_state, log.new_state) for log in logs],
            [
                ("draft", "submitted"),
                ("submitted", "approved"),
                ("approved", "invoiced"),
            ],
        )
