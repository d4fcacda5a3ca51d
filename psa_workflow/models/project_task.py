# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class ProjectTask(models.Model):
    _inherit = "project.task"

    psa_billable = fields.Boolean(
        string="Billable",
        compute="_compute_psa_billable",
        store=True,
        readonly=False,
        precompute=True,
        help="Time logged on this task is billable by default. Follows the project; "
        "never on a non-billable project.",
    )
    psa_is_over_budget = fields.Boolean(
        string="Over Budget",
        compute="_compute_psa_is_over_budget",
        store=True,
        help="More hours logged than the task's allocated hours.",
    )

    @api.depends("project_id.psa_is_billable")
    def _compute_psa_billable(self):
        for task in self:
            task.psa_billable = task.project_id.psa_is_billable

    @api.depends("effective_hours", "subtask_effective_hours", "allocated_hours")
    def _compute_psa_is_over_budget(self):
        for task in self:
            logged = task.effective_hours + task.subtask_effective_hours
            task.psa_is_over_budget = bool(task.allocated_hours) and (
                logged > task.allocated_hours
            )

    def write(self, vals):
        moving = self.filtered(
            lambda task: task.project_id.id != vals.get("project_id")
        )
        if "project_id" in vals and moving:
            locked = (
                self.env["account.analytic.line"]
                .sudo()
                .search_count(
                    [
                        ("task_id", "in", moving.ids),
                        ("psa_state", "in", ("approved", "invoiced")),
                    ],
                    limit=1,
                )
            )
            if locked:
                raise UserError(
                    self.env._(
                        "%(tasks)s: approved or invoiced time is logged on these "
                        "tasks; they cannot move to another project (their "
                        "timesheets would).",
                        tasks=", ".join(moving.mapped("display_name")[:10]),
                    )
                )
        return super().write(vals)

    @api.constrains("psa_billable", "project_id")
    def _check_psa_billable(self):
        for task in self:
            if task.psa_billable and not task.project_id.psa_is_billable:
                raise ValidationError(
                    self.env._(
                        "%(task)s: the project %(project)s is not billable.",
                        task=task.display_name,
                        project=task.project_id.display_name,
                    )
                )
