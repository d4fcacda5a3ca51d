# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The weekly time grid of a consultant (client action ``psa_workflow.timesheet_week``).

Rows are (project, task) pairs, columns the seven days of a week starting on
Monday, a cell the hours of the current user's employee on that pair and day.
A cell may hold several timesheets (entered elsewhere): the grid shows their
sum, and a change of the sum goes to the cell's most recent open timesheet
(see ``_psa_cell_changes``). Everything goes through the timesheet model as
the current user: its checks (hours range, 24 hours a day, locked entries,
access rules) apply and their messages reach the grid unchanged.
"""

import math
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from .account_analytic_line import LOCKED_STATES
from .psa_validation import MAX_HOURS_PER_DAY, to_date

# Open entries the grid may change; the others are shown read-only.
EDITABLE_STATES = ("draft", "rejected")
# A cell holding entries in several states shows the least advanced one
# (a rejected entry first: it needs the consultant's attention).
STATE_RANK = {"rejected": 0, "draft": 1, "submitted": 2, "approved": 3, "invoiced": 4}
# Rows carried over from the previous week, most recently used first.
MAX_PREFILLED_ROWS = 15
# Projects and tasks offered by the "Add a line" picker.
MAX_CHOICES = 80
HOURS_DIGITS = 2


class PsaTimesheetWeek(models.AbstractModel):
    _name = "psa.timesheet.week"
    _description = "PSA Weekly Time Grid"

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _employee(self):
        """The current user's employee in the current company."""
        if not self.env.user.has_group("psa_workflow.group_psa_user"):
            raise AccessError(
                self.env._("Only PSA users log their time in the weekly grid.")
            )
        employee = self.env.user.employee_id
        if not employee:
            raise UserError(
                self.env._(
                    "%(user)s has no employee in %(company)s: ask an HR officer "
                    "to create one before logging time.",
                    user=self.env.user.name,
                    company=self.env.company.name,
                )
            )
        return employee

    @api.model
    def _monday(self, day):
        day = to_date(self.env, day, "day") or fields.Date.context_today(self)
        return day - timedelta(days=day.weekday())

    @api.model
    def _week_domain(self, employee, monday):
        return [
            ("employee_id", "=", employee.id),
            ("project_id", "!=", False),
            ("date", ">=", monday),
            ("date", "<=", monday + timedelta(days=6)),
        ]

    @api.model
    def _cell_label(self, project, task, day):
        if task:
            return self.env._(
                "%(project)s / %(task)s on %(date)s",
                project=project.display_name,
                task=task.display_name,
                date=format_date(self.env, day),
            )
        return self.env._(
            "%(project)s on %(date)s",
            project=project.display_name,
            date=format_date(self.env, day),
        )

    @staticmethod
    def _row_key(project_id, task_id):
        return f"{project_id}-{task_id or 0}"

    # ------------------------------------------------------------------
    # Reading a week
    # ------------------------------------------------------------------
    @api.model
    @api.readonly
    def read_week(self, day=None):
        """The grid of the week of ``day`` ("YYYY-MM-DD", default: today) for
        the current user's employee: days (with the working hours of their
        calendar as a hint), rows (project, task) with one cell per day, and
        the rows used the previous week, empty, to fill in."""
        employee = self._employee()
        monday = self._monday(day)
        dates = [monday + timedelta(days=offset) for offset in range(7)]
        lines = self._week_entries(employee, monday)
        # Last week's pairs, most recently used first (one grouped query).
        previous = self.env["account.analytic.line"]._read_group(
            self._week_domain(employee, monday - timedelta(days=7)),
            ["project_id", "task_id"],
            ["date:max"],
            order="date:max desc",
        )
        hints = (
            self.env["psa.employee.capacity"]
            .sudo()
            ._employee_daily_hours(employee.sudo(), dates[0], dates[-1])
            .get(employee.id, {})
        )
        pairs, by_cell = self._week_pairs(lines, previous)
        rows, day_totals = self._week_rows(pairs, by_cell, dates)
        to_submit = self._to_submit(lines)
        return {
            "week_start": fields.Date.to_string(monday),
            "week_end": fields.Date.to_string(dates[-1]),
            "week_label": self.env._(
                "%(start)s - %(end)s",
                start=format_date(self.env, monday),
                end=format_date(self.env, dates[-1]),
            ),
            "today": fields.Date.to_string(fields.Date.context_today(self)),
            "employee_name": employee.name,
            "days": self._week_days(dates, lines, hints, day_totals),
            "rows": rows,
            "total": round(sum(day_totals.values()), HOURS_DIGITS),
            "max_hours_per_day": MAX_HOURS_PER_DAY,
            # What "Submit Week" would do (see ``submit_week``).
            "can_submit_count": len(to_submit),
            "can_submit_hours": round(
                sum(to_submit.mapped("unit_amount")), HOURS_DIGITS
            ),
            "skip_count": len(lines) - len(to_submit),
        }

    @api.model
    def _week_entries(self, employee, monday):
        """The employee's timesheets of the week, with what the grid shows of
        them (one query)."""
        return self.env["account.analytic.line"].search_fetch(
            self._week_domain(employee, monday),
            [
                "project_id",
                "task_id",
                "date",
                "unit_amount",
                "psa_state",
                "psa_rejection_reason",
            ],
            order="date, id",
        )

    @api.model
    def _week_pairs(self, lines, previous):
        """``(pairs, by_cell)``: the grid's rows as ``{row key: (project,
        task)}``, those of the week's ``lines`` then up to
        ``MAX_PREFILLED_ROWS`` pairs of the ``previous`` week still open to
        time, and the week's timesheets by ``(row key, date)``."""
        by_cell = defaultdict(lambda: self.env["account.analytic.line"])
        pairs = {}
        for line in lines:
            key = self._row_key(line.project_id.id, line.task_id.id)
            pairs.setdefault(key, (line.project_id, line.task_id))
            by_cell[key, line.date] |= line
        prefilled = 0
        for project, task, _last in previous:
            key = self._row_key(project.id, task.id)
            if key in pairs or prefilled >= MAX_PREFILLED_ROWS:
                continue
            if not project.active or not project.allow_timesheets:
                continue
            if task and not task.active:
                continue
            pairs[key] = (project, task)
            prefilled += 1
        return pairs, by_cell

    @api.model
    def _week_rows(self, pairs, by_cell, dates):
        """``(rows, day_totals)``: a row per pair with a cell per day, sorted
        by project and task, and the hours of each day over all rows."""
        Line = self.env["account.analytic.line"]
        rows = []
        day_totals = defaultdict(float)
        for key, (project, task) in pairs.items():
            cells = {}
            row_total = 0.0
            for date in dates:
                cell = self._cell(by_cell.get((key, date), Line))
                cells[fields.Date.to_string(date)] = cell
                row_total += cell["hours"]
                day_totals[date] += cell["hours"]
            rows.append(
                {
                    "key": key,
                    "project_id": project.id,
                    "project_name": project.display_name,
                    "task_id": task.id or False,
                    "task_name": task.display_name or "",
                    "cells": cells,
                    "total": round(row_total, HOURS_DIGITS),
                }
            )
        rows.sort(key=lambda row: (row["project_name"].lower(), row["task_name"]))
        return rows, day_totals

    @api.model
    def _week_days(self, dates, lines, hints, day_totals):
        """The grid's columns: each day's label, working hours hint, total,
        and whether all its entries are locked (approved or invoiced)."""
        states_of_day = defaultdict(set)
        for line in lines:
            states_of_day[line.date].add(line.psa_state)
        return [
            {
                "date": fields.Date.to_string(date),
                "label": format_date(self.env, date, date_format="EEE d"),
                "weekend": date.weekday() >= 5,
                "hours_hint": round(hints.get(date, 0.0), HOURS_DIGITS),
                "total": round(day_totals[date], HOURS_DIGITS),
                # Every entry of the day approved or invoiced.
                "locked": bool(states_of_day[date])
                and states_of_day[date] <= set(LOCKED_STATES),
            }
            for date in dates
        ]

    @staticmethod
    def _to_submit(lines):
        """The open entries with hours: those "Submit Week" submits."""
        return lines.filtered(
            lambda line: line.psa_state in EDITABLE_STATES and line.unit_amount > 0
        )

    @api.model
    def _cell(self, lines):
        """A cell of the grid from the timesheets it holds (maybe none)."""
        states = set(lines.mapped("psa_state"))
        reasons = [
            line.psa_rejection_reason
            for line in lines
            if line.psa_state == "rejected" and line.psa_rejection_reason
        ]
        return {
            "hours": round(sum(lines.mapped("unit_amount")), HOURS_DIGITS),
            "line_ids": lines.ids,
            "state": min(states, key=STATE_RANK.get) if states else False,
            "editable": states <= set(EDITABLE_STATES),
            "rejection_reason": "\n".join(dict.fromkeys(reasons)) or False,
        }

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

    # ------------------------------------------------------------------
    # Submitting a week
    # ------------------------------------------------------------------
    @api.model
    def submit_week(self, day=None):
        """Submit the current user's open timesheets (draft, or rejected and
        corrected) of the week of ``day`` that have hours; the others (already
        submitted, approved, invoiced, or without hours) are skipped.
        Returns ``{submitted, hours, skipped}``."""
        employee = self._employee()
        monday = self._monday(day)
        lines = self.env["account.analytic.line"].search_fetch(
            self._week_domain(employee, monday), ["unit_amount", "psa_state"]
        )
        to_submit = self._to_submit(lines)
        to_submit.action_psa_submit()
        return {
            "submitted": len(to_submit),
            "hours": round(sum(to_submit.mapped("unit_amount")), HOURS_DIGITS),
            "skipped": len(lines) - len(to_submit),
        }

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
