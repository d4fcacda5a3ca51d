# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Billing invariants under concurrency, on two real database connections: a
cap is never exceeded, nobody logs more than 24 hours a day, and a project is
not invoiced up to a date while some of its entries were left behind."""

from contextlib import closing
from datetime import timedelta

from psycopg2.errors import ExclusionViolation, SerializationFailure

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .race_common import DAY, PsaRaceCase


@tagged("post_install", "-at_install")
class TestBillingRaces(PsaRaceCase):
    TAG = "PSA billing race test"

    def _billed(self):
        """``(hours invoiced, ids of the timesheets held by the cap)``"""
        with self._env() as env:
            lines = env["account.analytic.line"].search(
                [("employee_id", "=", self.ids["employee"])]
            )
            links = env["psa.invoice.link"].search(
                [("timesheet_id", "in", lines.ids), ("state", "=", "invoiced")]
            )
            return sum(links.mapped("hours")), sorted(
                lines.filtered("psa_cap_held").ids
            )

    def _selection(self, env, ids):
        return {"timesheets": env["account.analytic.line"].browse(ids)}

    # ------------------------------------------------------------------
    # Caps
    # ------------------------------------------------------------------
    def test_selection_run_skips_a_capped_project_another_run_holds(self):
        ids = self._approved(4.0, 4.0, 4.0, 4.0, psa_cap_type="hours", psa_cap_hours=10)
        cr_a, env_a, project_a = self._worker()
        cr_b, env_b, project_b = self._worker()
        with closing(cr_a), closing(cr_b):
            result_a = env_a["psa.invoicing.engine"]._invoice_projects(
                project_a, date_to=DAY, only=self._selection(env_a, ids[:2])
            )
            self.assertEqual(len(result_a["moves"]), 1)
            # B runs while A holds the project, uncommitted: B skips it at once.
            result_b = env_b["psa.invoicing.engine"]._invoice_projects(
                project_b, date_to=DAY, only=self._selection(env_b, ids[2:])
            )
            self.assertFalse(result_b["moves"])
            self.assertIn("another run", result_b["skipped"][project_b])
            cr_b.commit()
            cr_a.commit()
        self.assertEqual(self._billed(), (8.0, []))

    def _fails_then_retry_bills_nothing(self, env, project, ids):
        """A run of the selection ``ids`` on a stale snapshot fails; retried,
        as Odoo retries an RPC on a serialization failure, it bills nothing
        (the cap holds the time), and commits."""
        Engine = env["psa.invoicing.engine"]
        with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
            Engine._invoice_projects(
                project, date_to=DAY, only=self._selection(env, ids)
            )
        env.cr.rollback()
        env.invalidate_all()
        retry = Engine._invoice_projects(
            project, date_to=DAY, only=self._selection(env, ids)
        )
        self.assertFalse(retry["moves"])
        env.cr.commit()

    def test_stale_run_on_a_capped_project_fails_and_its_retry_holds_time(self):
        ids = self._approved(4.0, 4.0, 4.0, 4.0, psa_cap_type="hours", psa_cap_hours=10)
        cr_a, env_a, project_a = self._worker()
        cr_b, env_b, project_b = self._worker()
        with closing(cr_a), closing(cr_b):
            env_b.cr.execute("SELECT 1")  # B's snapshot: before A commits
            # A: the whole project, from the wizard.
            wizard = env_a["psa.invoice.create"].create(
                {"project_ids": [(6, 0, project_a.ids)], "date_to": DAY}
            )
            wizard.action_create_invoices()
            cr_a.commit()
            # B: a selection of the other entries (its totals would be stale).
            self._fails_then_retry_bills_nothing(env_b, project_b, ids[2:])
        self.assertEqual(self._billed(), (8.0, ids[2:]))

    def test_two_selections_started_together_stay_under_the_cap(self):
        """Each selection alone is under the cap (8 h of 10): the second of two
        runs started together fails, and its retry holds its time."""
        ids = self._approved(4.0, 4.0, 4.0, 4.0, psa_cap_type="hours", psa_cap_hours=10)
        cr_a, env_a, project_a = self._worker()
        cr_b, env_b, project_b = self._worker()
        with closing(cr_a), closing(cr_b):
            env_a.cr.execute("SELECT 1")
            env_b.cr.execute("SELECT 1")
            env_a["psa.invoicing.engine"]._invoice_projects(
                project_a, date_to=DAY, only=self._selection(env_a, ids[:2])
            )
            cr_a.commit()
            self._fails_then_retry_bills_nothing(env_b, project_b, ids[2:])
        self.assertEqual(self._billed(), (8.0, ids[2:]))

    # ------------------------------------------------------------------
    # Daily maximum
    # ------------------------------------------------------------------
    def _log(self, env, hours, day):
        return env["account.analytic.line"].create(
            {
                "project_id": self.ids["project"],
                "employee_id": self.ids["employee"],
                "name": self.TAG,
                "unit_amount": hours,
                "date": day,
            }
        )

    def _race_logging(self, hours, day):
        """A logs ``hours`` and commits while B's snapshot is older; B logs
        ``hours`` too, fails to serialize, and its retry is refused."""
        cr_a, env_a, _project = self._worker()
        cr_b, env_b, _project = self._worker()
        with closing(cr_a), closing(cr_b):
            env_b.cr.execute("SELECT 1")  # B's snapshot: before A commits
            self._log(env_a, hours, day)
            cr_a.commit()
            with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
                self._log(env_b, hours, day)
            cr_b.rollback()
            env_b.invalidate_all()
            with self.assertRaises(ValidationError):
                self._log(env_b, hours, day)
            cr_b.rollback()
        with self._env() as env:
            lines = env["account.analytic.line"].search(
                [("employee_id", "=", self.ids["employee"]), ("date", "=", day)]
            )
            self.assertLessEqual(sum(lines.mapped("unit_amount")), 24.0)

    def test_two_clients_logging_a_new_day_stay_under_24_hours(self):
        self._race_logging(13.0, DAY + timedelta(days=1))

    def test_two_clients_logging_a_day_with_time_stay_under_24_hours(self):
        self._approved(10.0, day=DAY)
        self._race_logging(8.0, DAY)

    # ------------------------------------------------------------------
    # The approver's activity
    # ------------------------------------------------------------------
    def test_two_submissions_together_make_one_approval_activity(self):
        """Two consultants submit at the same moment on a project with no
        approval activity yet: the later transaction fails to serialize (Odoo
        retries it) instead of a second activity and a duplicate follower."""
        with self._env() as env:
            project = env["project.project"].browse(self.ids["project"])
            project.user_id = env.ref("base.user_admin")
        cr_a, env_a, _project = self._worker()
        cr_b, env_b, _project = self._worker()
        with closing(cr_a), closing(cr_b):
            line_b = self._log(env_b, 2.0, DAY + timedelta(days=2))  # B's snapshot
            self._log(env_a, 2.0, DAY + timedelta(days=1)).action_psa_submit()
            cr_a.commit()
            with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
                line_b.action_psa_submit()
            cr_b.rollback()
            env_b.invalidate_all()
            self._log(env_b, 2.0, DAY + timedelta(days=2)).action_psa_submit()
            cr_b.commit()
        with self._env() as env:
            activity_type = env.ref(
                "psa_workflow.mail_activity_type_timesheet_approval"
            )
            activities = env["mail.activity"].search(
                [
                    ("res_model", "=", "project.project"),
                    ("res_id", "=", self.ids["project"]),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            self.assertEqual(len(activities), 1)
            lines = env["account.analytic.line"].search(
                [("employee_id", "=", self.ids["employee"])]
            )
            self.assertEqual(set(lines.mapped("psa_state")), {"submitted"})

    # ------------------------------------------------------------------
    # Invoiced up to
    # ------------------------------------------------------------------
    def test_two_admins_adding_overlapping_customer_rates_together(self):
        """Each transaction's overlap check sees no other rate (neither sees
        the other's): the database refuses the second rate at commit."""
        cr_a, env_a, _project_a = self._worker()
        cr_b, env_b, _project_b = self._worker()
        rate = {"partner_id": self.ids["partner"], "date_from": DAY}
        with closing(cr_a), closing(cr_b):
            env_b.cr.execute("SELECT 1")  # B's snapshot: before A commits
            env_a["psa.rate"].create(dict(rate, amount=120.0))
            cr_a.commit()
            env_b["psa.rate"].create(dict(rate, amount=130.0))
            with mute_logger("odoo.sql_db"), self.assertRaises(ExclusionViolation):
                cr_b.commit()
            cr_b.rollback()
        with self._env() as env:
            rates = env["psa.rate"].search([("partner_id", "=", self.ids["partner"])])
            self.assertEqual(rates.mapped("amount"), [120.0])

    def test_entry_locked_elsewhere_keeps_the_project_due(self):
        today = fields.Date.today()
        month_end = today.replace(day=1) - timedelta(days=1)
        ids = self._approved(
            1.0, 2.0, 3.0, day=month_end, psa_invoice_frequency="monthly"
        )
        cr_a, env_a, _project = self._worker()
        cr_b, env_b, project_b = self._worker()
        with closing(cr_a), closing(cr_b):
            # A edits the first entry (its row is locked until A ends).
            env_a.cr.execute(
                "SELECT id FROM account_analytic_line WHERE id = %s FOR UPDATE",
                [ids[0]],
            )
            Engine = env_b["psa.invoicing.engine"]
            result = Engine._invoice_projects(project_b, date_to=month_end)
            self.assertEqual(
                sorted(result["moves"].psa_link_ids.timesheet_id.ids),
                ids[1:],
                "left to A",
            )
            self.assertIn("another transaction", result["skipped"][project_b])
            self.assertFalse(project_b.psa_last_invoice_date)
            cr_b.rollback()
            env_b.invalidate_all()
            # The scheduled action: the same, and the project stays due.
            moves = env_b["project.project"]._cron_psa_invoice_due()
            links = moves.psa_link_ids.filtered(lambda k: k.timesheet_id.id in ids)
            self.assertEqual(sorted(links.timesheet_id.ids), ids[1:])
            self.assertFalse(project_b.psa_last_invoice_date)
            self.assertIn("another transaction", project_b.psa_invoice_skip_reason)
            # A ends: the run of the next day bills what was left behind, then
            # the period is done. (Rolled back: the cron invoices every due
            # project.)
            cr_a.rollback()
            self.assertFalse(
                env_b["project.project"]._cron_psa_invoice_due(), "not twice a day"
            )
            project_b.psa_invoice_skipped_date = today - timedelta(days=1)
            moves = env_b["project.project"]._cron_psa_invoice_due()
            links = moves.psa_link_ids.filtered(lambda k: k.timesheet_id.id in ids)
            self.assertEqual(links.timesheet_id.ids, ids[:1])
            self.assertEqual(project_b.psa_last_invoice_date, month_end)
            cr_b.rollback()
