# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import datetime, time, timedelta

from pytz import utc

from odoo import api, fields, models
from odoo.tools import SQL

from .psa_validation import MAX_HOURS_PER_DAY, sql_check

# Capacity is kept for this window around today; the nightly job and the
# workload views refresh it.
HORIZON_PAST = timedelta(weeks=26)
HORIZON_FUTURE = timedelta(weeks=52)
FRESH_PARAM = "psa_workflow.capacity_refreshed_on"
# The nightly rebuild: employees per call, and the last one done ("day:id").
CRON_BATCH_EMPLOYEES = 200
CURSOR_PARAM = "psa_workflow.capacity_refresh_cursor"


class PsaEmployeeCapacity(models.Model):
    """Working hours of an employee on a day: calendar attendances minus time off
    and public holidays. Derived data, stored so that SQL reports can join it;
    rebuilt in batch by ``_refresh``."""

    _name = "psa.employee.capacity"
    _description = "PSA Employee Daily Capacity"
    _order = "date, employee_id"
    _log_access = False

    employee_id = fields.Many2one("hr.employee", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    date = fields.Date(required=True)
    hours = fields.Float(digits=(16, 2))

    _sql_constraints = [
        ("employee_date_unique", "UNIQUE(employee_id, date)", "One capacity per day."),
        (
            "hours_range",
            sql_check("hours", 0, MAX_HOURS_PER_DAY),
            "A day's capacity must be a number of hours from 0 to 24.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS psa_employee_capacity_date_employee_idx "
            "ON psa_employee_capacity (date, employee_id) INCLUDE (hours)"
        )

    # ------------------------------------------------------------------
    # Computing working hours from calendars, in batch
    # ------------------------------------------------------------------
    @api.model
    def _daily_hours(self, calendar, resources, date_from, date_to):
        """Working hours per day for ``resources`` on ``calendar``.

        One call of Odoo's calendar interval API for all the resources; leaves
        (time off, public holidays) are subtracted. With no resource, the
        calendar's own hours (public holidays still subtracted).

        :return: ``{resource_id or False: {date: hours}}`` (only days with hours)
        """
        # A day of margin either side: intervals come back in each resource's
        # time zone and are then kept by their local date.
        start = datetime.combine(date_from - timedelta(days=1), time.min, tzinfo=utc)
        end = datetime.combine(date_to + timedelta(days=2), time.min, tzinfo=utc)
        intervals = calendar._work_intervals_batch(
            start, end, resources=resources or None
        )
        result = {}
        keys = resources.ids if resources else [False]
        for resource_id in keys:
            per_day = defaultdict(float)
            for begin, stop, _meta in intervals[resource_id]:
                day = begin.date()
                if date_from <= day <= date_to:
                    per_day[day] += (stop - begin).total_seconds() / 3600
            result[resource_id] = {
                day: round(h, 2) for day, h in per_day.items() if h > 0
            }
        return result

    @api.model
    def _employee_daily_hours(self, employees, date_from, date_to):
        """``{employee_id: {date: hours}}``, one calendar API call per calendar."""
        result = {}
        by_calendar = defaultdict(employees.browse)  # keeps the caller's env (sudo)
        for employee in employees:
            by_calendar[employee.resource_calendar_id] |= employee
        for calendar, calendar_employees in by_calendar.items():
            if not calendar:  # flexible hours: no fixed capacity
                result.update({e.id: {} for e in calendar_employees})
                continue
            hours = self._daily_hours(
                calendar, calendar_employees.resource_id, date_from, date_to
            )
            for employee in calendar_employees:
                result[employee.id] = hours.get(employee.resource_id.id, {})
        return result

    # ------------------------------------------------------------------
    # The stored table
    # ------------------------------------------------------------------
    @api.model
    def _horizon(self):
        today = fields.Date.context_today(self)
        return today - HORIZON_PAST, today + HORIZON_FUTURE

    @api.model
    def _refresh(self, employees=None, date_from=None, date_to=None):
        """Rebuild the stored capacity of ``employees`` (default: all active
        employees) between two dates (default: the horizon)."""
        default_from, default_to = self._horizon()
        date_from, date_to = date_from or default_from, date_to or default_to
        if employees is None:
            employees = self.env["hr.employee"].sudo().search([("active", "=", True)])
        employees = employees.sudo()
        hours = self._employee_daily_hours(employees, date_from, date_to)
        company_of = {e.id: e.company_id.id for e in employees}
        cr = self.env.cr
        self.flush_model()
        cr.execute(
            "DELETE FROM psa_employee_capacity"
            " WHERE employee_id = ANY(%s) AND date BETWEEN %s AND %s",
            [employees.ids, date_from, date_to],
        )
        rows = [
            (employee_id, company_of[employee_id], day, h)
            for employee_id, per_day in hours.items()
            for day, h in per_day.items()
        ]
        for start in range(0, len(rows), 5000):
            values = SQL(",").join(
                SQL("(%s, %s, %s, %s)", *row) for row in rows[start : start + 5000]
            )
            cr.execute(
                SQL(
                    "INSERT INTO psa_employee_capacity"
                    " (employee_id, company_id, date, hours) VALUES %s",
                    values,
                )
            )
        self.invalidate_model()
        return len(rows)

    @api.model
    def _ensure_fresh(self):
        """Extend the stored capacity to today's horizon, once a day. Calendar
        and time-off changes refresh what they touch as they happen
        (``_apply_calendar_change``)."""
        params = self.env["ir.config_parameter"].sudo()
        # One calendar for everyone (UTC): users in other time zones must not
        # make the refresh run again and again.
        today = fields.Date.to_string(fields.Date.today())
        if (params.get_param(FRESH_PARAM) or "") >= today:
            return False
        self._refresh()
        params.set_param(FRESH_PARAM, today)
        return True

    @api.model
    def _cron_refresh(self, batch_size=CRON_BATCH_EMPLOYEES):
        """Scheduled action: rebuild the stored capacity of every active
        employee over the horizon, ``batch_size`` employees per call. Odoo's
        cron runner calls it again (committing in between) while the progress
        says that employees remain; the last employee done is kept, so a run
        killed half-way resumes after it."""
        params = self.env["ir.config_parameter"].sudo()
        today = fields.Date.to_string(fields.Date.today())
        if self.env["psa.queue.job.glue"]._available():
            return self._enqueue_refresh(today, batch_size)
        run_day, _sep, last_id = (params.get_param(CURSOR_PARAM) or "").partition(":")
        after = int(last_id) if run_day == today and last_id.isdigit() else 0
        Employee = self.env["hr.employee"].sudo()
        domain = [("active", "=", True), ("id", ">", after)]
        employees = Employee.search(domain, order="id", limit=batch_size)
        if employees:
            self._refresh(employees)
            params.set_param(CURSOR_PARAM, f"{today}:{employees[-1].id}")
        remaining = (
            Employee.search_count(
                [("active", "=", True), ("id", ">", employees[-1].id)]
            )
            if employees
            else 0
        )
        if not remaining:
            params.set_param(FRESH_PARAM, today)
        self.env["ir.cron"]._notify_progress(done=len(employees), remaining=remaining)
        self.env.invalidate_all()
        return len(employees)

    @api.model
    def _enqueue_refresh(self, today, batch_size):
        """With OCA's queue_job: one job per batch of employees, once a day
        (identity key). Returns the number of employees enqueued."""
        Glue = self.env["psa.queue.job.glue"]
        employees = self.env["hr.employee"].sudo().search([("active", "=", True)])
        for start in range(0, len(employees), batch_size):
            batch = employees[start : start + batch_size]
            Glue._delay(
                self,
                description=self.env._(
                    "Refresh the capacity of %(count)s employees", count=len(batch)
                ),
                identity_key=f"psa_capacity:{today}:{batch[0].id}:{batch[-1].id}",
            )._refresh(batch)
        self.env["ir.config_parameter"].sudo().set_param(FRESH_PARAM, today)
        return len(employees)

    @api.model
    def _apply_calendar_change(
        self, employees, date_from=None, date_to=None, companies=None
    ):
        """Working hours changed for ``employees`` (and, for a public holiday or a
        company calendar, for the open roles of ``companies``) between two dates:
        refresh their stored capacity and re-spread the allocations concerned."""
        horizon_from, horizon_to = self._horizon()
        date_from = max(date_from or horizon_from, horizon_from)
        date_to = min(date_to or horizon_to, horizon_to)
        if date_from > date_to:
            return
        if employees:
            self._refresh(employees, date_from, date_to)
        domain = [("date_to", ">=", date_from), ("date_from", "<=", date_to)]
        people = [("employee_id", "in", employees.ids)] if employees else []
        open_roles = (
            [("employee_id", "=", False), ("company_id", "in", companies.ids)]
            if companies
            else []
        )
        if people and open_roles:
            domain += ["|", *people, "&", *open_roles]
        elif people or open_roles:
            domain += people or ["&", *open_roles]
        else:
            return
        self.env["psa.allocation"].sudo().search(domain)._spread(strict=False)
