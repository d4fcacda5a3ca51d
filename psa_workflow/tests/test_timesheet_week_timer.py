# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The timer of My Week (issue #25, item 7): started on a row, today; one
runs at a time; stopping adds the time rounded by the project's rule; none
runs past midnight."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .timesheet_common import PsaTimesheetCommon


@tagged("post_install", "-at_install")
class TestTimesheetWeekTimer(PsaTimesheetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Week = cls.env["psa.timesheet.week"].with_user(cls.user_employee)
        cls.project_tm.write({"psa_rounding_minutes": 15, "psa_rounding_method": "up"})

    def _cell(self, project=None, task=None):
        return {
            "project_id": (project or self.project_tm).id,
            "task_id": task.id if task else False,
        }

    def _running(self):
        return self.env["account.analytic.line"].search(
            [("employee_id", "=", self.emp.id), ("psa_timer_start", "!=", False)]
        )

    def _ran_for(self, line, minutes):
        line.sudo().psa_timer_start = fields.Datetime.now() - timedelta(minutes=minutes)

    def test_start_then_stop_adds_the_time_rounded_by_the_project(self):
        week = self.Week.start_timer(self._cell(task=self.task_tm))
        line = self._running()
        self.assertEqual(len(line), 1)
        self.assertEqual((line.unit_amount, line.task_id), (0.0, self.task_tm))
        self.assertEqual(
            week["timer"]["row_key"], f"{self.project_tm.id}-{self.task_tm.id}"
        )
        self._ran_for(line, 50)
        week = self.Week.stop_timer()
        self.assertFalse(week["timer"])
        self.assertFalse(line.psa_timer_start)
        self.assertEqual(line.unit_amount, 1.0)  # 50 minutes, up to the quarter
        # Started again on the same cell: its entry takes the time.
        self.Week.start_timer(self._cell(task=self.task_tm))
        self.assertEqual(self._running(), line)
        self._ran_for(line, 20)
        self.project_tm.psa_rounding_method = "nearest"
        self.Week.stop_timer()
        self.assertEqual(line.unit_amount, 1.25)  # + 20 minutes, nearest quarter

    def test_one_timer_at_a_time(self):
        self.Week.start_timer(self._cell(task=self.task_tm))
        first = self._running()
        self._ran_for(first, 30)
        self.Week.start_timer(self._cell(project=self.project_internal))
        second = self._running()
        self.assertEqual(second.project_id, self.project_internal)
        self.assertFalse(first.psa_timer_start)
        self.assertEqual(first.unit_amount, 0.5)

    def test_a_timer_stops_at_midnight(self):
        self.emp.tz = "UTC"
        yesterday = self.emp._psa_today() - timedelta(days=1)
        line = self._log(1.0, day=yesterday)
        # Started at 23:00 of its day: one hour until midnight, whenever stopped.
        line.sudo().psa_timer_start = fields.Datetime.to_datetime(
            f"{yesterday} 23:00:00"
        )
        self.env["account.analytic.line"]._cron_psa_stop_timers_at_midnight()
        self.assertFalse(line.psa_timer_start)
        self.assertEqual(line.unit_amount, 2.0)

    def test_submitting_stops_the_timer_and_locked_cells_take_none(self):
        self.Week.start_timer(self._cell(task=self.task_tm))
        line = self._running()
        self._ran_for(line, 10)
        line.with_user(self.user_employee).action_psa_submit()
        self.assertFalse(line.psa_timer_start)
        self.assertEqual((line.unit_amount, line.psa_state), (0.25, "submitted"))
        with self.assertRaises(UserError):
            self.Week.start_timer(self._cell(task=self.task_tm))
        self.assertFalse(self._running())

    def test_the_start_is_the_servers(self):
        line = self._log(1.0)
        with self.assertRaises(AccessError):
            line.with_user(self.user_employee).psa_timer_start = fields.Datetime.now()
