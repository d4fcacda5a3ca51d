# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.psa_workflow.models.psa_employee_capacity import (
    CURSOR_PARAM,
    FRESH_PARAM,
)

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
        in_weeks = [("date", ">=", self.monday), ("date", "<=", week_end)]
        stored = Capacity.search([("employee_id", "in", employees.ids), *in_weeks])
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
        stored = Capacity.search([("employee_id", "=", self.emp_full.id), *in_weeks])
        self.assertEqual(sum(stored.mapped("hours")), 64.0)
        self.assertEqual(len(stored), len(set(stored.mapped("date"))))

    def test_a_new_or_unarchived_employee_has_capacity_at_once(self):
        Capacity = self.env["psa.employee.capacity"]
        today = fields.Date.today()
        newcomer = self.env["hr.employee"].create(
            {"name": "Newcomer", "resource_calendar_id": self.calendar_full.id}
        )
        horizon_from, horizon_to = Capacity._horizon()
        stored = Capacity.search([("employee_id", "=", newcomer.id)])
        self.assertTrue(stored, "capacity stored at hiring, not the next night")
        self.assertGreaterEqual(min(stored.mapped("date")), horizon_from)
        self.assertLessEqual(max(stored.mapped("date")), horizon_to)
        self.assertTrue(stored.filtered(lambda c: abs((c.date - today).days) < 7))
        self.assertEqual(sum(stored.mapped("hours")) % 8.0, 0.0)
        newcomer.active = False
        Capacity.search([("employee_id", "=", newcomer.id)]).unlink()
        newcomer.active = True
        self.assertEqual(
            len(Capacity.search([("employee_id", "=", newcomer.id)])), len(stored)
        )

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

    def test_new_day_off_updates_capacity_and_allocation_days_at_once(self):
        Capacity = self.env["psa.employee.capacity"]
        Capacity._refresh(self.emp_full, self.week2, self.week2 + timedelta(days=6))
        allocation = self._allocate(
            hours_per_day=4.0,
            date_from=self.week2,
            date_to=self.week2 + timedelta(days=4),
        )
        self.assertEqual(allocation.allocated_hours, 20.0)
        leave = self._leave(self.week2 + timedelta(days=2), self.emp_full)
        self.assertEqual(allocation.allocated_hours, 16.0)
        stored = Capacity.search(
            [
                ("employee_id", "=", self.emp_full.id),
                ("date", ">=", self.week2),
                ("date", "<=", self.week2 + timedelta(days=6)),
            ]
        )
        self.assertEqual(sum(stored.mapped("hours")), 32.0)
        leave.unlink()
        self.assertEqual(allocation.allocated_hours, 20.0)

    def test_a_holiday_never_blocks_because_of_an_allocation(self):
        friday = self.week2 + timedelta(days=4)
        allocation = self._allocate(hours_per_day=4.0, date_from=friday, date_to=friday)
        self._leave(friday)  # public holiday on the only day of the allocation
        self.assertEqual(allocation.allocated_hours, 0.0)

    def test_calendar_change_respreads_the_employee(self):
        allocation = self._allocate(
            employee_id=self.emp_admin.id,
            mode="percent",
            percent=50.0,
            date_from=self.week2,
            date_to=self.week2 + timedelta(days=4),
        )
        self.assertEqual(allocation.allocated_hours, 20.0)
        self.emp_admin.resource_calendar_id = self.calendar_part
        self.assertEqual(allocation.allocated_hours, 16.0)


@tagged("post_install", "-at_install")
class TestPsaCapacityCron(PsaPlanningCommon):
    """The nightly rebuild works in batches of employees with Odoo's cron
    progress API, and resumes after the last employee it committed."""

    def _run_batch(self, batch_size):
        cron = self.env.ref("psa_workflow.ir_cron_psa_refresh_capacity")
        _cron, progress = cron._add_progress()
        Capacity = self.env["psa.employee.capacity"].with_context(
            ir_cron_progress_id=progress.id
        )
        return Capacity._cron_refresh(batch_size=batch_size), progress

    def test_batches_cover_every_employee_once_and_resume_after_a_kill(self):
        Capacity = self.env["psa.employee.capacity"]
        params = self.env["ir.config_parameter"]
        active = self.env["hr.employee"].search([("active", "=", True)])
        self.assertGreater(len(active), 6)
        Capacity.search([]).unlink()
        params.set_param(FRESH_PARAM, False)
        params.set_param(CURSOR_PARAM, False)
        done, progress = self._run_batch(3)
        self.assertEqual((done, progress.done), (3, 3))
        self.assertEqual(progress.remaining, len(active) - 3)
        self.assertFalse(params.get_param(FRESH_PARAM), "not fresh half-way")
        # A batch killed before its commit leaves the cursor where it was.
        with self.assertRaises(MemoryError), self.env.cr.savepoint():
            self._run_batch(3)
            raise MemoryError("worker killed")
        self.env.invalidate_all()
        self.assertEqual(progress.remaining, len(active) - 3)
        calls = 1
        while progress.remaining:
            _done, progress = self._run_batch(3)
            calls += 1
        self.assertEqual(calls, -(-len(active) // 3))  # each employee once
        self.assertTrue(params.get_param(FRESH_PARAM))
        with_calendar = active.filtered("resource_calendar_id")
        stored = Capacity.search([("employee_id", "in", active.ids)]).employee_id
        self.assertEqual(stored, with_calendar)
        self.assertFalse(Capacity._ensure_fresh(), "fresh for the day")
