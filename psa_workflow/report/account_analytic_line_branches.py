# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets in the money reports: work in progress (approved billable
time of time & materials projects, not written off, on no posted invoice),
profitability (cost, value until invoiced, billed against standard value)
and Earned vs Projected (earned at its date)."""

from odoo import api, models
from odoo.tools import SQL

from .psa_wip_report import NOT_POSTED


# The reports' side of a billable kind, on purpose next to the reports.
# pylint: disable=consider-merging-classes-inherited
class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    @api.model
    def _psa_report_sources(self):
        return {
            "wip": ("time", self.env._("Time (T&M)")),
            "profitability": ("timesheet", self.env._("Timesheet")),
        }

    @api.model
    def _psa_wip_branches(self, report):
        return {"time": self._psa_wip_time(report)}

    @api.model
    def _psa_profitability_branches(self, report):
        return {"timesheet": self._psa_profit_timesheets}

    @api.model
    def _psa_revenue_branches(self, report):
        return {
            "timesheet": self._psa_revenue_timesheets,
        }

    @api.model
    def _psa_wip_entries(self, row):
        return {
            "time": (
                "account.analytic.line",
                [
                    ("project_id", "=", row.project_id.id),
                    ("psa_billable", "=", True),
                    ("psa_state", "=", "invoiced" if row.on_draft else "approved"),
                    ("psa_cap_decision", "!=", "write_off"),
                ],
            ),
        }

    @api.model
    def _psa_wip_time(self, report):
        """Time & materials: approved billable time, not written off."""
        return SQL(
            """
            SELECT a.project_id, 'time' AS source,
                   COALESCE(a.psa_currency_id, p.psa_currency_id) AS currency_id,
                   a.psa_state = 'invoiced' AS on_draft,
                   COALESCE(a.psa_bill_amount, 0.0) AS amount,
                   COALESCE(a.psa_bill_amount_company, 0.0) AS amount_company,
                   a.unit_amount AS hours, a.date
              FROM account_analytic_line a
              %(joins)s
              %(link)s
             WHERE p.psa_billing_type = 'time_material' AND a.psa_billable
               AND a.psa_cap_decision IS DISTINCT FROM 'write_off'
               AND (a.psa_state = 'approved'
                    OR (a.psa_state = 'invoiced' AND %(not_posted)s))
            """,
            joins=report._psa_wip_joins("a.project_id"),
            link=self.env["psa.report.sources"]._invoice_link("timesheet_id", "a.id"),
            not_posted=NOT_POSTED,
        )

    @api.model
    def _psa_profit_timesheets(self, row_id):
        """Timesheets: their cost; their value while no posted invoice bills
        them; once one does, what it bills against their standard value."""
        sources = self.env["psa.report.sources"]
        return SQL(
            """
            SELECT %(id)s, a.date, 'timesheet', a.project_id,
                   a.company_id, a.currency_id, NULL, a.id, NULL, 0.0,
                   CASE WHEN a.psa_billable AND p.psa_billing_type = 'time_material'
                         AND (a.psa_state = 'approved'
                              OR (a.psa_state = 'invoiced'
                                  AND km.state IS DISTINCT FROM 'posted'))
                         AND a.psa_cap_decision IS DISTINCT FROM 'write_off'
                        THEN COALESCE(a.psa_bill_amount_company, 0.0) ELSE 0.0 END,
                   -a.amount, 0.0,
                   %(billed)s, %(standard)s
              FROM account_analytic_line a
              JOIN project_project p ON p.id = a.project_id
              %(link)s
             WHERE a.project_id IS NOT NULL
               AND a.psa_state IS DISTINCT FROM 'rejected'
            """,
            id=row_id("a.id"),
            link=sources._invoice_link("timesheet_id", "a.id"),
            billed=sources._posted_link_amount("k.amount"),
            standard=sources._posted_link_amount("k.standard_amount"),
        )

    @api.model
    def _psa_revenue_timesheets(self, row_id):
        """Earned: approved billable time & materials time, at its date."""
        return SQL(
            """
            SELECT %s, a.date, a.project_id, a.company_id,
                   0.0, COALESCE(a.psa_bill_amount_company, 0.0), 0.0
              FROM account_analytic_line a
              JOIN project_project ap ON ap.id = a.project_id
             WHERE ap.psa_billing_type = 'time_material' AND a.psa_billable
               AND a.psa_state IN ('approved', 'invoiced')
               AND a.psa_cap_decision IS DISTINCT FROM 'write_off'
            """,
            row_id("a.id"),
        )
