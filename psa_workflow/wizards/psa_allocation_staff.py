# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_round
from odoo.tools.misc import format_date, formatLang

from ..models.psa_money import CurrencyConverter

REVENUE_GROUPS = "psa_workflow.group_psa_approver,psa_workflow.group_psa_billing"


def week_of(day):
    """Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def format_hours(env, hours):
    """Hours as a short number in the user's language: ``16 h``, ``7.5 h``,
    ``-8 h`` with a minus sign (never as a clock time such as ``1147:12``)."""
    text = formatLang(env, float_round(hours, 2), digits=2)
    decimal_point = env["res.lang"]._get_data(code=env.lang or "en_US").decimal_point
    if decimal_point and decimal_point in text:
        text = text.rstrip("0").rstrip(decimal_point)
    if text.startswith("-"):
        text = "\N{MINUS SIGN}" + text[1:]
    return env._("%(hours)s h", hours=text)


class PsaAllocationStaff(models.TransientModel):
    """Propose the employees holding an open allocation's role with their free
    hours week by week, ranked by the hours they can actually cover, and staff
    the allocation without surprise: a review step shows an over-allocation,
    a different role or a revenue change before anything is written."""

    _name = "psa.allocation.staff"
    _inherit = ["psa.client.access.mixin"]
    _description = "Staff an Open Role"

    allocation_id = fields.Many2one("psa.allocation", required=True, ondelete="cascade")
    role_id = fields.Many2one(related="allocation_id.role_id", string="Requested Role")
    project_id = fields.Many2one(related="allocation_id.project_id")
    date_from = fields.Date(related="allocation_id.date_from")
    date_to = fields.Date(related="allocation_id.date_to")
    allocated_hours = fields.Float(
        related="allocation_id.allocated_hours", string="Hours Requested"
    )
    needed_strip = fields.Char(
        string="Needed per Week",
        compute="_compute_needed_strip",
        help="Hours the open role asks for in each ISO week.",
    )
    line_ids = fields.One2many(
        "psa.allocation.staff.line",
        "wizard_id",
        compute="_compute_line_ids",
        store=True,
    )
    # Review step: the candidate picked and what staffing them would change.
    candidate_id = fields.Many2one("hr.employee", readonly=True)
    candidate_role_id = fields.Many2one(
        "psa.role",
        string="Candidate's Role",
        compute="_compute_candidate",
        help="The candidate's role on the project team, else their default role.",
    )
    role_differs = fields.Boolean(compute="_compute_candidate")
    use_candidate_role = fields.Boolean(
        string="Use the Candidate's Role",
        help="Staff the allocation as the candidate's role instead of the requested "
        "one; its rate and projected revenue change accordingly.",
    )
    candidate_overallocated = fields.Boolean(
        string="Would Be Over-allocated", compute="_compute_candidate"
    )
    candidate_overallocation = fields.Text(
        string="Over-allocated Weeks", compute="_compute_candidate"
    )
    candidate_hours = fields.Float(
        string="Hours Once Staffed",
        compute="_compute_candidate",
        digits=(16, 2),
        help="The allocation's hours spread over the candidate's working days.",
    )
    currency_id = fields.Many2one(related="allocation_id.company_id.currency_id")
    revenue_current = fields.Monetary(
        string="Projected Revenue Now",
        compute="_compute_candidate",
        groups=REVENUE_GROUPS,
    )
    revenue_staffed = fields.Monetary(
        string="Projected Revenue Once Staffed",
        compute="_compute_candidate",
        groups=REVENUE_GROUPS,
    )
    rate_current = fields.Monetary(
        string="Hourly Rate Now",
        compute="_compute_candidate",
        groups=REVENUE_GROUPS,
        help="The rate of the open role on its first day (rate chain: project, role).",
    )
    rate_staffed = fields.Monetary(
        string="Hourly Rate Once Staffed",
        compute="_compute_candidate",
        groups=REVENUE_GROUPS,
        help="The rate on the first day once staffed: a rate of the candidate on "
        "the project comes before the role's.",
    )
    role_change_summary = fields.Char(
        compute="_compute_candidate", groups=REVENUE_GROUPS
    )
    needs_review = fields.Boolean(compute="_compute_candidate")
    shortfall_hours = fields.Float(
        string="Short",
        compute="_compute_candidate",
        help="The requested hours the candidate's working days do not hold (a "
        "part-timer, time off).",
    )
    shortfall_choice = fields.Selection(
        selection=[
            ("open_role", "Leave the rest as an open role"),
            ("keep_total", "Keep the requested total on them"),
            ("fewer", "Plan only the hours they work"),
        ],
        string="The Rest",
        default="open_role",
        required=True,
        help="When the candidate cannot hold all the requested hours: another "
        "open role for the rest (to staff someone else), the whole total spread "
        "over their working days (it may over-allocate them), or fewer hours "
        "(and less projected revenue).",
    )

    # ------------------------------------------------------------------
    # Candidates and their weeks
    # ------------------------------------------------------------------
    def _weeks(self):
        """Mondays of the ISO weeks touched by the allocation's dates."""
        allocation = self.allocation_id
        if not (allocation.date_from and allocation.date_to):
            return []  # no allocation yet (a form's first onchange)
        week, last = week_of(allocation.date_from), week_of(allocation.date_to)
        weeks = []
        while week <= last:
            weeks.append(week)
            week += timedelta(weeks=1)
        return weeks

    def _check_allocation_access(self):
        """Another project's open role, its dates and the candidates' free
        hours are for those who may staff it (write the allocation), not for
        whoever names it to the wizard."""
        if not self.env.su:
            self.allocation_id._origin.check_access("write")

    def _needed_by_week(self):
        """``{monday: hours}`` the open role asks for (its own days)."""
        self._check_allocation_access()
        needed = defaultdict(float)
        for line in self.allocation_id.sudo().line_ids:
            needed[week_of(line.date)] += line.hours
        return needed

    def _week_strip(self, values):
        return " · ".join(
            f"W{week.isocalendar()[1]:02d} {format_hours(self.env, hours)}"
            for week, hours in values
        )

    @api.depends("allocation_id")
    def _compute_needed_strip(self):
        for wizard in self:
            needed = wizard._needed_by_week()
            wizard.needed_strip = wizard._week_strip(
                (week, needed[week]) for week in wizard._weeks()
            )

    @api.depends("allocation_id")
    def _compute_line_ids(self):
        for wizard in self:
            candidates = wizard._candidates()
            ranked = sorted(
                candidates.items(),
                key=lambda item: (
                    item[1]["role"] != wizard.role_id,
                    -item[1]["covered_hours"],
                    -item[1]["free_hours"],
                    item[0].name or "",
                ),
            )
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "employee_id": employee.id,
                        "employee_role_id": figures["role"].id,
                        "week_strip": figures["week_strip"],
                        "week_data": figures["week_data"],
                        "capacity_hours": figures["capacity_hours"],
                        "planned_hours": figures["planned_hours"],
                        "free_hours": figures["free_hours"],
                        "covered_hours": figures["covered_hours"],
                        "is_overallocated": bool(figures["over_weeks"]),
                        "overallocated_weeks": wizard._over_weeks_text(
                            figures["over_weeks"]
                        ),
                    }
                )
                for employee, figures in ranked
            ]

    def _candidate_employees(self):
        allocation = self.allocation_id
        # Candidates' other allocations may be on projects the manager does not
        # manage: only their total hours are read, to rank them.
        return (
            self.env["hr.employee"]
            .sudo()
            .search(
                [
                    ("psa_role_ids", "in", allocation.role_id.ids),
                    ("company_id", "=", allocation.company_id.id),
                ]
            )
        )

    def _candidates(self, employees=None):
        """``{employee: figures}`` over the ISO weeks of the allocation:

        - ``weeks``: ``[(monday, capacity, planned, free, needed, staffed)]``
          where free = capacity - the candidate's allocations that week and
          staffed = the allocation's hours that week once spread over the
          candidate's working days;
        - ``covered_hours``: Σ over the weeks of min(max(free, 0), needed), the
          requested hours the candidate can actually take;
        - ``over_weeks``: the weeks in which staffing them over-allocates them
          (their allocations + this one > capacity, as ``is_overallocated``);
        - totals and the candidate's own role (team role, else default role).
        """
        self._check_allocation_access()
        allocation = self.allocation_id
        if employees is None:
            employees = self._candidate_employees()
        employees = employees.sudo()
        if not employees:
            return {}
        weeks = self._weeks()
        first, last = weeks[0], weeks[-1] + timedelta(days=6)
        daily = self.env["psa.employee.capacity"]._employee_daily_hours(
            employees, first, last
        )
        planned = self._planned_by_week(employees, first, last)
        needed = self._needed_by_week()
        role_of = self.env["psa.project.member"]._role_resolver(
            allocation.project_id, employees
        )
        result = {}
        for employee in employees:
            rows = self._candidate_weeks(
                weeks, daily.get(employee.id, {}), planned[employee.id], needed
            )
            figures = self._candidate_figures(rows)
            figures["role"] = role_of(allocation.project_id, employee)
            result[employee.with_env(self.env)] = figures
        return result

    def _planned_by_week(self, employees, first, last):
        """``{employee id: {monday: hours}}`` of the employees' other
        allocations from ``first`` to ``last`` (one grouped query, as
        superuser: only totals are read, whatever the project)."""
        planned = defaultdict(lambda: defaultdict(float))
        for employee, day, hours in (
            self.env["psa.allocation.line"]
            .sudo()
            ._read_group(
                [
                    ("employee_id", "in", employees.ids),
                    ("date", ">=", first),
                    ("date", "<=", last),
                    ("allocation_id", "!=", self.allocation_id.id),
                ],
                ["employee_id", "date:day"],
                ["hours:sum"],
            )
        ):
            planned[employee.id][week_of(day)] += hours
        return planned

    def _candidate_weeks(self, weeks, daily, planned, needed):
        """A candidate's ``[(monday, capacity, planned, free, needed,
        staffed)]`` from their working hours by day (``daily``), their other
        allocations and the open role's need by week: staffed is this
        allocation spread over the candidate's own working days."""
        capacity = defaultdict(float)
        for day, hours in daily.items():
            capacity[week_of(day)] += hours
        staffed = defaultdict(float)
        for day, hours in self.allocation_id._spread_days(daily, strict=False):
            staffed[week_of(day)] += hours
        return [
            (
                week,
                round(capacity[week], 2),
                round(planned[week], 2),
                round(capacity[week] - planned[week], 2),
                round(needed[week], 2),
                round(staffed[week], 2),
            )
            for week in weeks
        ]

    def _candidate_figures(self, rows):
        """A candidate's figures from their weeks: the strip and week cards
        of the list, totals, covered hours and over-allocated weeks."""
        return {
            "weeks": rows,
            "week_strip": self._week_strip((r[0], r[3]) for r in rows),
            "week_data": [
                {
                    "label": f"W{r[0].isocalendar()[1]:02d}",
                    "monday": format_date(self.env, r[0]),
                    "free": format_hours(self.env, r[3]),
                    "needed": format_hours(self.env, r[4]),
                    "state": self._week_state(r),
                }
                for r in rows
            ],
            "capacity_hours": round(sum(r[1] for r in rows), 2),
            "planned_hours": round(sum(r[2] for r in rows), 2),
            "free_hours": round(sum(r[3] for r in rows), 2),
            "covered_hours": round(sum(min(max(r[3], 0), r[4]) for r in rows), 2),
            "over_weeks": [
                r for r in rows if r[5] and float_compare(r[2] + r[5], r[1], 2) > 0
            ],
            "staffed_hours": round(sum(r[5] for r in rows), 2),
        }

    @staticmethod
    def _week_state(row):
        """``over``: staffing over-allocates the candidate that week; ``short``:
        they cannot take all the hours needed; ``fits``; ``idle``: no need."""
        _week, capacity, planned, free, needed, staffed = row
        if staffed and float_compare(planned + staffed, capacity, 2) > 0:
            return "over"
        if not needed:
            return "idle"
        return "short" if float_compare(free, needed, 2) < 0 else "fits"

    def _over_weeks_text(self, rows):
        """One line per over-allocated week, its Monday in the user's date
        format (not ISO)."""
        return "\n".join(
            self.env._(
                "Week %(number)s (from %(monday)s): %(planned)s planned for "
                "%(capacity)s of capacity",
                number=week.isocalendar()[1],
                monday=format_date(self.env, week),
                planned=format_hours(self.env, planned + staffed),
                capacity=format_hours(self.env, capacity),
            )
            for week, capacity, planned, _free, _needed, staffed in rows
        )

    # ------------------------------------------------------------------
    # Review step
    # ------------------------------------------------------------------
    def _projected(self, employee, role):
        """``(hours, revenue, first day's rate)`` of the allocation staffed by
        ``employee`` as ``role`` (revenue in company currency, T&M only), with
        the same spreading and rate chain as the allocation itself."""
        allocation = self.allocation_id
        if employee:
            working = self.env["psa.employee.capacity"]._employee_daily_hours(
                employee.sudo(), allocation.date_from, allocation.date_to
            )[employee.id]
        else:
            working = allocation._working_hours_by_allocation()[allocation.id]
        days = allocation._spread_days(working, strict=False)
        hours = round(sum(h for _d, h in days), 2)
        if allocation.project_id.psa_billing_type != "time_material" or not days:
            return hours, 0.0, 0.0
        Rate = self.env["psa.rate"]
        keys = Rate._psa_rate_keys(
            (allocation.project_id, employee, role, day) for day, _h in days
        )
        resolved = Rate._resolve_rates(keys)
        company = allocation.company_id or self.env.company
        today = fields.Date.context_today(self)
        converter = CurrencyConverter()
        revenue, first_rate = 0.0, None
        for key, (_day, day_hours) in zip(keys, days, strict=True):
            amount, currency, _scope = resolved[key]
            amount *= converter.factor(currency, company.currency_id, company, today)
            if first_rate is None:
                first_rate = amount
            revenue += float_round(day_hours * amount, 2)
        return hours, float_round(revenue, 2), first_rate or 0.0

    @api.depends("candidate_id", "use_candidate_role", "allocation_id")
    def _compute_candidate(self):
        for wizard in self:
            allocation = wizard.allocation_id
            employee = wizard.candidate_id
            figures = wizard._candidates(employee).get(employee, {}) if employee else {}
            role = figures.get("role") or self.env["psa.role"]
            requested = allocation.role_id
            wizard.candidate_role_id = role
            wizard.role_differs = bool(role) and role != requested
            over = figures.get("over_weeks", [])
            wizard.candidate_overallocated = bool(over)
            wizard.candidate_overallocation = wizard._over_weeks_text(over)
            wizard.candidate_hours = figures.get("staffed_hours", 0.0)
            current = sum(allocation.sudo().line_ids.mapped("planned_revenue"))
            current_rate = 0.0
            if employee:
                current_rate = wizard._projected(self.env["hr.employee"], requested)[2]
            keep = other = (0.0, 0.0, 0.0)
            if employee:
                keep = wizard._projected(employee, requested)
                other = wizard._projected(employee, role) if role else keep
            chosen = other if wizard.use_candidate_role and role else keep
            wizard.shortfall_hours = (
                max(float_round(allocation.allocated_hours - chosen[0], 2), 0.0)
                if employee
                else 0.0
            )
            currency = wizard.currency_id
            wizard.sudo().revenue_current = current
            wizard.sudo().revenue_staffed = chosen[1]
            wizard.sudo().rate_current = current_rate
            wizard.sudo().rate_staffed = chosen[2]
            wizard.sudo().role_change_summary = (
                self.env._(
                    "%(role)s: rate %(rate)s → %(new_rate)s per hour, projected "
                    "revenue %(revenue)s → %(new_revenue)s",
                    role=role.name,
                    rate=formatLang(self.env, keep[2], currency_obj=currency),
                    new_rate=formatLang(self.env, other[2], currency_obj=currency),
                    revenue=formatLang(self.env, keep[1], currency_obj=currency),
                    new_revenue=formatLang(self.env, other[1], currency_obj=currency),
                )
                if wizard.role_differs
                else False
            )
            wizard.needs_review = bool(
                employee
                and (
                    over
                    or wizard.role_differs
                    or float_compare(chosen[1], current, 2)
                    or float_compare(chosen[0], allocation.allocated_hours, 2)
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_open(self):
        if not self.allocation_id.is_open_role:
            raise UserError(
                self.env._(
                    "%(allocation)s is already staffed.",
                    allocation=self.allocation_id.display_name,
                )
            )

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Staff %(role)s", role=self.role_id.name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _staff(self, employee):
        """A candidate picked in the list: staffed at once when nothing changes
        but the name; otherwise the review step (over-allocated weeks, another
        role, other hours or revenue) asks for a confirmation first."""
        self.ensure_one()
        self._check_open()
        self.write({"candidate_id": employee.id, "use_candidate_role": False})
        if self.needs_review:
            return self._reopen()
        return self.action_staff_confirmed()

    def action_staff_confirmed(self):
        """Staff the picked candidate, keeping the requested role unless the
        user chose the candidate's role."""
        self.ensure_one()
        self._check_open()
        if not self.candidate_id:
            raise UserError(self.env._("Pick a candidate to staff first."))
        role = (
            self.candidate_role_id
            if self.use_candidate_role and self.candidate_role_id
            else self.allocation_id.role_id
        )
        allocation = self.allocation_id
        requested, shortfall = allocation.allocated_hours, self.shortfall_hours
        requested_role = allocation.role_id
        # Both in one write: the role is not recomputed from the employee.
        vals = {"employee_id": self.candidate_id.id, "role_id": role.id}
        if shortfall and self.shortfall_choice == "keep_total":
            vals.update(mode="total_hours", total_hours=requested)
        rest = allocation.copy_data()[0] if shortfall else None
        allocation.write(vals)
        if shortfall and self.shortfall_choice == "open_role":
            # The rest of the plan, to staff someone else: same project,
            # role, period and state, as a total of hours.
            rest.update(
                employee_id=False,
                role_id=requested_role.id,
                mode="total_hours",
                total_hours=shortfall,
            )
            self.env["psa.allocation"].create(rest)
        return {"type": "ir.actions.act_window_close"}

    def action_back(self):
        self.write({"candidate_id": False, "use_candidate_role": False})
        return self._reopen()
