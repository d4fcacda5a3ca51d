# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .timesheet_common import PsaTimesheetCommon


@tagged("post_install", "-at_install")
class TestScheduledInvoicingBatches(PsaTimesheetCommon):
    """The scheduled invoicing works in batches of projects and reports its
    progress to Odoo's cron runner, which calls it again while some remain."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Projects = cls.env["project.project"]
        cls.cron = cls.env.ref("psa_workflow.ir_cron_psa_invoice_due_projects")
        today = fields.Date.today()
        cls.day = today - timedelta(days=today.weekday() + 10)  # before last Sunday
        cls.projects = cls.env["project.project"].browse()
        cls.lines = cls.env["account.analytic.line"]
        for index in range(3):
            project = cls.project_tm.copy({"name": f"Cron Batch {index}"})
            project.psa_invoice_frequency = "weekly"
            cls.projects |= project
        for project in cls.projects:
            cls.lines |= (
                cls.env["account.analytic.line"]
                .with_user(cls.user_employee)
                .create(
                    {
                        "project_id": project.id,
                        "name": "Batched work",
                        "unit_amount": 2.0,
                        "date": cls.day,
                    }
                )
            )
        cls.lines.with_user(cls.user_employee).action_psa_submit()
        cls.lines.with_user(cls.user_approver).action_psa_approve()

    def _run_batch(self, batch_size=1):
        """One call as the cron runner makes it, with its progress record."""
        _cron, progress = self.cron._add_progress()
        moves = self.Projects.with_context(
            ir_cron_progress_id=progress.id
        )._cron_psa_invoice_due(batch_size=batch_size)
        return moves, progress

    def _due(self):
        today = fields.Date.today()
        domain = self.Projects._psa_due_domain(
            self.Projects._psa_due_periods(today), today
        )
        return self.env["project.project"].search(domain) & self.projects

    def test_each_call_invoices_one_batch_and_reports_what_remains(self):
        due_before = self.env["project.project"].search_count(
            self.Projects._psa_due_domain(
                self.Projects._psa_due_periods(fields.Date.today()), fields.Date.today()
            )
        )
        moves, progress = self._run_batch()
        self.assertEqual(len(moves), 1)
        self.assertEqual((progress.done, progress.remaining), (1, due_before - 1))
        billed = moves.psa_link_ids.timesheet_id
        while progress.remaining:
            more, progress = self._run_batch()
            self.assertFalse(more.psa_link_ids.timesheet_id & billed, "billed twice")
            billed |= more.psa_link_ids.timesheet_id
        self.assertEqual(billed & self.lines, self.lines)
        self.assertEqual(set(self.lines.mapped("psa_state")), {"invoiced"})
        self.assertFalse(self._due())
        # Nothing left: the next run does nothing and reports nothing remaining.
        moves, progress = self._run_batch()
        self.assertFalse(moves)
        self.assertEqual((progress.done, progress.remaining), (0, 0))

    def test_a_killed_batch_is_invoiced_by_the_next_run_once(self):
        first, _progress = self._run_batch()
        # The second batch dies before its commit: its work is rolled back.
        with self.assertRaises(MemoryError), self.env.cr.savepoint():
            self._run_batch()
            raise MemoryError("worker killed")
        self.env.invalidate_all()
        self.assertEqual(len(self._due()), 2, "the killed batch is still due")
        moves, progress = self._run_batch(batch_size=10)
        self.assertEqual(progress.remaining, 0)
        billed = (first | moves).psa_link_ids.timesheet_id
        self.assertEqual(billed & self.lines, self.lines)
        self.assertEqual(len((first | moves).psa_link_ids), len(billed))

    def test_a_skipped_project_is_flagged_and_tried_again_the_next_day(self):
        broken = self.projects[0]
        broken.partner_id = False  # cannot be invoiced: no customer
        self._run_batch(batch_size=10)
        self.assertEqual(
            broken.psa_invoice_skipped_date, fields.Date.context_today(broken)
        )
        self.assertTrue(broken.psa_invoice_skip_reason)
        self.assertFalse(broken.psa_last_invoice_date)
        self.assertNotIn(broken, self._due(), "not tried again today")
        # The next day (or once fixed and the flag is older than today).
        broken.sudo().psa_invoice_skipped_date = fields.Date.today() - timedelta(days=1)
        self.assertIn(broken, self._due())
        broken.partner_id = self.customer
        moves, _progress = self._run_batch(batch_size=10)
        self.assertEqual(moves.psa_link_ids.timesheet_id, self.lines[0])
        self.assertFalse(broken.psa_invoice_skip_reason)
        self.assertTrue(broken.psa_last_invoice_date)
