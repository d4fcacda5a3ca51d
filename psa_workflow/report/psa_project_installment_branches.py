# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixed-price installments in the money reports: work in progress and
profitability once due and on no posted invoice; Earned vs Projected
projects them at their due date, earned once due."""

from odoo import api, fields, models
from odoo.tools import SQL

from .psa_wip_report import NOT_POSTED


# The reports' side of a billable kind, on purpose next to the reports.
# pylint: disable=consider-merging-classes-inherited
class PsaProjectInstallment(models.Model):
    _inherit = "psa.project.installment"

    @api.model
    def _psa_report_sources(self):
        return {
            "wip": ("installment", self.env._("Installments due")),
            "profitability": ("installment", self.env._("Installment")),
        }

    @api.model
    def _psa_wip_branches(self, report):
        return {"installment": self._psa_wip_installments(report)}

    @api.model
    def _psa_profitability_branches(self, report):
        return {"installment": self._psa_profit_installments}

    @api.model
    def _psa_revenue_branches(self, report):
        return {
            "installment": self._psa_revenue_installments,
        }

    @api.model
    def _psa_wip_entries(self, row):
        return {
            "installment": (
                "psa.project.installment",
                [
                    ("project_id", "=", row.project_id.id),
                    ("date", "<=", fields.Date.context_today(row)),
                    ("psa_invoiced", "=", False),
                ],
            ),
        }

    @api.model
    def _psa_wip_installments(self, report):
        """Fixed price: installments due."""
        return SQL(
            """
            SELECT i.project_id, 'installment', p.psa_currency_id,
                   km.id IS NOT NULL, i.amount, %(amount_company)s, 0.0, i.date
              FROM psa_project_installment i
              %(joins)s
              %(link)s
             WHERE p.psa_billing_type = 'fixed_price'
               AND i.date <= CURRENT_DATE AND %(not_posted)s
            """,
            amount_company=report._psa_wip_in_company(
                SQL("i.amount"), SQL("p.psa_currency_id"), SQL("i.date")
            ),
            joins=report._psa_wip_joins("i.project_id"),
            link=self.env["psa.report.sources"]._invoice_link("installment_id", "i.id"),
            not_posted=NOT_POSTED,
        )

    @api.model
    def _psa_profit_installments(self, row_id):
        """Installments due, not on a posted invoice."""
        sources = self.env["psa.report.sources"]
        return SQL(
            """
            SELECT %(id)s, t.date, 'installment', t.project_id,
                   t.company_id, t.company_currency_id, NULL, NULL, NULL, 0.0,
                   COALESCE(t.value, 0.0), 0.0, 0.0, 0.0, 0.0
              FROM (%(installments)s) t
              %(link)s
             WHERE t.date <= CURRENT_DATE
               AND km.state IS DISTINCT FROM 'posted'
            """,
            id=row_id("t.id"),
            installments=sources._installments(),
            link=sources._invoice_link("installment_id", "t.id"),
        )

    @api.model
    def _psa_revenue_installments(self, row_id):
        """Projected at their due date; earned once due."""
        return SQL(
            """
            SELECT %s, t.date, t.project_id, t.company_id,
                   COALESCE(t.value, 0.0),
                   CASE WHEN t.date <= CURRENT_DATE
                        THEN COALESCE(t.value, 0.0) ELSE 0.0 END,
                   0.0
              FROM (%s) t
            """,
            row_id("t.id"),
            self.env["psa.report.sources"]._installments(),
        )
