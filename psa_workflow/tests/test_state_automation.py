# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Approval states change through the ORM: Odoo's automated actions
(``base_automation``, installed next to the addon by ``tools/test.sh``) and
other modules' ``write`` overrides see an entry submitted, approved, invoiced
or rejected, as they see any other change."""

from datetime import timedelta

from odoo.tests import tagged

from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY


@tagged("post_install", "-at_install")
class TestStateAutomation(PsaInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "base.automation" not in cls.env:
            raise AssertionError(
                "base_automation must be installed in the test database "
                "(tools/test.sh installs it next to psa_workflow)"
            )

    def _on_state(self, state, code):
        """An automated action on timesheets set to ``state``, as a user makes
        it in Settings > Technical > Automation Rules."""
        Lines = self.env["ir.model"]._get("account.analytic.line")
        state_field = self.env["ir.model.fields"]._get(
            "account.analytic.line", "psa_state"
        )
        action = self.env["ir.actions.server"].create(
            {
                "name": f"PSA test: {state}",
                "model_id": Lines.id,
                "state": "code",
                "code": code,
            }
        )
        return self.env["base.automation"].create(
            {
                "name": f"PSA test: timesheet {state}",
                "model_id": Lines.id,
                "trigger": "on_create_or_write",
                "trigger_field_ids": [(6, 0, state_field.ids)],
                "filter_pre_domain": f"[('psa_state', '!=', '{state}')]",
                "filter_domain": f"[('psa_state', '=', '{state}')]",
                "action_server_ids": [(6, 0, action.ids)],
            }
        )

    def test_an_automated_action_runs_on_approval(self):
        self._on_state(
            "approved",
            "for line in records:\n"
            "    line.write({'name': 'Approved by %s' % line.psa_approved_by_id.name})",
        )
        lines = self._log() | self._log(day=DAY + timedelta(days=1))
        untouched = self._log(day=DAY + timedelta(days=2))
        (lines | untouched).with_user(self.user_employee).action_psa_submit()
        self.assertEqual(set((lines | untouched).mapped("name")), {"Work"})
        lines.with_user(self.user_approver).action_psa_approve()
        self.assertEqual(
            set(lines.mapped("name")), {f"Approved by {self.user_approver.name}"}
        )
        self.assertEqual(untouched.name, "Work")
        # The acting user wrote it (not the superuser the write runs as).
        self.assertEqual(lines.write_uid, self.user_approver)

    def test_an_automated_action_sees_invoicing_and_its_undoing(self):
        self._on_state(
            "invoiced",
            "records.write({'name': 'On an invoice'})",
        )
        self._on_state(
            "approved",
            "records.filtered(lambda line: line.name == 'On an invoice')"
            ".write({'name': 'Back to approved'})",
        )
        line = self._approved(2.0)
        move, _skipped = self._invoice()
        self.assertEqual(line.name, "On an invoice")
        move.with_user(self.user_billing).button_cancel()
        self.assertEqual((line.psa_state, line.name), ("approved", "Back to approved"))
