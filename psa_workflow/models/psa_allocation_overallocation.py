# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Allocations, over-allocation: the weeks in which an employee is planned
(all projects, confirmed and tentative) beyond their capacity, shown and
searched on each allocation, and refused on confirmation when the company
refuses over-allocation."""

from collections import defaultdict
from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import format_date


# One class per concern of the allocation, on purpose (the base class is in
# psa_allocation.py).
# pylint: disable=consider-merging-classes-inherited
class PsaAllocation(models.Model):
    _inherit = "psa.allocation"

    is_overallocated = fields.Boolean(
        string="Over-allocated",
        compute="_compute_overallocation",
        search="_search_is_overallocated",
        help="In at least one week of this allocation, the employee is planned for "
        "more hours than their capacity.",
    )
    overallocated_weeks = fields.Char(compute="_compute_overallocation")

    def _compute_overallocation(self):
        weeks = self._overallocated_weeks()
        for allocation in self:
            found = weeks.get(allocation.id, [])
            allocation.is_overallocated = bool(found)
            # Mondays in the user's date format (not ISO).
            allocation.overallocated_weeks = ", ".join(
                format_date(self.env, week) for week in found
            )

    def _search_is_overallocated(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        horizon_start, _end = self.env["psa.employee.capacity"]._horizon()
        current = self.sudo().search([("date_to", ">=", horizon_start)])
        ids = list(current._overallocated_weeks())
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    def _overallocated_weeks(self):
        """``{allocation_id: [week starts]}`` for the weeks in which the
        allocation's employee is planned (confirmed + tentative, all projects)
        beyond their capacity. One query for the planned hours, one calendar
        computation per calendar for the capacity."""
        staffed = self.filtered("employee_id")
        if not staffed:
            return {}
        self.env["psa.allocation.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH weeks AS (
                    SELECT DISTINCT l.allocation_id, l.employee_id,
                           date_trunc('week', l.date)::date AS week
                      FROM psa_allocation_line l
                     WHERE l.allocation_id = ANY(%(ids)s)
                )
                SELECT w.allocation_id, w.employee_id, w.week, SUM(l.hours)
                  FROM weeks w
                  JOIN psa_allocation_line l
                    ON l.employee_id = w.employee_id
                   AND l.date >= w.week AND l.date < w.week + 7
              GROUP BY 1, 2, 3
                """,
                ids=staffed.ids,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return {}
        first = min(r[2] for r in rows)
        last = max(r[2] for r in rows) + timedelta(days=6)
        employees = self.env["hr.employee"].sudo().browse({r[1] for r in rows})
        daily = self.env["psa.employee.capacity"]._employee_daily_hours(
            employees, first, last
        )
        weekly = defaultdict(float)
        for employee_id, per_day in daily.items():
            for day, hours in per_day.items():
                weekly[employee_id, day - timedelta(days=day.weekday())] += hours
        result = defaultdict(list)
        for allocation_id, employee_id, week, planned in sorted(rows):
            if planned > weekly[employee_id, week] + 0.005:
                result[allocation_id].append(week)
        return result

    def _check_confirmed_capacity(self):
        """Refuse to confirm an over-allocation when the company says so."""
        to_check = self.filtered(
            lambda a: (
                a.state == "confirmed"
                and a.employee_id
                and a.company_id.psa_refuse_overallocation
            )
        )
        if not to_check:
            return
        weeks = to_check._overallocated_weeks()
        for allocation in to_check:
            if weeks.get(allocation.id):
                raise ValidationError(
                    self.env._(
                        "%(allocation)s over-allocates %(employee)s in the weeks of "
                        "%(weeks)s; the company refuses over-allocation.",
                        allocation=allocation.display_name,
                        employee=allocation.employee_id.name,
                        weeks=", ".join(
                            format_date(self.env, week) for week in weeks[allocation.id]
                        ),
                    )
                )
