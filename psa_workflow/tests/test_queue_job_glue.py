# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The optional queue_job glue. Without queue_job (the addon's own test run)
scheduled work runs inline in the cron; with it (``tools/test_queue_job.sh``:
a database where OCA's queue_job is installed too) it becomes jobs, enqueued
once, that invoice and refresh when performed."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.psa_workflow.models.psa_employee_capacity import FRESH_PARAM

from .timesheet_common import PsaTimesheetCommon


@tagged("post_install", "-at_install")
class TestQueueJobGlue(PsaTimesheetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Projects = cls.env["project.project"]
        today = fields.Date.today()
        cls.project = cls.project_tm.copy({"name": "Queue Job Project"})
        cls.project.psa_invoice_frequency = "weekly"
        cls.line = (
            cls.env["account.analytic.line"]
            .with_user(cls.user_employee)
            .create(
                {
                    "project_id": cls.project.id,
                    "name": "Queued work",
                    "unit_amount": 3.0,
                    "date": today - timedelta(days=today.weekday() + 10),
                }
            )
        )
        cls.line.with_user(cls.user_employee).action_psa_submit()
        cls.line.with_user(cls.user_approver).action_psa_approve()

    def test_scheduled_invoicing_inline_or_as_one_job_per_project(self):
        if not self.env["psa.queue.job.glue"]._available():
            moves = self.Projects._cron_psa_invoice_due()
            self.assertEqual(moves.psa_link_ids.timesheet_id, self.line)
            return
        self.assertFalse(self.Projects._cron_psa_invoice_due(), "nothing inline")
        self.Projects._cron_psa_invoice_due()  # the next run, job still waiting
        jobs = self.env["queue.job"].search(
            [("identity_key", "=like", f"psa_invoice:{self.project.id}:%")]
        )
        self.assertEqual(len(jobs), 1, "enqueued once")
        self.assertEqual(jobs.method_name, "_psa_invoice_scheduled")
        self.assertEqual(self.line.psa_state, "approved")
        self._perform(jobs)
        self.assertEqual(self.line.psa_state, "invoiced")
        self.assertTrue(self.project.psa_last_invoice_date)

    def test_capacity_refresh_inline_or_as_jobs(self):
        Capacity = self.env["psa.employee.capacity"]
        params = self.env["ir.config_parameter"].sudo()
        employee = self.user_employee.employee_id
        Capacity.search([("employee_id", "=", employee.id)]).unlink()
        params.set_param(FRESH_PARAM, False)
        if not self.env["psa.queue.job.glue"]._available():
            Capacity._cron_refresh()
            self.assertTrue(Capacity.search_count([("employee_id", "=", employee.id)]))
            return
        Capacity._cron_refresh(batch_size=1000)
        Capacity._cron_refresh(batch_size=1000)
        jobs = self.env["queue.job"].search(
            [("identity_key", "=like", "psa_capacity:%")]
        )
        self.assertEqual(len(jobs), 1, "one batch, enqueued once a day")
        self.assertFalse(Capacity.search_count([("employee_id", "=", employee.id)]))
        self._perform(jobs)
        self.assertTrue(Capacity.search_count([("employee_id", "=", employee.id)]))

    def _perform(self, jobs):
        """What queue_job's runner does with each job: call its method."""
        for job in jobs:
            getattr(job.records, job.method_name)(*job.args, **job.kwargs)
