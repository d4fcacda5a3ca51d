# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The weekly time grid, notes: a cell's note is the description of its
open timesheets (what the approver reads and, on entry-by-entry invoices
and the annex, the customer)."""

from odoo import api, fields, models
from odoo.exceptions import UserError

# A note is a line of what was done, not a document.
MAX_NOTE_LENGTH = 2000


# One class per concern of the grid, on purpose (the base class is in
# psa_timesheet_week.py).
# pylint: disable=consider-merging-classes-inherited
class PsaTimesheetWeek(models.AbstractModel):
    _inherit = "psa.timesheet.week"

    @api.model
    def save_note(self, cell, note):
        """Set the note of a cell of the grid (``cell``: ``{project_id,
        task_id, date}``): the description of its open timesheets; an empty
        note clears it. Returns the cell's week (``read_week``)."""
        if note is None or note is False:
            note = ""
        if not isinstance(note, str):
            raise UserError(
                self.env._("The note must be a text, not %(value)r.", value=note)
            )
        note = note.strip()
        if len(note) > MAX_NOTE_LENGTH:
            raise UserError(
                self.env._(
                    "A note holds at most %(max)s characters, not %(count)s.",
                    max=MAX_NOTE_LENGTH,
                    count=len(note),
                )
            )
        project, task, day, lines = self._one_cell(self._employee(), cell)
        if not lines:
            raise UserError(
                self.env._(
                    "%(cell)s: log the hours first, then add a note.",
                    cell=self._cell_label(project, task, day),
                )
            )
        self._check_cell_open(lines, project, task, day)
        lines.write({"name": note or "/"})
        return self.read_week(fields.Date.to_string(day))
