# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .invoicing_common import PsaInvoicingCommon


@tagged("post_install", "-at_install")
class TestMilestonesReachedInThePeriod(PsaInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project_ms = cls._milestone_project()
        cls.design, cls.build = cls.project_ms.milestone_ids.sorted(
            lambda m: m.name != "Design"
        )

    def _reached(self, milestone, day):
        milestone.is_reached = True
        milestone.reached_date = day
        self.assertEqual(milestone.reached_date, day)

    def test_milestone_reached_after_the_date_waits_for_its_run(self):
        today = fields.Date.today()
        month_end = today.replace(day=1) - timedelta(days=1)
        self._reached(self.design, month_end - timedelta(days=3))
        self._reached(self.build, month_end + timedelta(days=1))
        move, _skipped = self._invoice(self.project_ms, date_to=month_end)
        self.assertEqual(move.psa_link_ids.milestone_id, self.design)
        self.assertFalse(self.build.psa_invoiced)
        move, _skipped = self._invoice(self.project_ms, date_to=today)
        self.assertEqual(move.psa_link_ids.milestone_id, self.build)

    def test_monthly_run_leaves_a_milestone_reached_this_month(self):
        self.project_ms.psa_invoice_frequency = "monthly"
        today = fields.Date.context_today(self.env.user)
        self.design.is_reached = True  # today: this month
        self.assertEqual(self.design.reached_date, today)
        moves = self.env["project.project"]._cron_psa_invoice_due()
        self.assertNotIn(self.design, moves.psa_link_ids.milestone_id)
        self.assertFalse(self.design.psa_invoiced)


@tagged("post_install", "-at_install")
class TestCapFlagsFollowInvoicing(PsaInvoicingCommon):
    def _credit_entries(self, move, lines):
        form = Form(
            self.env["psa.invoice.credit"]
            .with_user(self.user_billing)
            .with_context(active_id=move.id)
        )
        form.reason = "Not agreed"
        # The invoice's entries are listed, none ticked: tick those to credit.
        for index in range(len(form.line_ids)):
            with form.line_ids.edit(index) as row:
                row.selected = row.link_id.timesheet_id in lines
        credit = self.env["account.move"].browse(form.save().action_credit()["res_id"])
        credit.with_user(self.user_billing).action_post()
        return credit

    def test_held_time_billed_after_the_cap_is_raised(self):
        """Held -> cap raised -> billed (no longer held) -> write-off refused
        -> credited -> billed again."""
        self.project_tm.write({"psa_cap_type": "hours", "psa_cap_hours": 5.0})
        _first, _second, third = self._approved(2.0, 2.0, 3.0)
        self._invoice()
        self.assertTrue(third.psa_cap_held)
        self.project_tm.psa_cap_hours = 10.0
        move, _skipped = self._invoice()
        self.assertEqual(move.psa_link_ids.timesheet_id, third)
        self.assertEqual(third.psa_state, "invoiced")
        self.assertFalse(third.psa_cap_held, "billed: not held any more")
        for decide in ("action_psa_cap_write_off", "action_psa_cap_bill_anyway"):
            with self.assertRaisesRegex(UserError, "not invoiced"):
                getattr(third.with_user(self.user_billing), decide)()
        self._post(move)
        self._credit_entries(move, third)
        self.assertEqual(third.psa_state, "approved")
        self.assertFalse(third.psa_cap_decision)
        again, _skipped = self._invoice()
        self.assertEqual(again.psa_link_ids.timesheet_id, third)
        self.assertEqual(again.amount_untaxed, 300.0)

    def test_held_time_billed_once_the_cap_is_removed(self):
        self.project_tm.write({"psa_cap_type": "amount", "psa_cap_amount": 250.0})
        _first, second = self._approved(2.0, 1.0)
        self._invoice()
        self.assertTrue(second.psa_cap_held)
        self.project_tm.psa_cap_type = "none"
        move, _skipped = self._invoice()
        self.assertEqual(move.psa_link_ids.timesheet_id, second)
        self.assertFalse(second.psa_cap_held)

    def test_decision_refused_on_time_not_approved(self):
        self.project_tm.write({"psa_cap_type": "hours", "psa_cap_hours": 1.0})
        line = self._approved(2.0)
        self._invoice()
        self.assertTrue(line.psa_cap_held)
        line.with_user(self.user_approver).action_psa_reopen()
        with self.assertRaisesRegex(UserError, "Timesheet of"):
            line.with_user(self.user_billing).action_psa_cap_write_off()
