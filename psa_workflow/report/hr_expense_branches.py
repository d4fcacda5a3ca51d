# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Re-billed expenses in the money reports: work in progress (approved,
re-billable, on no posted invoice), profitability (untaxed cost, re-bill
amount until invoiced) and Earned vs Projected (earned at their date)."""

from odoo import api, models
from odoo.tools import SQL


# The reports' side of a billable kind, on purpose next to the reports.
# pylint: disable=consider-merging-classes-inherited
class HrExpense(models.Model):
    _inherit = "hr.expense"

    @api.model
    def _psa_report_sources(self):
        return {
            "wip": ("expense", self.env._("Expenses")),
            "profitability": ("expense", self.env._("Expense")),
        }

    @api.model
    def _psa_wip_branches(self, report):
        return {"expense": self._psa_wip_expenses(report)}

    @api.model
    def _psa_profitability_branches(self, report):
        return {"expense": self._psa_profit_expenses}

    @api.model
    def _psa_revenue_branches(self, report):
        return {
            "expense": self._psa_revenue_expenses,
        }

    @api.model
    def _psa_wip_entries(self, row):
        return {
            "expense": (
                "hr.expense",
                [
                    ("psa_project_id", "=", row.project_id.id),
                    (
                        "psa_billing_state",
                        "=",
                        "invoiced" if row.on_draft else "to_invoice",
                    ),
                ],
            ),
        }

    @api.model
    def _psa_wip_expenses(self, report):
        """Earned expenses on no posted invoice."""
        sources = self.env["psa.report.sources"]
        amount, currency, day = (
            SQL("COALESCE(x.rebill_amount, 0.0)"),
            SQL("x.currency_id"),
            SQL("x.date"),
        )
        return SQL(
            """
            SELECT x.psa_project_id AS project_id, 'expense' AS source,
                   p.psa_currency_id AS currency_id,
                   x.psa_billing_state = 'invoiced' AS on_draft,
                   %(amount)s AS amount, %(amount_company)s AS amount_company,
                   0.0 AS hours, x.date AS date
              FROM (%(expenses)s) x
              %(joins)s
              %(link)s
             WHERE x.earned AND %(not_posted)s
            """,
            amount=report._psa_wip_in_project(amount, currency, day),
            amount_company=report._psa_wip_in_company(amount, currency, day),
            expenses=sources._expenses(),
            joins=report._psa_wip_joins("x.psa_project_id"),
            link=sources._invoice_link("expense_id", "x.id"),
            not_posted=sources._not_on_posted_invoice(),
        )

    @api.model
    def _psa_profit_expenses(self, row_id):
        """Expenses: their untaxed cost once approved; the re-bill amount once
        earned, invoiced or not."""
        sources = self.env["psa.report.sources"]
        return SQL(
            """
            SELECT %(id)s AS id, x.date AS date, 'expense' AS source,
                   x.psa_project_id AS project_id, x.company_id AS company_id,
                   x.company_currency_id AS currency_id, NULL AS move_id,
                   NULL AS timesheet_id, x.id AS expense_id, 0.0 AS invoiced,
                   CASE WHEN x.earned THEN COALESCE(x.rebill_value, 0.0) ELSE 0.0 END
                       AS earned,
                   0.0 AS timesheet_cost,
                   x.total_amount - COALESCE(x.tax_amount, 0.0) AS expense_cost,
                   0.0 AS unapproved_cost, 0.0 AS billed_amount,
                   0.0 AS standard_amount
              FROM (%(expenses)s) x
             WHERE x.state IN ('approved', 'done')
            """,
            id=row_id("x.id"),
            expenses=sources._expenses(),
        )

    @api.model
    def _psa_revenue_expenses(self, row_id):
        """Earned: earned expenses, at their date."""
        return SQL(
            """
            SELECT %(id)s AS id, x.date AS date, x.psa_project_id AS project_id,
                   x.company_id AS company_id, 0.0 AS projected,
                   COALESCE(x.rebill_value, 0.0) AS earned, 0.0 AS invoiced
              FROM (%(expenses)s) x
             WHERE x.earned
            """,
            id=row_id("x.id"),
            expenses=self.env["psa.report.sources"]._expenses(),
        )
