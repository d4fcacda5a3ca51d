# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The weekly time grid, the timer: start it on a row (today's cell), stop
it; one runs at a time (starting another stops the first)."""

from odoo import api, fields, models


# One class per concern of the grid, on purpose (the base class is in
# psa_timesheet_week.py).
# pylint: disable=consider-merging-classes-inherited
class PsaTimesheetWeek(models.AbstractModel):
    _inherit = "psa.timesheet.week"

    @api.model
    def _running_timers(self, employee):
        return (
            self.env["account.analytic.line"]
            .sudo()
            .search(
                [("employee_id", "=", employee.id), ("psa_timer_start", "!=", False)]
            )
        )

    @api.model
    def _timer_of(self, employee):
        """The running timer shown by the grid: its row key, day and start."""
        line = self._running_timers(employee)[:1]
        if not line:
            return False
        return {
            "row_key": f"{line.project_id.id}-{line.task_id.id or 0}",
            "date": fields.Date.to_string(line.date),
            "started": fields.Datetime.to_string(line.psa_timer_start),
        }

    @api.model
    def start_timer(self, cell):
        """Start the timer on today's cell of a row (``cell``: ``{project_id,
        task_id}``), stopping the one running; the cell's open entry takes
        the time (one is made, without hours, if there is none). Returns
        today's week."""
        employee = self._employee()
        today = employee._psa_today()
        if isinstance(cell, dict):
            cell = {**cell, "date": fields.Date.to_string(today)}
        project, task, day, lines = self._one_cell(employee, cell)
        self._check_cell_open(lines, project, task, day)
        self._running_timers(employee)._psa_stop_timers()
        line = lines[:1] or self.env["account.analytic.line"].create(
            {
                "project_id": project.id,
                "task_id": task.id or False,
                "date": day,
                "unit_amount": 0.0,
                "employee_id": employee.id,
                "name": "/",
            }
        )
        # The server's field: set after the checks above, as the owner.
        line.sudo().psa_timer_start = fields.Datetime.now()
        return self.read_week(fields.Date.to_string(today))

    @api.model
    def stop_timer(self):
        """Stop the user's running timer; returns the week of its entry."""
        employee = self._employee()
        running = self._running_timers(employee)
        day = running[:1].date or employee._psa_today()
        running._psa_stop_timers()
        return self.read_week(fields.Date.to_string(day))
