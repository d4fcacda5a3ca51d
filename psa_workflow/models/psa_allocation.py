# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Allocations, the PSA base: who (or which open role) is planned on which
project over which dates and with what effort, the checks on that input, and
the changes that re-spread the effort. Spreading over working days and the
over-allocation of employees live next to it (``psa_allocation_spread``,
``psa_allocation_overallocation``)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

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
