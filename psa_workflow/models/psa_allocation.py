# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_round
from odoo.tools.misc import format_date

from .psa_money import CurrencyConverter, split_by_weights
from .psa_validation import (
    MAX_CAPACITY_PERCENT,
    MAX_HOURS_PER_DAY,
    MAX_PERIOD_DAYS,
    check_ranges,
    ensure_one,
    sql_check,
)

# Fields whose change re-spreads an allocation over its days.
SPREAD_FIELDS = {
    "employee_id",
    "role_id",
    "project_id",
    "task_id",
    "date_from",
    "date_to",
    "mode",
    "hours_per_day",
    "percent",
    "total_hours",
    "state",
}


class PsaAllocation(models.Model):
    """Someone (or an open role not yet staffed) planned on a project over dates.

    The effort is spread over the working days of the employee's calendar (the
    company calendar for an open role) into ``psa.allocation.line`` rows, one
    per day, that the workload and forecast reports sum in SQL.
    """

    _name = "psa.allocation"
    _description = "PSA Allocation"
    _inherit = ["mail.thread", "psa.client.access.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    project_id = fields.Many2one(
        "project.project", required=True, index=True, check_company=True, tracking=True
    )
    task_id = fields.Many2one(
        "project.task",
        domain="[('project_id', '=', project_id)]",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        index=True,
        precompute=True,
    )
    employee_id = fields.Many2one(
        "hr.employee",
        index=True,
        check_company=True,
        tracking=True,
        help="Leave empty for an open role not staffed yet (forecast).",
    )
    role_id = fields.Many2one(
        "psa.role",
        compute="_compute_role_id",
        store=True,
        readonly=False,
        index=True,
        check_company=True,
        help="The role planned: the employee's role on the project team, else the "
        "employee's default role. Required for an open role.",
    )
    is_open_role = fields.Boolean(compute="_compute_is_open_role", store=True)
    date_from = fields.Date(string="Start", required=True, tracking=True)
    date_to = fields.Date(string="End", required=True, tracking=True)
    timeline_date_stop = fields.Date(
        string="Ends Before",
        compute="_compute_timeline_date_stop",
        inverse="_inverse_timeline_date_stop",
        help="The day after the end: where the allocation's bar stops in the "
        "timeline, so that its last day is drawn.",
    )
    mode = fields.Selection(
        selection=[
            ("hours_per_day", "Hours per day"),
            ("percent", "% of capacity"),
            ("total_hours", "Total hours"),
        ],
        string="Effort as",
        required=True,
        default="hours_per_day",
    )
    hours_per_day = fields.Float(digits=(16, 2))
    percent = fields.Float(string="% of Capacity", digits=(16, 2))
    total_hours = fields.Float(digits=(16, 2))
    state = fields.Selection(
        selection=[("tentative", "Tentative"), ("confirmed", "Confirmed")],
        required=True,
        default="tentative",
        tracking=True,
    )
    line_ids = fields.One2many("psa.allocation.line", "allocation_id", readonly=True)
    allocated_hours = fields.Float(
        digits=(16, 2),
        compute="_compute_allocated_hours",
        store=True,
        aggregator="sum",
        help="Hours planned over the period, day by day on working days.",
    )
    is_overallocated = fields.Boolean(
        string="Over-allocated",
        compute="_compute_overallocation",
        search="_search_is_overallocated",
        help="In at least one week of this allocation, the employee is planned for "
        "more hours than their capacity.",
    )
    overallocated_weeks = fields.Char(compute="_compute_overallocation")

    # Finite numbers in the database; the ranges are checked in Python
    # (``_check_effort_and_dates``), where the refusal names the allocation.
    _sql_constraints = [
        (
            "hours_per_day_range",
            sql_check("hours_per_day"),
            "An allocation's hours per day must be a finite number.",
        ),
        (
            "percent_range",
            sql_check("percent"),
            "An allocation's % of capacity must be a finite number.",
        ),
        (
            "total_hours_range",
            sql_check("total_hours"),
            "An allocation's total hours must be a finite number.",
        ),
    ]

    @api.depends("project_id.company_id", "employee_id.company_id")
    def _compute_company_id(self):
        # A project may have no company: the employee's, else the current one.
        for allocation in self:
            allocation.company_id = (
                allocation.project_id.company_id
                or allocation.employee_id.company_id
                or self.env.company
            )

    @api.depends("employee_id", "project_id")
    def _compute_role_id(self):
        role_of = self.env["psa.project.member"]._role_resolver(
            self.project_id, self.employee_id
        )
        for allocation in self:
            if allocation.employee_id:
                allocation.role_id = role_of(
                    allocation.project_id, allocation.employee_id
                )

    @api.depends("line_ids.hours")
    def _compute_allocated_hours(self):
        totals = dict(
            self.env["psa.allocation.line"]
            .sudo()
            ._read_group(
                [("allocation_id", "in", self.ids)], ["allocation_id"], ["hours:sum"]
            )
        )
        for allocation in self:
            allocation.allocated_hours = totals.get(allocation._origin, 0.0)

    @api.depends("date_to")
    def _compute_timeline_date_stop(self):
        for allocation in self:
            allocation.timeline_date_stop = allocation.date_to and (
                allocation.date_to + timedelta(days=1)
            )

    def _inverse_timeline_date_stop(self):
        for allocation in self.filtered("timeline_date_stop"):
            allocation.date_to = max(
                allocation.timeline_date_stop - timedelta(days=1),
                allocation.date_from,
            )

    @api.depends("employee_id")
    def _compute_is_open_role(self):
        for allocation in self:
            allocation.is_open_role = not allocation.employee_id

    @api.depends("employee_id.name", "role_id.name", "project_id.name")
    def _compute_display_name(self):
        for allocation in self:
            who = allocation.employee_id.name or self.env._(
                "Open role: %(role)s", role=allocation.role_id.name or "?"
            )
            allocation.display_name = f"{who} - {allocation.project_id.name or ''}"

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

    # ------------------------------------------------------------------
    # Constraints: bad input is refused with the record named
    # ------------------------------------------------------------------
    @api.constrains(
        "date_from", "date_to", "mode", "hours_per_day", "percent", "total_hours"
    )
    def _check_effort_and_dates(self):
        for allocation in self:
            name = allocation.display_name
            if allocation.date_to < allocation.date_from:
                raise ValidationError(
                    self.env._("%(allocation)s ends before it starts.", allocation=name)
                )
            if (allocation.date_to - allocation.date_from).days > MAX_PERIOD_DAYS:
                raise ValidationError(
                    self.env._(
                        "%(allocation)s: an allocation spans at most ten years.",
                        allocation=name,
                    )
                )
            check_ranges(
                allocation,
                {
                    "hours_per_day": (0.0, MAX_HOURS_PER_DAY),
                    "percent": (0.0, MAX_CAPACITY_PERCENT),
                    "total_hours": (0.0, None),
                },
            )
            effort = allocation[allocation.mode]
            if effort <= 0:
                raise ValidationError(
                    self.env._(
                        "%(allocation)s: the effort (%(mode)s) must be more than zero.",
                        allocation=name,
                        mode=dict(self._fields["mode"].selection)[allocation.mode],
                    )
                )
            refuse = allocation.company_id.psa_refuse_overallocation
            if refuse and allocation.mode == "percent" and allocation.percent > 100:
                raise ValidationError(
                    self.env._(
                        "%(allocation)s: more than 100%% of capacity in one "
                        "allocation.",
                        allocation=name,
                    )
                )

    @api.constrains("employee_id", "role_id", "project_id", "date_from", "date_to")
    def _check_people_and_project(self):
        for allocation in self:
            name = allocation.display_name
            employee = allocation.employee_id
            project = allocation.project_id
            if not employee and not allocation.role_id:
                raise ValidationError(
                    self.env._(
                        "%(allocation)s: an open role needs a role.", allocation=name
                    )
                )
            if employee and not employee.active:
                raise ValidationError(
                    self.env._(
                        "%(allocation)s: %(employee)s is archived.",
                        allocation=name,
                        employee=employee.name,
                    )
                )
            if (
                employee
                and project.company_id
                and employee.company_id != project.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(allocation)s: %(employee)s works for %(company)s, "
                        "not for the project's company %(project_company)s.",
                        allocation=name,
                        employee=employee.name,
                        company=employee.company_id.name,
                        project_company=project.company_id.name,
                    )
                )
            if (project.date_start and allocation.date_from < project.date_start) or (
                project.date and allocation.date_to > project.date
            ):
                raise ValidationError(
                    self.env._(
                        "%(allocation)s: the dates must be within the project's dates "
                        "(%(start)s to %(end)s).",
                        allocation=name,
                        start=project.date_start or "…",
                        end=project.date or "…",
                    )
                )

    # ------------------------------------------------------------------
    # CRUD: every change re-spreads the effort in one batch
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        allocations = super().create(vals_list)
        allocations._spread()
        allocations._check_confirmed_capacity()
        return allocations

    def write(self, vals):
        result = super().write(vals)
        if SPREAD_FIELDS & set(vals):
            self._spread()
            self._check_confirmed_capacity()
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_confirm(self):
        self.write({"state": "confirmed"})
        return True

    def action_set_tentative(self):
        self.write({"state": "tentative"})
        return True

    def action_open_staffing(self):
        ensure_one(self, "action_open_staffing")
        if not self.is_open_role:
            raise UserError(
                self.env._(
                    "%(allocation)s is already staffed.", allocation=self.display_name
                )
            )
        wizard = self.env["psa.allocation.staff"].create({"allocation_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Staff %(role)s", role=self.role_id.name),
            "res_model": "psa.allocation.staff",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

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
