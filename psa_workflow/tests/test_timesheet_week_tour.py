# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import PsaHttpCommon


class WeekTourMixin:
    def _run_week_tour(self, tour):
        Line = self.env["account.analytic.line"]
        domain = [("employee_id", "=", self.user_employee.employee_id.id)]
        self.start_tour("/odoo", tour, login="psa_employee")
        lines = Line.search(domain)
        self.assertEqual(sorted(lines.mapped("unit_amount")), [1.5, 2.5])
        self.assertEqual(set(lines.mapped("psa_state")), {"submitted"})
        self.assertEqual(lines.task_id, self.task_tm)
        self.assertEqual(lines[0].date.weekday() + lines[1].date.weekday(), 1)
        # Tuesday's note is its entry's description.
        tuesday = lines.filtered(lambda line: line.date.weekday() == 1)
        self.assertEqual(tuesday.name, "Data model review")
        # Last week's: this week's days after today could not be submitted.
        monday = fields.Date.today() - timedelta(days=fields.Date.today().weekday())
        for day in lines.mapped("date"):
            self.assertTrue(monday - timedelta(days=7) <= day < monday, day)


@tagged("post_install", "-at_install")
class TestTimesheetWeekTour(WeekTourMixin, PsaHttpCommon):
    browser_size = "1440x900"

    def test_consultant_logs_and_submits_a_week(self):
        self._run_week_tour("psa_workflow_week_tour")


@tagged("post_install", "-at_install")
class TestTimesheetWeekPhoneTour(WeekTourMixin, PsaHttpCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_consultant_logs_and_submits_a_week_on_a_phone(self):
        self._run_week_tour("psa_workflow_week_phone_tour")


class TimerTourMixin:
    def _run_timer_tour(self):
        today = fields.Date.today()
        line = self.env["account.analytic.line"].create(
            {
                "project_id": self.project_tm.id,
                "task_id": self.task_tm.id,
                "employee_id": self.user_employee.employee_id.id,
                "date": today,
                "unit_amount": 1.0,
                "name": "Morning",
            }
        )
        self.start_tour(
            "/odoo/action-psa_workflow.psa_timesheet_week_action",
            "psa_workflow_timer_tour",
            login="psa_employee",
        )
        # The timer ran on today's entry of the row, and is stopped.
        self.assertFalse(
            self.env["account.analytic.line"].search_count(
                [("psa_timer_start", "!=", False)]
            )
        )
        self.assertGreaterEqual(line.unit_amount, 1.0)


@tagged("post_install", "-at_install")
class TestTimerTour(TimerTourMixin, PsaHttpCommon):
    browser_size = "1440x900"

    def test_consultant_times_a_task(self):
        self._run_timer_tour()


@tagged("post_install", "-at_install")
class TestTimerPhoneTour(TimerTourMixin, PsaHttpCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_consultant_times_a_task_on_a_phone(self):
        self._run_timer_tour()
