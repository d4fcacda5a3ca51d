# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scheduled invoicing on a busy day: a user saves a project while the
run works on it. The run leaves that project for its next call and invoices
the others; the job does not fail and logs no error."""

from contextlib import closing
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .race_common import PsaRaceCase


@tagged("post_install", "-at_install")
class TestScheduledInvoicingBusyDay(PsaRaceCase):
    TAG = "PSA busy day test"

    def setUp(self):
        super().setUp()
        today = fields.Date.today()
        last_week = today - timedelta(days=today.weekday() + 4)  # last Thursday
        with self._env() as env:
            other = env["project.project"].create(
                {
                    "name": f"{self.TAG} (other)",
                    "partner_id": self.ids["partner"],
                    "company_id": env.company.id,
                }
            )
        self.ids["other"] = other.id
        self.addCleanup(self._cleanup_other)
        self.ids["lines"] = self._approved(
            2.0, day=last_week, psa_invoice_frequency="weekly"
        )
        self.ids["other_lines"] = self._approved(
            3.0, day=last_week, project_id=other.id, psa_invoice_frequency="weekly"
        )

    def _cleanup_other(self):
        with self._env() as env:
            lines = env["account.analytic.line"].browse(self.ids["other_lines"])
            lines._psa_write_state({"psa_state": "draft"})
            lines.unlink()
            env["project.project"].browse(self.ids["other"]).unlink()

    def _run(self, env):
        """One call of the scheduled job, as the cron runner makes it (all due
        projects of the database in one batch). Returns the invoiced lines
        of the two test projects."""
        with self.assertNoLogs("odoo", "ERROR"):
            env["project.project"]._cron_psa_invoice_due(batch_size=1000)
        env.flush_all()
        lines = env["account.analytic.line"].browse(
            self.ids["lines"] + self.ids["other_lines"]
        )
        return lines.filtered(lambda line: line.psa_state == "invoiced")

    def _saved_by_a_user(self, env):
        env["project.project"].browse(self.ids["project"]).write(
            {"description": "Saved while the run works"}
        )
        env.flush_all()

    def test_a_project_saved_since_the_run_began_is_left_for_the_next_call(self):
        cr_run, env_run, project = self._worker()
        cr_user, env_user, _project = self._worker()
        with closing(cr_run), closing(cr_user):
            env_run.cr.execute("SELECT 1")  # the run's snapshot
            self._saved_by_a_user(env_user)
            cr_user.commit()
            invoiced = self._run(env_run)
            # The other project is invoiced; the saved one is due still.
            self.assertEqual(invoiced.ids, self.ids["other_lines"])
            self.assertFalse(project.psa_invoice_skip_reason)
            cr_run.rollback()
            # The next call, a transaction of its own, invoices it.
            env_run.invalidate_all()
            invoiced = self._run(env_run)
            self.assertEqual(
                sorted(invoiced.ids),
                sorted(self.ids["lines"] + self.ids["other_lines"]),
            )
            cr_run.rollback()

    def test_a_project_being_saved_is_left_for_the_next_call(self):
        cr_run, env_run, project = self._worker()
        cr_user, env_user, _project = self._worker()
        with closing(cr_run), closing(cr_user):
            self._saved_by_a_user(env_user)  # holds the row, not committed
            invoiced = self._run(env_run)
            self.assertEqual(invoiced.ids, self.ids["other_lines"])
            self.assertFalse(project.psa_invoice_skipped_date)
            cr_run.rollback()
            cr_user.rollback()
