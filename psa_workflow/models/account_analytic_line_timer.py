# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets, the timer of My Week: a running timer is an open entry of
today with the time it started; stopping it adds the time elapsed, rounded
by the project's rule (its billing rounding: minutes, up or nearest). One
runs at a time per employee, and none runs past midnight (the hourly job
stops it at the end of its day)."""

import math
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models

from .psa_validation import MAX_HOURS_PER_DAY
from .psa_write_policy import SERVER


# One class per stage of the timesheet's flow, on purpose (the base class is
# in account_analytic_line.py).
# pylint: disable=consider-merging-classes-inherited
class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    psa_timer_start = fields.Datetime(
        string="Timer Started",
        copy=False,
        readonly=True,
        psa_write=SERVER,
        help="Set while the entry's timer runs (My Week).",
    )

    def _psa_timer_minutes(self, until):
        """The minutes the timer ran up to ``until``, rounded by the
        project's rule (to the minute without one)."""
        self.ensure_one()
        minutes = max((until - self.psa_timer_start).total_seconds() / 60.0, 0.0)
        step = self.project_id.psa_rounding_minutes
        if step and step > 0:
            steps = minutes / step
            if self.project_id.psa_rounding_method == "nearest":
                steps = math.floor(steps + 0.5)
            else:
                steps = math.ceil(steps - 1e-9)
            return steps * step
        return round(minutes)

    def _psa_stop_timers(self, until=None):
        """Stop the running timers of ``self``: their time added to the
        entries' hours (at most a day's 24), at ``until`` (default: now)."""
        now = fields.Datetime.now()
        for line in self.filtered("psa_timer_start"):
            end = min(until or now, line._psa_timer_midnight())
            hours = line._psa_timer_minutes(end) / 60.0
            line.sudo().write(
                {
                    "unit_amount": min(line.unit_amount + hours, MAX_HOURS_PER_DAY),
                    "psa_timer_start": False,
                }
            )

    def _psa_timer_midnight(self):
        """The end of the entry's day in its employee's time zone (UTC, naive)."""
        self.ensure_one()
        employee = self.employee_id
        tz = pytz.timezone(
            employee._psa_tz() if employee else self.env.user.tz or "UTC"
        )
        midnight = datetime.combine(self.date + timedelta(days=1), time.min)
        return tz.localize(midnight).astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _cron_psa_stop_timers_at_midnight(self):
        """Stop the timers whose day is over, at its midnight."""
        running = self.sudo().search([("psa_timer_start", "!=", False)])
        now = fields.Datetime.now()
        running.filtered(
            lambda line: line._psa_timer_midnight() <= now
        )._psa_stop_timers()
