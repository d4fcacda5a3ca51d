# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The weekly time grid of a consultant (client action ``psa_workflow.timesheet_week``).

Rows are (project, task) pairs, columns the seven days of a week starting on
Monday, a cell the hours of the current user's employee on that pair and day.
A cell may hold several timesheets (entered elsewhere): the grid shows their
sum, and a change of the sum goes to the cell's most recent open timesheet
(see ``_psa_cell_changes``). Everything goes through the timesheet model as
the current user: its checks (hours range, 24 hours a day, locked entries,
access rules) apply and their messages reach the grid unchanged.

The grid's cell saving and its "Add a line" picker live next to it
(``psa_timesheet_week_save``, ``psa_timesheet_week_picker``).
"""

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
    def _today(self):
        """Today on the user's employee's clock, as the entries see it
        (``hr.employee._psa_today``)."""
        employee = self.env.user.employee_id
        return employee._psa_today() if employee else fields.Date.context_today(self)

    @api.model
    def _monday(self, day):
        day = to_date(self.env, day, "day") or self._today()
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
        waiting = self._waiting_for_their_day(lines)
        return {
            "week_start": fields.Date.to_string(monday),
            "week_end": fields.Date.to_string(dates[-1]),
            "week_label": self.env._(
                "%(start)s - %(end)s",
                start=format_date(self.env, monday),
                end=format_date(self.env, dates[-1]),
            ),
            "today": fields.Date.to_string(self._today()),
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
            "skip_count": len(lines) - len(to_submit) - len(waiting),
            # Open entries after today: submitted from their day.
            "future_count": len(waiting),
            "rejected": self._rejected(lines),
            "timer": self._timer_of(employee),
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
                "name",
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
        today = self._today()
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
                # After today: can be drafted, submitted from its day.
                "future": date > today,
            }
            for date in dates
        ]

    @api.model
    def _rejected(self, lines):
        """The week's rejected entries, each with the approver's reason: the
        list shown above the grid."""
        return [
            {
                "date": fields.Date.to_string(line.date),
                "label": self._cell_label(line.project_id, line.task_id, line.date),
                "hours": round(line.unit_amount, HOURS_DIGITS),
                "reason": line.psa_rejection_reason or "",
            }
            for line in lines
            if line.psa_state == "rejected"
        ]

    @staticmethod
    def _open_with_hours(lines):
        return lines.filtered(
            lambda line: line.psa_state in EDITABLE_STATES and line.unit_amount > 0
        )

    @classmethod
    def _to_submit(cls, lines):
        """The open entries with hours up to today: those "Submit Week"
        submits."""
        return cls._open_with_hours(lines) - lines._psa_future()

    @classmethod
    def _waiting_for_their_day(cls, lines):
        """The open entries with hours after today: submitted from their day."""
        return cls._open_with_hours(lines) & lines._psa_future()

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
            # The entries' descriptions ("/": none, as Odoo saves it).
            "note": "\n".join(
                dict.fromkeys(
                    name.strip()
                    for name in lines.mapped("name")
                    if name and name.strip() not in ("", "/")
                )
            )
            or False,
        }

    # ------------------------------------------------------------------
    # Submitting a week
    # ------------------------------------------------------------------
    @api.model
    def submit_week(self, day=None):
        """Submit the current user's open timesheets (draft, or rejected and
        corrected) of the week of ``day`` that have hours, up to today; those
        after today wait for their day; the others (already submitted,
        approved, invoiced, or without hours) are skipped.
        Returns ``{submitted, hours, waiting, skipped}``."""
        employee = self._employee()
        monday = self._monday(day)
        lines = self.env["account.analytic.line"].search_fetch(
            self._week_domain(employee, monday),
            ["unit_amount", "psa_state", "date", "project_id"],
        )
        to_submit = self._to_submit(lines)
        waiting = self._waiting_for_their_day(lines)
        to_submit.action_psa_submit()
        return {
            "submitted": len(to_submit),
            "hours": round(sum(to_submit.mapped("unit_amount")), HOURS_DIGITS),
            "waiting": len(waiting),
            "skipped": len(lines) - len(to_submit) - len(waiting),
        }
