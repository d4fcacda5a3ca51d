# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets, grouped: weeks read as their dates ("2 Mar - 8 Mar 2026"),
not as Odoo's week numbers ("W10 2026"), in every list grouped by week
(the approvers' queue first)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_date


# One class per stage of the timesheet's flow, on purpose (the base class is
# in account_analytic_line.py).
# pylint: disable=consider-merging-classes-inherited
class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    @api.model
    def read_group(  # noqa: PLR0917 - Odoo's signature
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        rows = super().read_group(
            domain,
            fields,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        specs = [groupby] if isinstance(groupby, str) else list(groupby or [])
        for spec in specs:
            name, _sep, granularity = spec.partition(":")
            if name != "date" or granularity != "week":
                continue
            for row in rows:
                period = (row.get("__range") or {}).get(spec)
                if row.get(spec) and period:
                    row[spec] = self._psa_week_label(period)
        return rows

    @api.model
    def _psa_week_label(self, period):
        start = fields.Date.to_date(period["from"])
        end = fields.Date.to_date(period["to"]) - timedelta(days=1)
        return self.env._(
            "%(start)s - %(end)s",
            start=format_date(self.env, start, date_format="d MMM"),
            end=format_date(self.env, end, date_format="d MMM y"),
        )
