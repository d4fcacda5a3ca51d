# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Re-billed expenses in the money reports: work in progress (approved,
re-billable, on no posted invoice), profitability (untaxed cost, re-bill
amount until invoiced) and Earned vs Projected (earned at their date)."""

from odoo import api, models
from odoo.tools import SQL

from .psa_wip_report import NOT_POSTED


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
        """Re-billed expenses, approved."""
        amount, currency, day = (
            SQL("COALESCE(x.psa_rebill_amount, 0.0)"),
            SQL("x.currency_id"),
            SQL("x.date"),
        )
        return SQL(
            """
            SELECT x.psa_project_id, 'expense', p.psa_currency_id,
                   x.psa_billing_state = 'invoiced',
                   %(amount)s, %(amount_company)s, 0.0, x.date
              FROM hr_expense x
              %(joins)s
              %(link)s
             WHERE x.state IN ('approved', 'done')
               AND p.psa_billing_type != 'non_billable'
               AND (x.psa_billing_state = 'to_invoice'
                    OR (x.psa_billing_state = 'invoiced' AND %(not_posted)s))
            """,
            amount=report._psa_wip_in_project(amount, currency, day),
            amount_company=report._psa_wip_in_company(amount, currency, day),
            joins=report._psa_wip_joins("x.psa_project_id"),
            link=self.env["psa.report.sources"]._invoice_link("expense_id", "x.id"),
            not_posted=NOT_POSTED,
        )

    @api.model
    def _psa_profit_expenses(self, row_id):
        """Expenses: their untaxed cost once approved; the re-bill amount while
        no posted invoice bills it."""
        sources = self.env["psa.report.sources"]
        return SQL(
            """
            SELECT %(id)s, x.date, 'expense', x.psa_project_id,
                   x.company_id, x.company_currency_id, NULL, NULL, x.id, 0.0,
                   CASE WHEN x.psa_billing_state = 'to_invoice'
                          OR (x.psa_billing_state = 'invoiced'
                              AND km.state IS DISTINCT FROM 'posted')
                        THEN COALESCE(x.rebill_value, 0.0) ELSE 0.0 END,
                   0.0, x.total_amount - COALESCE(x.tax_amount, 0.0), 0.0, 0.0
              FROM (%(expenses)s) x
              %(link)s
             WHERE x.state IN ('approved', 'done')
            """,
            id=row_id("x.id"),
            expenses=sources._expenses(),
            link=sources._invoice_link("expense_id", "x.id"),
        )

    @api.model
    def _psa_revenue_expenses(self, row_id):
        """Earned: re-billable expenses, at their date."""
        return SQL(
            """
            SELECT %s, x.date, x.psa_project_id, x.company_id,
                   0.0, COALESCE(x.rebill_value, 0.0), 0.0
              FROM (%s) x
             WHERE x.psa_billing_state IN ('to_invoice', 'invoiced')
            """,
            row_id("x.id"),
            self.env["psa.report.sources"]._expenses(),
        )
