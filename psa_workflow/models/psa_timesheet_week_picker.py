# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The weekly time grid, the "Add a line" picker: the projects and tasks the
current user can log time on, those they used recently first."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

# Projects and tasks offered by the "Add a line" picker.
MAX_CHOICES = 80


# One class per concern of the grid, on purpose (the base class is in
# psa_timesheet_week.py).
# pylint: disable=consider-merging-classes-inherited
class PsaTimesheetWeek(models.AbstractModel):
    _inherit = "psa.timesheet.week"

    # ------------------------------------------------------------------
    # The "Add a line" picker
    # ------------------------------------------------------------------
    @api.model
    @api.readonly
    def read_projects(self, search=""):
        """``[{id, name}]``: projects the user can log time on, those they
        logged time on recently first, then by name."""
        employee = self._employee()
        domain = [
            ("allow_timesheets", "=", True),
            ("company_id", "in", [False, *self.env.companies.ids]),
        ]
        if search:
            domain.append(("display_name", "ilike", str(search)))
        projects = self.env["project.project"].search_fetch(
            domain, ["display_name"], limit=MAX_CHOICES
        )
        return self._by_recent_use(projects, "project_id", employee)

    @api.model
    @api.readonly
    def read_tasks(self, project_id):
        """``[{id, name}]``: the open tasks of a project, the ones the user
        logged time on most recently first, then by name."""
        employee = self._employee()
        if not isinstance(project_id, int) or isinstance(project_id, bool):
            raise UserError(
                self.env._(
                    "project_id must be a project id, not %(value)r.", value=project_id
                )
            )
        tasks = self.env["project.task"].search_fetch(
            [("project_id", "=", project_id), ("is_closed", "=", False)],
            ["display_name"],
            limit=MAX_CHOICES,
        )
        return self._by_recent_use(tasks, "task_id", employee)

    @api.model
    def _by_recent_use(self, records, fname, employee):
        since = fields.Date.context_today(self) - timedelta(days=90)
        last_used = dict(
            self.env["account.analytic.line"]._read_group(
                [
                    ("employee_id", "=", employee.id),
                    (fname, "in", records.ids),
                    ("date", ">=", since),
                ],
                [fname],
                ["date:max"],
            )
        )
        # Sorted by name, then the most recently used first (a stable sort).
        ordered = sorted(records, key=lambda record: record.display_name.lower())
        ordered.sort(key=lambda record: last_used.get(record) or since, reverse=True)
        return [{"id": record.id, "name": record.display_name} for record in ordered]
