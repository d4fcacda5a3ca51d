# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Planning fixtures on top of ``PsaCommon``: calendars, roles, a week with a
public holiday, so that capacity and allocation figures are exact."""

from datetime import datetime, timedelta

from odoo import Command, fields

from .common import PsaCommon


def _attendances(days, start=8, end=17):
    return [Command.clear()] + [
        Command.create(
            {
                "name": f"{day} {period}",
                "dayofweek": str(day),
                "hour_from": hour_from,
                "hour_to": hour_to,
                "day_period": period,
            }
        )
        for day in days
        for hour_from, hour_to, period in (
            (start, 12, "morning"),
            (12, 13, "lunch"),
            (13, end, "afternoon"),
        )
    ]


class PsaPlanningCommon(PsaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Calendar = env["resource.calendar"]
        cls.calendar_full = Calendar.create(
            {
                "name": "PSA full time 40h",
                "tz": "UTC",
                "attendance_ids": _attendances(range(5)),
            }
        )
        cls.calendar_part = Calendar.create(
            {
                "name": "PSA part time 32h",
                "tz": "UTC",
                "attendance_ids": _attendances(range(4)),
            }
        )
        cls.company.resource_calendar_id = cls.calendar_full
        # A Monday well ahead, so that no demo data or horizon edge interferes.
        today = fields.Date.context_today(env.user)
        cls.monday = today + timedelta(days=63 - today.weekday())
        cls.week2 = cls.monday + timedelta(days=7)

        cls.role_consultant = env["psa.role"].create(
            {"name": "PSA Test Consultant", "default_bill_rate": 100.0}
        )
        cls.role_architect = env["psa.role"].create(
            {"name": "PSA Test Architect", "default_bill_rate": 180.0}
        )
        cls.emp_part = cls.user_employee.employee_id  # part time, Monday-Thursday
        cls.emp_full = cls.user_approver.employee_id  # full time
        cls.emp_admin = cls.user_admin.employee_id  # full time, consultant too
        for employee, calendar, roles in (
            (cls.emp_part, cls.calendar_part, cls.role_consultant),
            (cls.emp_full, cls.calendar_full, cls.role_consultant | cls.role_architect),
            (cls.emp_admin, cls.calendar_full, cls.role_consultant),
        ):
            employee.write(
                {
                    "resource_calendar_id": calendar.id,
                    "tz": "UTC",
                    "psa_role_ids": [Command.set(roles.ids)],
                    "psa_default_role_id": roles[:1].id,
                }
            )
        # Public holiday on the Tuesday of the first week (all employees), and
        # a personal day off for the part-timer on its Wednesday.
        cls.holiday = cls._leave(cls.monday + timedelta(days=1))
        cls.day_off = cls._leave(cls.monday + timedelta(days=2), cls.emp_part)

    @classmethod
    def _leave(cls, day, employee=None):
        return cls.env["resource.calendar.leaves"].create(
            {
                "name": "PSA test leave",
                "company_id": cls.company.id,
                "resource_id": employee.resource_id.id if employee else False,
                "calendar_id": False,
                "date_from": datetime.combine(day, datetime.min.time()),
                "date_to": datetime.combine(day, datetime.max.time()).replace(
                    microsecond=0
                ),
                "time_type": "leave",
            }
        )

    def _allocate(self, **vals):
        defaults = {
            "project_id": self.project_tm.id,
            "employee_id": self.emp_full.id,
            "date_from": self.monday,
            "date_to": self.monday + timedelta(days=4),
            "mode": "hours_per_day",
        }
        return self.env["psa.allocation"].create(dict(defaults, **vals))

    def _days(self, allocation):
        return {line.date: line.hours for line in allocation.line_ids}
