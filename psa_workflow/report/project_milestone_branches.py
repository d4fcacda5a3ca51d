# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Milestones in the money reports: work in progress and profitability
once reached and on no posted invoice; Earned vs Projected projects them
at their deadline, earned once reached."""

from odoo import api, models
from odoo.tools import SQL

from .psa_wip_report import NOT_POSTED


# The reports' side of a billable kind, on purpose next to the reports.
# pylint: disable=consider-merging-classes-inherited
class ProjectMilestone(models.Model):
    _inherit = "project.milestone"

    @api.model
    def _psa_report_sources(self):
        return {
            "wip": ("milestone", self.env._("Milestones reached")),
            "profitability": ("milestone", self.env._("Milestone")),
        }

    @api.model
    def _psa_wip_branches(self, report):
        return {"milestone": self._psa_wip_milestones(report)}

    @api.model
    def _psa_profitability_branches(self, report):
        return {"milestone": self._psa_profit_milestones}

    @api.model
    def _psa_revenue_branches(self, report):
        return {
            "milestone_deadline": self._psa_revenue_milestones_projected,
            "milestone_reached": self._psa_revenue_milestones_earned,
        }

    @api.model
    def _psa_wip_entries(self, row):
        return {
            "milestone": (
                "project.milestone",
                [
                    ("project_id", "=", row.project_id.id),
                    ("is_reached", "=", True),
                    ("psa_invoiced", "=", False),
                ],
            ),
        }

    @api.model
    def _psa_wip_milestones(self, report):
        """Milestones reached."""
        value = SQL(
            "COALESCE(NULLIF(m.psa_amount, 0), round(p.psa_contract_amount"
            " * m.psa_percent / 100.0, pc.decimal_places))"
        )
        return SQL(
            """
            SELECT m.project_id, 'milestone', p.psa_currency_id,
                   km.id IS NOT NULL, %(value)s, %(value_company)s, 0.0,
                   m.reached_date
              FROM project_milestone m
              %(joins)s
              %(link)s
             WHERE p.psa_billing_type = 'milestone' AND m.is_reached
               AND %(not_posted)s
            """,
            value=value,
            value_company=report._psa_wip_in_company(
                value,
                SQL("p.psa_currency_id"),
                SQL("COALESCE(m.reached_date, CURRENT_DATE)"),
            ),
            joins=report._psa_wip_joins("m.project_id"),
            link=self.env["psa.report.sources"]._invoice_link("milestone_id", "m.id"),
            not_posted=NOT_POSTED,
        )

    @api.model
    def _psa_profit_milestones(self, row_id):
        """Milestones reached, not on a posted invoice."""
        sources = self.env["psa.report.sources"]
        return SQL(
            """
            SELECT %(id)s, ms.reached_date, 'milestone',
                   ms.project_id, ms.company_id, ms.company_currency_id, NULL,
                   NULL, NULL, 0.0,
                   COALESCE(ms.value_when_reached, 0.0), 0.0, 0.0, 0.0, 0.0
              FROM (%(milestones)s) ms
              %(link)s
             WHERE ms.is_reached AND km.state IS DISTINCT FROM 'posted'
            """,
            id=row_id("ms.id"),
            milestones=sources._milestones(),
            link=sources._invoice_link("milestone_id", "ms.id"),
        )

    @api.model
    def _psa_revenue_milestones_projected(self, row_id):
        """Projected: milestones at their deadline."""
        return SQL(
            """
            SELECT %s, ms.deadline, ms.project_id, ms.company_id,
                   COALESCE(ms.value_at_deadline, 0.0), 0.0, 0.0
              FROM (%s) ms
             WHERE ms.deadline IS NOT NULL
            """,
            row_id("ms.id"),
            self.env["psa.report.sources"]._milestones(),
        )

    @api.model
    def _psa_revenue_milestones_earned(self, row_id):
        """Earned: milestones once reached."""
        return SQL(
            """
            SELECT %s, ms.reached_date, ms.project_id, ms.company_id,
                   0.0, COALESCE(ms.value_when_reached, 0.0), 0.0
              FROM (%s) ms
             WHERE ms.is_reached
            """,
            row_id("ms.id"),
            self.env["psa.report.sources"]._milestones(),
        )
