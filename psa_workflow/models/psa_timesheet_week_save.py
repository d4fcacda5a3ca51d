# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The weekly time grid, saving: the cells the client sends are parsed and
checked, then their hours are created, written or deleted on the cells'
open timesheets, all or nothing."""

import math
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from .psa_timesheet_week import EDITABLE_STATES, HOURS_DIGITS
from .psa_validation import MAX_HOURS_PER_DAY, to_date


# One class per concern of the grid, on purpose (the base class is in
# psa_timesheet_week.py).
# pylint: disable=consider-merging-classes-inherited
class PsaTimesheetWeek(models.AbstractModel):
    _inherit = "psa.timesheet.week"

    # ------------------------------------------------------------------
    # Saving cells
    # ------------------------------------------------------------------
    @api.model
    def save_cells(self, cells):
        """Set the hours of cells of the grid, all or nothing, and return the
        week of the first cell (``read_week``).

        ``cells``: a list of ``{project_id, task_id, date, hours}``. For each
        cell: no timesheet yet, one is created (for hours above zero); one
        open timesheet (draft or rejected), its hours are written (a rejected
        one stays rejected until submitted again); zero hours delete the open
        timesheets of the cell. A cell holding several open timesheets gets
        the difference on its most recent one; a decrease larger than that one
        deletes it and takes the rest from the next most recent (and so on).
        A cell holding a submitted, approved or invoiced timesheet cannot be
        changed: a ``UserError`` names it. Creations and writes are batched
        (one write per distinct value) after the deletions and decreases, so
        that moving hours between the cells of one day never exceeds the day's
        maximum on the way.
        """
        employee = self._employee()
        parsed = self._parse_cells(cells)
        if not parsed:
            return self.read_week()
        projects = self.env["project.project"].browse({c[0] for c in parsed})
        tasks = self.env["project.task"].browse({c[1] for c in parsed} - {False})
        self._check_targets(parsed, projects, tasks)
        by_cell = self._cells_timesheets(employee, parsed, projects)
        Line = self.env["account.analytic.line"]
        to_create, to_delete = [], Line
        # {hours: timesheets}: one write per distinct value.
        decreases, increases = defaultdict(lambda: Line), defaultdict(lambda: Line)
        for project_id, task_id, day, hours in parsed:
            cell = by_cell[project_id, task_id, day]
            current = round(sum(cell.mapped("unit_amount")), HOURS_DIGITS)
            if math.isclose(current, hours, abs_tol=0.005):
                continue
            self._check_cell_open(
                cell, projects.browse(project_id), tasks.browse(task_id), day
            )
            if not cell:
                to_create.append(
                    {
                        "project_id": project_id,
                        "task_id": task_id,
                        "date": day,
                        "unit_amount": hours,
                        "employee_id": employee.id,
                        "name": "/",
                    }
                )
                continue
            deleted, written = self._psa_cell_changes(cell, hours - current)
            to_delete |= deleted
            for line, value in written.items():
                target = decreases if value < line.unit_amount else increases
                target[value] |= line
        self._apply_cell_changes(to_delete, decreases, increases, to_create)
        return self.read_week(fields.Date.to_string(parsed[0][2]))

    @api.model
    def _cells_timesheets(self, employee, parsed, projects):
        """The employee's timesheets of the cells' projects and days by
        ``(project_id, task_id or False, date)``, most recent first (one
        query): the most recent open one takes a cell's change."""
        Line = self.env["account.analytic.line"]
        existing = Line.search_fetch(
            [
                ("employee_id", "=", employee.id),
                ("project_id", "in", projects.ids),
                ("date", "in", sorted({c[2] for c in parsed})),
            ],
            ["project_id", "task_id", "date", "unit_amount", "psa_state"],
            order="id desc",
        )
        by_cell = defaultdict(lambda: Line)
        for line in existing:
            by_cell[line.project_id.id, line.task_id.id or False, line.date] |= line
        return by_cell

    @api.model
    def _one_cell(self, employee, cell):
        """``(project, task, day, timesheets)`` of one cell a client names
        (``{project_id, task_id, date}``: a note, the timer), checked as
        saving checks it."""
        if not isinstance(cell, dict):
            raise UserError(
                self.env._(
                    "A cell is a {project_id, task_id, date}, not %(value)r.",
                    value=cell,
                )
            )
        parsed = self._parse_cells([{**cell, "hours": 0.0}])
        [(project_id, task_id, day, _hours)] = parsed
        project = self.env["project.project"].browse(project_id)
        task = self.env["project.task"].browse(task_id or [])
        self._check_targets(parsed, project, task)
        by_cell = self._cells_timesheets(employee, parsed, project)
        return project, task, day, by_cell[project_id, task_id, day]

    @api.model
    def _check_cell_open(self, cell, project, task, day):
        """Refuse to change a cell holding an entry that is submitted,
        approved or invoiced: the grid only changes open time."""
        label = self._cell_label(project, task, day)
        if any(line.psa_state not in EDITABLE_STATES for line in cell):
            raise UserError(
                self.env._(
                    "%(cell)s: this time is submitted, approved or invoiced "
                    "and cannot be changed here.",
                    cell=label,
                )
            )

    @api.model
    def _apply_cell_changes(self, to_delete, decreases, increases, to_create):
        """All or nothing, deletions and decreases first: moving hours between
        the cells of one day never exceeds the day's maximum on the way."""
        with self.env.cr.savepoint():
            to_delete.unlink()
            for value, lines in decreases.items():
                lines.write({"unit_amount": value})
            for value, lines in increases.items():
                lines.write({"unit_amount": value})
            self.env["account.analytic.line"].create(to_create)

    @api.model
    def _psa_cell_changes(self, lines, difference):
        """How a cell of open timesheets ``lines`` (most recent first) changes
        by ``difference`` hours: ``(lines to delete, {line: new hours})``."""
        Line = self.env["account.analytic.line"]
        if difference > 0:
            newest = lines[0]
            return Line, {newest: round(newest.unit_amount + difference, 4)}
        to_delete, written, left = Line, {}, -difference
        for line in lines:
            if left <= 0.0001:
                break
            if line.unit_amount <= left + 0.0001:
                to_delete |= line
                left -= line.unit_amount
            else:
                written[line] = round(line.unit_amount - left, 4)
                left = 0.0
        return to_delete, written

    @api.model
    def _parse_cells(self, cells):
        """``[(project_id, task_id or False, date, hours)]`` from the client's
        cells, refused with a ``UserError`` when malformed (the last value of
        a cell given twice wins)."""
        if not isinstance(cells, list | tuple) or not all(
            isinstance(cell, dict) for cell in cells
        ):
            raise UserError(
                self.env._(
                    "cells must be a list of {project_id, task_id, date, hours}."
                )
            )
        result = {}
        for cell in cells:
            project_id, task_id = cell.get("project_id"), cell.get("task_id") or False
            hours = cell.get("hours")
            if hours in (None, False, ""):
                hours = 0.0
            if not isinstance(project_id, int) or isinstance(project_id, bool):
                raise UserError(
                    self.env._(
                        "A cell needs a project (project_id), not %(value)r.",
                        value=project_id,
                    )
                )
            if task_id is not False and (
                not isinstance(task_id, int) or isinstance(task_id, bool)
            ):
                raise UserError(
                    self.env._(
                        "task_id must be a task id, not %(value)r.", value=task_id
                    )
                )
            day = to_date(self.env, cell.get("date"), "date")
            if day is None:
                raise UserError(self.env._("A cell needs a date."))
            if (
                not isinstance(hours, int | float)
                or isinstance(hours, bool)
                or not math.isfinite(hours)
                or not 0 <= hours <= MAX_HOURS_PER_DAY
            ):
                raise UserError(
                    self.env._(
                        "%(date)s: the hours must be a number from 0 to %(max)s, "
                        "not %(value)r.",
                        date=format_date(self.env, day),
                        max=int(MAX_HOURS_PER_DAY),
                        value=hours,
                    )
                )
            result[project_id, task_id, day] = round(float(hours), HOURS_DIGITS)
        return [(*key, hours) for key, hours in result.items()]

    @api.model
    def _check_targets(self, parsed, projects, tasks):
        """The projects and tasks exist, take time, and each task belongs to
        its cell's project (read as the user: access rules apply)."""
        missing = projects - projects.exists()
        if missing:
            raise UserError(
                self.env._(
                    "The project %(id)s does not exist (any more).", id=missing[:1].id
                )
            )
        missing = tasks - tasks.exists()
        if missing:
            raise UserError(
                self.env._(
                    "The task %(id)s does not exist (any more).", id=missing[:1].id
                )
            )
        closed = projects.filtered(lambda project: not project.allow_timesheets)
        if closed:
            raise UserError(
                self.env._(
                    "The project %(project)s takes no timesheets.",
                    project=closed[:1].display_name,
                )
            )
        for project_id, task_id, day, hours in parsed:
            project = projects.browse(project_id)
            if hours > 0 and (
                (project.date_start and day < project.date_start)
                or (project.date and day > project.date)
            ):
                raise UserError(
                    self.env._(
                        "%(day)s is outside the dates of %(project)s (%(start)s to "
                        "%(end)s): no time can be logged on it that day.",
                        day=day,
                        project=project.display_name,
                        start=project.date_start or "…",
                        end=project.date or "…",
                    )
                )
            task = tasks.browse(task_id)
            if task and task.project_id.id != project_id:
                raise UserError(
                    self.env._(
                        "The task %(task)s is not a task of %(project)s.",
                        task=task.display_name,
                        project=projects.browse(project_id).display_name,
                    )
                )
