# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.project.models.project_task import CLOSED_STATES


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

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """The timesheets' task picker (context ``psa_task_picker``: the
        drop-down's ``name_search`` and the phones' search dialog) lists the
        open tasks first, then those the user logged time on most recently,
        whoever they are assigned to. Counts and sub-queries have no order."""
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        if (
            self.env.context.get("psa_task_picker")
            and query.order
            and not query.is_empty()
        ):
            query.order = SQL("%s, %s", self._psa_picker_order(query), query.order)
        return query

    @api.model
    def _psa_picker_order(self, query):
        """ORDER BY terms: open before closed, then by the last day the current
        user logged time on the task (never logged last)."""
        return SQL(
            "%s IN %s, (SELECT MAX(line.date) FROM account_analytic_line line"
            " WHERE line.task_id = %s AND line.user_id = %s) DESC NULLS LAST",
            SQL.identifier(query.table, "state"),
            tuple(CLOSED_STATES),
            SQL.identifier(query.table, "id"),
            self.env.uid,
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
