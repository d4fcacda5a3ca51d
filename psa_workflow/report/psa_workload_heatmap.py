# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The workload heat map (client action ``psa_workflow.workload_heatmap``).

People in rows, weeks in columns; a cell is the hours allocated to the person
that week (confirmed and tentative, all projects) over their capacity, as a
percentage coloured by band:

- *under*: less than 80 % of the capacity;
- *right*: from 80 % to 100 %;
- *over*: beyond the capacity (or hours allocated in a week without capacity).

The figures come from ``psa.workload.report`` (the same numbers as the
*Workload Analysis* pivot) in a few grouped queries. Who appears follows the
report's record rules: a consultant sees themselves, an approver the people of
the projects they manage and of their teams, billing users and administrators
everyone. A person's load is always their whole load (every project), as the
report's over-allocation flag: the hours on projects the user cannot see are
counted and reported apart (``hidden``), not listed.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_date

from ..models.psa_validation import check_no_arguments, marshallable, to_date
from .psa_workload_report import TOLERANCE, UNDERALLOCATION_RATIO

DEFAULT_WEEKS = 12
MAX_WEEKS = 26
BAND_UNDER = "under"
BAND_RIGHT = "right"
BAND_OVER = "over"
BAND_NONE = "none"


def workload_band(allocated, capacity):
    """``(percent or None, band)`` of an employee-week."""
    if capacity <= 0:
        return None, BAND_OVER if allocated > TOLERANCE else BAND_NONE
    percent = round(allocated / capacity * 100, 1)
    if allocated > capacity + TOLERANCE:
        return percent, BAND_OVER
    if allocated < capacity * UNDERALLOCATION_RATIO - TOLERANCE:
        return percent, BAND_UNDER
    return percent, BAND_RIGHT


class PsaWorkloadHeatmap(models.AbstractModel):
    _name = "psa.workload.heatmap"
    _description = "PSA Workload Heat Map"

    @api.model
    def action_open_heatmap(self, *args, **kwargs):
        """Menu entry: extend the stored capacity (a write), then open the
        heat map, whose reads never write."""
        check_no_arguments(self.env, "action_open_heatmap", args, kwargs)
        self.env["psa.workload.report"]._psa_ensure_capacity()
        return self.env["ir.actions.actions"]._for_xml_id(
            "psa_workflow.psa_workload_heatmap_action"
        )

    @api.model
    def _period(self, date_from, weeks):
        start = to_date(self.env, date_from, "date_from") or fields.Date.context_today(
            self
        )
        start -= timedelta(days=start.weekday())
        try:
            weeks = int(weeks or DEFAULT_WEEKS)
        except (TypeError, ValueError):
            weeks = DEFAULT_WEEKS
        weeks = min(max(weeks, 1), MAX_WEEKS)
        return [start + timedelta(weeks=index) for index in range(weeks)]

    @staticmethod
    def _id(value):
        try:
            return int(value or 0)
        except (TypeError, ValueError):
            return 0

    @api.model
    @api.readonly
    def read_heatmap(
        self,
        date_from=None,
        *,
        weeks=DEFAULT_WEEKS,
        department_id=False,
        role_id=False,
        project_id=False,
        everyone=False,
    ):
        """The heat map of ``weeks`` weeks from the week of ``date_from``
        ("YYYY-MM-DD", default: this week), for the people the current user
        may see, filtered by department, role (any of the person's roles) and
        project (people with hours allocated on it in the period).

        By default only the staff planned in PSA: people with a PSA role or a
        utilization target, and anyone allocated in the period; ``everyone``
        adds the other employees (capacity without any plan)."""
        mondays = self._period(date_from, weeks)
        department_id, role_id, project_id = map(
            self._id, (department_id, role_id, project_id)
        )
        period = [
            ("week_start", ">=", mondays[0]),
            ("week_start", "<=", mondays[-1]),
        ]
        employees = self._people(period, department_id, role_id, project_id, everyone)
        employee_period = [("employee_id", "in", employees.ids), *period]
        totals = self._whole_load(employee_period)
        visible, on_project = self._visible_hours(employee_period, project_id)
        rows = [
            self._row(
                employee,
                mondays,
                totals,
                visible=visible,
                on_project=on_project if project_id else None,
            )
            for employee in employees.sudo().sorted(lambda e: (e.name or "").lower())
        ]
        return marshallable(
            {
                **self._period_header(mondays),
                "rows": rows,
                "filters": {
                    "department_id": department_id or False,
                    "role_id": role_id or False,
                    "project_id": project_id or False,
                    "everyone": bool(everyone),
                },
                "options": self._filter_options(period),
                "bands": {
                    "under": round(UNDERALLOCATION_RATIO * 100),
                    "over": 100,
                },
            }
        )

    @api.model
    def _people(self, period, department_id, role_id, project_id, everyone):
        """The employees to list: those of the report rows the user may read
        in the period (record rules apply), narrowed by the filters (one
        grouped query)."""
        people = list(period)
        if department_id:
            people.append(("department_id", "=", department_id))
        # The employees' PSA fields are not public (hr.employee.public): the
        # people are picked as a sub-query, the report's rules still apply.
        Employee = self.env["hr.employee"].sudo()
        if role_id:
            people.append(
                (
                    "employee_id",
                    "in",
                    Employee._search([("psa_role_ids", "in", role_id)]),
                )
            )
        if project_id:
            people += [("project_id", "=", project_id), ("allocated_hours", ">", 0)]
        elif not everyone:
            staff = Employee._search(
                ["|", ("psa_role_ids", "!=", False), ("psa_utilization_target", ">", 0)]
            )
            people += ["|", ("employee_id", "in", staff), ("allocated_hours", ">", 0)]
        Report = self.env["psa.workload.report"]
        return self.env["hr.employee"].concat(
            *(row[0] for row in Report._read_group(people, ["employee_id"]))
        )

    @api.model
    def _whole_load(self, employee_period):
        """``{(employee id, monday): (capacity, allocated, confirmed,
        tentative)}``: a person's whole load, read as superuser so that the
        hours on projects the user does not see still count (one query)."""
        Report = self.env["psa.workload.report"].sudo()
        return {
            (employee.id, week): values
            for employee, week, *values in Report._read_group(
                employee_period,
                ["employee_id", "week_start:day"],
                [
                    "capacity_hours:sum",
                    "allocated_hours:sum",
                    "allocated_confirmed_hours:sum",
                    "allocated_tentative_hours:sum",
                ],
            )
        }

    @api.model
    def _visible_hours(self, employee_period, project_id):
        """``(visible, on_project)``: per (employee id, monday), the hours
        the user sees (to tell the hidden ones apart) and those on the
        filtered project (one query, under the report's record rules)."""
        Report = self.env["psa.workload.report"]
        visible = defaultdict(float)
        on_project = defaultdict(float)
        for employee, week, project, hours in Report._read_group(
            [*employee_period, ("project_id", "!=", False)],
            ["employee_id", "week_start:day", "project_id"],
            ["allocated_hours:sum"],
        ):
            visible[employee.id, week] += hours
            if project.id == project_id:
                on_project[employee.id, week] += hours
        return visible, on_project

    @api.model
    def _row(self, employee, mondays, totals, *, visible, on_project):
        """A person's row: a cell per week and the count of weeks over and
        under their capacity (``on_project``: None without project filter)."""
        cells = []
        for monday in mondays:
            key = (employee.id, monday)
            cells.append(
                self._cell(
                    monday,
                    totals.get(key, (0.0, 0.0, 0.0, 0.0)),
                    visible=visible[key],
                    project=on_project[key] if on_project is not None else None,
                )
            )
        return {
            "employee_id": employee.id,
            "name": employee.name,
            "department": employee.department_id.name or "",
            "role": employee.psa_default_role_id.name or "",
            "cells": cells,
            "over_weeks": sum(c["band"] == BAND_OVER for c in cells),
            "under_weeks": sum(c["band"] == BAND_UNDER for c in cells),
        }

    @api.model
    def _period_header(self, mondays):
        """The period's dates, label and week columns, as the client shows
        them above the rows."""
        last_day = mondays[-1] + timedelta(days=6)
        return {
            "date_from": fields.Date.to_string(mondays[0]),
            "date_to": fields.Date.to_string(last_day),
            "weeks_count": len(mondays),
            "period_label": self.env._(
                "%(start)s to %(end)s",
                start=format_date(self.env, mondays[0]),
                end=format_date(self.env, last_day),
            ),
            "today": fields.Date.to_string(fields.Date.context_today(self)),
            "weeks": [self._week(monday) for monday in mondays],
        }

    @api.model
    def _week(self, monday):
        today = fields.Date.context_today(self)
        return {
            "date": fields.Date.to_string(monday),
            "date_end": fields.Date.to_string(monday + timedelta(days=6)),
            "label": format_date(self.env, monday, date_format="d MMM"),
            "number": monday.isocalendar()[1],
            "is_current": monday <= today <= monday + timedelta(days=6),
        }

    @api.model
    def _cell(self, monday, totals, *, visible, project):
        capacity, allocated, confirmed, tentative = totals
        percent, band = workload_band(allocated, capacity)
        return {
            "week": fields.Date.to_string(monday),
            "capacity": round(capacity, 2),
            "allocated": round(allocated, 2),
            "confirmed": round(confirmed, 2),
            "tentative": round(tentative, 2),
            # Hours on projects the user cannot see (counted in ``allocated``).
            "hidden": round(max(allocated - visible, 0.0), 2),
            "project": round(project, 2) if project is not None else None,
            "percent": percent,
            "band": band,
        }

    @api.model
    def _filter_options(self, period):
        """The departments, roles and projects to filter on: those of the rows
        the user sees in the period (one grouped query), and the roles."""
        departments, projects = {}, {}
        for department, project in self.env["psa.workload.report"]._read_group(
            period, ["department_id", "project_id"]
        ):
            if department:
                departments[department.id] = department.sudo()
            if project:
                projects[project.id] = project.sudo()
        roles = self.env["psa.role"].search_fetch([], ["name"], order="name")

        def options(records):
            return sorted(
                ({"id": r.id, "name": r.display_name} for r in records),
                key=lambda option: option["name"].lower(),
            )

        return {
            "departments": options(departments.values()),
            "roles": [{"id": r.id, "name": r.name} for r in roles],
            "projects": options(projects.values()),
        }
