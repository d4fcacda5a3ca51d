# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets, time that has not happened yet: an entry dated after today
may be drafted (unless its company forbids it) but is not submitted,
approved or invoiced before its day. The reports leave it out of
utilization and realization until then (psa_utilization_report)."""

from collections import defaultdict

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

# The states an entry after today may be in: still the employee's.
OPEN_STATES = ("draft", "rejected")


# One class per stage of the timesheet's flow, on purpose (the base class is
# in account_analytic_line.py).
# pylint: disable=consider-merging-classes-inherited
class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    psa_is_future = fields.Boolean(
        string="After Today",
        compute="_compute_psa_is_future",
        search="_search_psa_is_future",
        help="Dated after today: it can be drafted, and is submitted, approved "
        "and invoiced from its day.",
    )

    @api.depends("date", "employee_id")
    @api.depends_context("tz", "uid")
    def _compute_psa_is_future(self):
        future = self._psa_future()
        for line in self:
            line.psa_is_future = line in future

    def _search_psa_is_future(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(
                self.env._("Search 'After Today' with = or != and a boolean.")
            )
        after = ">" if (operator == "=") == value else "<="
        # Each entry by its employee's today (as ``_psa_future``): the time
        # zones grouped by the day it is in them now (two or three days).
        now = pytz.utc.localize(fields.Datetime.now())
        zones_of_day = defaultdict(list)
        for zone in pytz.all_timezones:
            zones_of_day[now.astimezone(pytz.timezone(zone)).date()].append(zone)
        return expression.OR(
            [
                [
                    ("employee_id", "=", False),
                    ("date", after, fields.Date.context_today(self)),
                ],
                *(
                    [("employee_id.tz", "in", zones), ("date", after, day)]
                    for day, zones in zones_of_day.items()
                ),
            ]
        )

    def _psa_today_of(self):
        """Each entry's today: its employee's (``hr.employee._psa_today``),
        so that whoever writes it (the employee, an approver abroad, a
        scheduled job) sees the same entries as after today."""
        todays = {}
        default = fields.Date.context_today(self)
        for line in self:
            employee = line.employee_id
            if employee not in todays:
                todays[employee] = employee._psa_today() if employee else default
        return {line: todays[line.employee_id] for line in self}

    def _psa_future(self):
        """The project timesheets of ``self`` dated after their employee's
        today."""
        todays = self._psa_today_of()
        return self.filtered(
            lambda line: line.project_id and line.date and line.date > todays[line]
        )

    def _psa_future_problem(self):
        """The refusal, naming them, of entries after today taken further
        than a draft (submitted, approved, invoiced); ``None`` when none is."""
        future = self._psa_future()
        if not future:
            return None
        return self.env._(
            "Dated after today (%(today)s): these entries can be submitted, "
            "approved and invoiced from their day, not before.\n%(entries)s",
            today=future[:1]._psa_today_of()[future[:1]],
            entries=self._psa_list(future),
        )

    @api.constrains("date", "psa_state", "project_id")
    def _check_psa_future_time(self):
        """Whatever writes them (an action, an import, another module), entries
        after today stay drafts, and none is made in a company that forbids
        them."""
        future = self._psa_future()
        further = future.filtered(lambda line: line.psa_state not in OPEN_STATES)
        problem = further._psa_future_problem()
        if problem:
            raise ValidationError(problem)
        forbidden = future.filtered(lambda line: line.company_id.psa_forbid_future_time)
        if forbidden:
            raise ValidationError(
                self.env._(
                    "%(company)s takes no time dated after today (Settings, PSA: "
                    "Forbid Future Time): log it on its day.\n%(entries)s",
                    company=forbidden.company_id[:1].name,
                    entries=self._psa_list(forbidden),
                )
            )
