# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
