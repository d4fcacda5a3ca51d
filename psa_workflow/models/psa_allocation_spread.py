# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Allocations, spreading: the effort spread over the working days of the
employee's calendar (the company's for an open role) into one
``psa.allocation.line`` per day, with the planned revenue of time and
material projects at the rates of the rate chain."""

from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_round

from .psa_money import CurrencyConverter, split_by_weights


# One class per concern of the allocation, on purpose (the base class is in
# psa_allocation.py).
# pylint: disable=consider-merging-classes-inherited
class PsaAllocation(models.Model):
    _inherit = "psa.allocation"

    # ------------------------------------------------------------------
    # Spreading the effort over working days
    # ------------------------------------------------------------------
    def _working_hours_by_allocation(self):
        """``{allocation_id: {date: capacity hours}}``: the employee's working
        hours, or the company calendar's for an open role. One calendar call per
        calendar over the allocations' whole span."""
        Capacity = self.env["psa.employee.capacity"]
        result = {}
        staffed = self.filtered("employee_id")
        if staffed:
            employees = staffed.employee_id.sudo()
            hours = Capacity._employee_daily_hours(
                employees,
                min(staffed.mapped("date_from")),
                max(staffed.mapped("date_to")),
            )
            for allocation in staffed:
                result[allocation.id] = hours.get(allocation.employee_id.id, {})
        open_roles = self - staffed
        by_calendar = defaultdict(self.browse)
        for allocation in open_roles:
            calendar = (allocation.company_id or self.env.company).resource_calendar_id
            by_calendar[calendar] |= allocation
        for calendar, allocations in by_calendar.items():
            hours = Capacity._daily_hours(
                calendar,
                self.env["resource.resource"],
                min(allocations.mapped("date_from")),
                max(allocations.mapped("date_to")),
            )[False]
            for allocation in allocations:
                result[allocation.id] = hours
        return result

    def _spread_days(self, working_hours, strict=True):
        """``[(date, hours)]`` for this allocation, given its days' capacity.

        ``strict=False`` (a calendar or time-off change) never refuses: an
        allocation left without working days keeps no hours until it is edited.
        """
        self.ensure_one()
        days = sorted(
            (day, cap)
            for day, cap in working_hours.items()
            if self.date_from <= day <= self.date_to
        )
        if not days and not strict:
            return []
        if not days:
            raise ValidationError(
                self.env._(
                    "%(allocation)s: there is no working day between %(start)s "
                    "and %(end)s.",
                    allocation=self.display_name,
                    start=self.date_from,
                    end=self.date_to,
                )
            )
        if strict and self.company_id.psa_refuse_overallocation:
            self._check_within_capacity(days)
        if self.mode == "hours_per_day":
            return [(day, self.hours_per_day) for day, _cap in days]
        if self.mode == "percent":
            return [
                (day, float_round(cap * self.percent / 100, 2)) for day, cap in days
            ]
        # Total hours: in proportion to each day's capacity, to the hundredth
        # of an hour, the total exact.
        hours = split_by_weights(self.total_hours, [cap for _day, cap in days], 0.01)
        return [
            (day, day_hours) for (day, _cap), day_hours in zip(days, hours, strict=True)
        ]

    def _check_within_capacity(self, days):
        """One allocation may not ask for more than 100% of the capacity."""
        if self.mode == "hours_per_day":
            too_much = any(self.hours_per_day > cap + 0.005 for _day, cap in days)
        elif self.mode == "total_hours":
            too_much = self.total_hours > sum(cap for _day, cap in days) + 0.005
        else:
            too_much = self.percent > 100
        if too_much:
            raise ValidationError(
                self.env._(
                    "%(allocation)s: more than 100%% of capacity in one allocation.",
                    allocation=self.display_name,
                )
            )

    def _spread(self, strict=True):
        """Rebuild the daily lines of these allocations (derived data: written
        with sudo so that an employee's own change keeps its lines right)."""
        if not self:
            return
        working_hours = self._working_hours_by_allocation()
        days_by_allocation = {
            a.id: a._spread_days(working_hours[a.id], strict=strict) for a in self
        }
        rates = self._planned_rates(days_by_allocation)
        Line = self.env["psa.allocation.line"].sudo()
        Line.search([("allocation_id", "in", self.ids)]).unlink()
        vals_list = []
        for allocation in self:
            days = days_by_allocation[allocation.id]
            vals_list += [
                {
                    "allocation_id": allocation.id,
                    "employee_id": allocation.employee_id.id,
                    "role_id": allocation.role_id.id,
                    "project_id": allocation.project_id.id,
                    "task_id": allocation.task_id.id,
                    "company_id": allocation.company_id.id,
                    "state": allocation.state,
                    "date": day,
                    "hours": hours,
                    "planned_revenue": float_round(
                        hours * rates.get((allocation.id, day), 0.0), 2
                    ),
                }
                for day, hours in days
                if hours
            ]
        Line.create(vals_list)

    def _planned_rates(self, days_by_allocation):
        """Hourly rate in company currency for each day of the T&M allocations:
        ``{(allocation_id, date): rate}``, resolved in one batch (rates are
        date-effective, so a rate change mid-allocation applies from its date).
        Foreign-currency rates are converted at today's rate: this is a plan."""
        tm = self.filtered(lambda a: a.project_id.psa_billing_type == "time_material")
        Rate = self.env["psa.rate"]
        days = [(a, day) for a in tm for day, _hours in days_by_allocation[a.id]]
        rate_keys = Rate._psa_rate_keys(
            (a.project_id, a.employee_id, a.role_id, day) for a, day in days
        )
        keys = {(a.id, day): key for (a, day), key in zip(days, rate_keys, strict=True)}
        resolved = Rate._resolve_rates(keys.values())
        today = fields.Date.context_today(self)
        converter = CurrencyConverter()
        result = {}
        for (allocation_id, day), key in keys.items():
            amount, currency, _scope = resolved[key]
            company = self.browse(allocation_id).company_id or self.env.company
            factor = converter.factor(currency, company.currency_id, company, today)
            result[allocation_id, day] = amount * factor
        return result
