# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixed-price installments in the money reports: work in progress and
profitability once due and on no posted invoice; Earned vs Projected
projects them at their due date, earned once due."""

from odoo import api, fields, models
from odoo.tools import SQL


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
        """Fixed price: installments due, on no posted invoice."""
        sources = self.env["psa.report.sources"]
        return SQL(
            """
            SELECT t.project_id AS project_id, 'installment' AS source,
                   t.currency_id AS currency_id, km.id IS NOT NULL AS on_draft,
                   t.amount AS amount, %(amount_company)s AS amount_company,
                   0.0 AS hours, t.date AS date
              FROM (%(installments)s) t
              %(joins)s
              %(link)s
             WHERE t.due AND %(not_posted)s
            """,
            amount_company=report._psa_wip_in_company(
                SQL("t.amount"), SQL("t.currency_id"), SQL("t.date")
            ),
            installments=sources._installments(),
            joins=report._psa_wip_joins("t.project_id"),
            link=sources._invoice_link("installment_id", "t.id"),
            not_posted=sources._not_on_posted_invoice(),
        )

    @api.model
    def _psa_profit_installments(self, row_id):
        """Installments earned at their due date, invoiced or not."""
        sources = self.env["psa.report.sources"]
        return SQL(
            """
            SELECT %(id)s AS id, t.date AS date, 'installment' AS source,
                   t.project_id AS project_id, t.company_id AS company_id,
                   t.company_currency_id AS currency_id, NULL AS move_id,
                   NULL AS timesheet_id, NULL AS expense_id, 0.0 AS invoiced,
                   COALESCE(t.value, 0.0) AS earned, 0.0 AS timesheet_cost,
                   0.0 AS expense_cost, 0.0 AS unapproved_cost,
                   0.0 AS billed_amount, 0.0 AS standard_amount
              FROM (%(installments)s) t
             WHERE t.due
            """,
            id=row_id("t.id"),
            installments=sources._installments(),
        )

    @api.model
    def _psa_revenue_installments(self, row_id):
        """Projected at their due date; earned once due."""
        return SQL(
            """
            SELECT %(id)s AS id, t.date AS date, t.project_id AS project_id,
                   t.company_id AS company_id,
                   COALESCE(t.value, 0.0) AS projected,
                   CASE WHEN t.due THEN COALESCE(t.value, 0.0) ELSE 0.0 END
                       AS earned,
                   0.0 AS invoiced
              FROM (%(installments)s) t
            """,
            id=row_id("t.id"),
            installments=self.env["psa.report.sources"]._installments(),
        )
