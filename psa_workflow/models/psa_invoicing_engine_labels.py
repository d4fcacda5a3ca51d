# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoicing engine: how invoice lines, their annex and credit notes
name hours, periods, time, expenses, installments and milestones."""

from odoo import api, models
from odoo.tools import format_date, formatLang


# One file per concept of the engine, on purpose (the run is in
# psa_invoicing_engine.py).
# pylint: disable=consider-merging-classes-inherited
class PsaInvoicingEngine(models.AbstractModel):
    _inherit = "psa.invoicing.engine"

    @api.model
    def _hours_label(self, hours):
        """Hours as the invoice, its annex and credit notes write them: decimal
        with two places, in the user's language ("48.25 h")."""
        return self.env._("%(hours)s h", hours=formatLang(self.env, hours, digits=2))

    @api.model
    def _period_label(self, first, last=None):
        """The service period of an invoice line: "1 Nov 2026 to 30 Nov 2026",
        or the day ("3 Nov 2026")."""
        start = format_date(self.env, first, date_format="d MMM y")
        if not last or last == first:
            return start
        return self.env._(
            "%(start)s to %(end)s",
            start=start,
            end=format_date(self.env, last, date_format="d MMM y"),
        )

    @api.model
    def _timesheet_line_name(self, project, key, hours, detail, dates=()):
        """``Project: what, 48.25 h — 1 Nov 2026 to 30 Nov 2026`` (``dates``:
        those of the timesheets the line bills)."""
        if detail == "entry":
            label = ", ".join(
                name for name in (key.employee_id.name, key.psa_description) if name
            )
            dates = dates or [key.date]
        else:
            label = key.display_name if key else self.env._("services")
        return self.env._(
            "%(project)s: %(label)s, %(hours)s — %(period)s",
            project=project.name,
            label=label,
            hours=self._hours_label(hours),
            period=self._period_label(min(dates), max(dates)),
        )

    @api.model
    def _expense_line_name(self, expense):
        """The full label of a re-billed expense: what, its category, who and
        when (never cut)."""
        what = expense.name or expense.product_id.name or ""
        category = expense.product_id.name
        if category and category != what:
            what = f"{what} ({category})"
        return self.env._(
            "%(project)s: expense %(expense)s, %(employee)s — %(date)s",
            project=expense.psa_project_id.name,
            expense=what,
            employee=expense.employee_id.name or "",
            date=self._period_label(expense.date),
        )

    @api.model
    def _psa_fixed_line_name(self, record, date, reached=False):
        """ "Project: Go-live — due 3 Mar 2019" (an installment) or "Project:
        milestone Design — reached 3 Mar 2019"."""
        values = {
            "project": record.project_id.name,
            "name": record.name,
            "date": self._period_label(date),
        }
        if reached:
            return self.env._(
                "%(project)s: milestone %(name)s — reached %(date)s", **values
            )
        return self.env._("%(project)s: %(name)s — due %(date)s", **values)
