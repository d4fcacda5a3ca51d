# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..models.psa_hours import format_duration
from ..models.psa_validation import ensure_one


class PsaTimesheetWeekApproval(models.TransientModel):
    """Approve a person's week in one action: what the approver may approve
    of it (submitted, on their projects, not their own), its total, and what
    deserves a look first (days over the working hours, projects and tasks
    over their hours budget, billable time without a rate, entries not
    submitted yet or not theirs to approve)."""

    _name = "psa.timesheet.week.approval"
    _inherit = ["psa.client.access.mixin"]
    _description = "Approve a Week of Timesheets"

    employee_id = fields.Many2one("hr.employee", required=True, readonly=True)
    week_start = fields.Date(required=True, readonly=True)
    week_label = fields.Char(string="Week", compute="_compute_week_label")
    line_ids = fields.Many2many(
        "account.analytic.line",
        string="Entries to Approve",
        compute="_compute_line_ids",
    )
    entry_count = fields.Integer(string="Entries", compute="_compute_line_ids")
    total_hours = fields.Float(string="Total", compute="_compute_line_ids")
    warnings = fields.Text(compute="_compute_line_ids")

    @api.depends("week_start")
    def _compute_week_label(self):
        for wizard in self:
            wizard.week_label = wizard._week_label()

    def _week_label(self):
        if not self.week_start:
            return False
        return self.env._(
            "%(start)s - %(end)s",
            start=format_date(self.env, self.week_start),
            end=format_date(self.env, self.week_start + timedelta(days=6)),
        )

    def _week_domain(self):
        return [
            ("employee_id", "=", self.employee_id.id),
            ("project_id", "!=", False),
            ("date", ">=", self.week_start),
            ("date", "<=", self.week_start + timedelta(days=6)),
        ]

    @api.depends("employee_id", "week_start")
    def _compute_line_ids(self):
        Line = self.env["account.analytic.line"]
        for wizard in self:
            if not (wizard.employee_id and wizard.week_start):
                wizard.update(
                    {
                        "line_ids": Line,
                        "entry_count": 0,
                        "total_hours": 0.0,
                        "warnings": False,
                    }
                )
                continue
            week = Line.search(wizard._week_domain(), order="date, id")
            lines = week.filtered_domain(Line._psa_to_approve_domain())
            wizard.update(
                {
                    "line_ids": lines,
                    "entry_count": len(lines),
                    "total_hours": sum(lines.mapped("unit_amount")),
                    "warnings": "\n".join(wizard._warnings(week, lines)) or False,
                }
            )

    def _warnings(self, week, lines):
        """What the approver should see before approving, one line each."""
        warnings = []
        hints = (
            self.env["psa.employee.capacity"]
            .sudo()
            ._employee_daily_hours(
                self.employee_id.sudo(),
                self.week_start,
                self.week_start + timedelta(days=6),
            )
            .get(self.employee_id.id, {})
        )
        logged = {}
        for line in week.filtered(lambda line: line.psa_state != "rejected"):
            logged[line.date] = logged.get(line.date, 0.0) + line.unit_amount
        for day, hours in sorted(logged.items()):
            if hours > hints.get(day, 0.0) + 0.001:
                warnings.append(
                    self.env._(
                        "%(day)s: %(logged)s logged for %(expected)s of working hours.",
                        day=format_date(self.env, day),
                        logged=format_duration(hours),
                        expected=format_duration(hints.get(day, 0.0)),
                    )
                )
        warnings += self._overrun_warnings(lines)
        no_rate = lines.filtered(
            lambda line: line.psa_billable and line.psa_rate_missing
        )
        if no_rate:
            warnings.append(
                self.env._(
                    "%(count)s billable entries have no bill rate: the project needs "
                    "one before they can be approved.",
                    count=len(no_rate),
                )
            )
        open_entries = week.filtered(
            lambda line: line.psa_state in ("draft", "rejected")
        )
        if open_entries:
            future = open_entries._psa_future()
            warnings.append(
                self.env._(
                    "%(count)s entries of the week are not submitted yet (%(future)s "
                    "of them after today).",
                    count=len(open_entries),
                    future=len(future),
                )
            )
        others = week.filtered(lambda line: line.psa_state == "submitted") - lines
        if others:
            warnings.append(
                self.env._(
                    "%(count)s submitted entries are not yours to approve (another "
                    "approver's project, or time you entered).",
                    count=len(others),
                )
            )
        return warnings

    def _overrun_warnings(self, lines):
        """The projects and tasks of ``lines`` past their hours budget."""
        warnings = []
        for project in lines.project_id.filtered("psa_is_over_budget"):
            warnings.append(
                self.env._(
                    "%(project)s: %(logged)s logged, over its budget of %(budget)s.",
                    project=project.display_name,
                    logged=format_duration(project.psa_logged_hours),
                    budget=format_duration(project.allocated_hours),
                )
            )
        over_tasks = lines.task_id.filtered(
            lambda task: task.allocated_hours and task.remaining_hours < 0
        )
        for task in over_tasks:
            warnings.append(
                self.env._(
                    "%(task)s: %(logged)s logged, %(over)s over its budget of "
                    "%(allocated)s.",
                    task=task.display_name,
                    logged=format_duration(task.allocated_hours - task.remaining_hours),
                    over=format_duration(-task.remaining_hours),
                    allocated=format_duration(task.allocated_hours),
                )
            )
        return warnings

    @api.model
    def _open_for(self, line):
        """The week approval of ``line``'s employee and week."""
        monday = line.date - timedelta(days=line.date.weekday())
        wizard = self.create({"employee_id": line.employee_id.id, "week_start": monday})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve the Week"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_approve(self):
        ensure_one(self, "action_approve")
        lines = self.line_ids
        if not lines:
            raise UserError(
                self.env._(
                    "Nothing of %(employee)s's week of %(week)s is yours to approve.",
                    employee=self.employee_id.name,
                    week=self.week_label,
                )
            )
        lines.action_psa_approve()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Week approved"),
                "message": self.env._(
                    "%(count)s entries, %(hours)s of %(employee)s approved (%(week)s).",
                    count=len(lines),
                    hours=format_duration(sum(lines.mapped("unit_amount"))),
                    employee=self.employee_id.name,
                    week=self.week_label,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
