# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.tests import tagged

from .planning_common import PsaPlanningCommon


@tagged("post_install", "-at_install")
class TestPsaCapacity(PsaPlanningCommon):
    def test_daily_capacity_from_calendar_minus_holiday_and_day_off(self):
        Capacity = self.env["psa.employee.capacity"]
        sunday = self.monday + timedelta(days=6)
        hours = Capacity._employee_daily_hours(
            self.emp_part | self.emp_full, self.monday, sunday
        )
        tuesday, wednesday, thursday = (
            self.monday + timedelta(days=d) for d in (1, 2, 3)
        )
        # Part-timer: Monday and Thursday only (holiday Tuesday, day off
        # Wednesday, never works Friday).
        self.assertEqual(hours[self.emp_part.id], {self.monday: 8.0, thursday: 8.0})
        # Full-timer: every weekday but the public holiday.
        self.assertEqual(sum(hours[self.emp_full.id].values()), 32.0)
        self.assertNotIn(tuesday, hours[self.emp_full.id])
        self.assertEqual(hours[self.emp_full.id][wednesday], 8.0)

    def test_refresh_stores_capacity_per_day_and_replaces_it(self):
        Capacity = self.env["psa.employee.capacity"]
        week_end = self.week2 + timedelta(days=6)
        employees = self.emp_part | self.emp_full
        Capacity._refresh(employees, self.monday, week_end)
        stored = Capacity.search(
            [("employee_id", "in", employees.ids), ("date", ">=", self.monday)]
        )
        totals = {
            e.id: sum(
                stored.filtered(lambda c, e=e: c.employee_id == e).mapped("hours")
            )
            for e in employees
        }
        self.assertEqual(
            totals, {self.emp_part.id: 16.0 + 32.0, self.emp_full.id: 72.0}
        )
        # A new day off, then refresh: the stored figure follows, nothing doubles.
        self._leave(self.week2, self.emp_full)
        Capacity._refresh(employees, self.monday, week_end)
        stored = Capacity.search(
            [("employee_id", "=", self.emp_full.id), ("date", ">=", self.monday)]
        )
        self.assertEqual(sum(stored.mapped("hours")), 64.0)
        self.assertEqual(len(stored), len(set(stored.mapped("date"))))

    def test_refresh_query_count_does_not_grow_with_weeks(self):
        Capacity = self.env["psa.employee.capacity"]
        employees = self.emp_part | self.emp_full | self.emp_admin

        def queries_for(weeks):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Capacity._refresh(
                employees, self.monday, self.monday + timedelta(weeks=weeks)
            )
            return self.env.cr.sql_log_count - before

        queries_for(4)  # warm the caches of the ORM
        self.assertEqual(queries_for(4), queries_for(26))
