# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Milestones in the money reports: work in progress and profitability
once reached and on no posted invoice; Earned vs Projected projects them
at their deadline, earned once reached."""

from odoo import api, models
from odoo.tools import SQL


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
        """Milestones reached, on no posted invoice."""
        sources = self.env["psa.report.sources"]
        return SQL(
            """
            SELECT ms.project_id AS project_id, 'milestone' AS source,
                   ms.currency AS currency_id, km.id IS NOT NULL AS on_draft,
                   ms.value AS amount, ms.value_when_reached AS amount_company,
                   0.0 AS hours, ms.reached_date AS date
              FROM (%(milestones)s) ms
              %(link)s
             WHERE ms.is_reached AND %(not_posted)s
            """,
            milestones=sources._milestones(),
            link=sources._invoice_link("milestone_id", "ms.id"),
            not_posted=sources._not_on_posted_invoice(),
        )

    @api.model
    def _psa_profit_milestones(self, row_id):
        """Milestones earned when reached, invoiced or not."""
        sources = self.env["psa.report.sources"]
        return SQL(
            """
            SELECT %(id)s AS id, ms.reached_date AS date, 'milestone' AS source,
                   ms.project_id AS project_id, ms.company_id AS company_id,
                   ms.company_currency_id AS currency_id, NULL AS move_id,
                   NULL AS timesheet_id, NULL AS expense_id, 0.0 AS invoiced,
                   COALESCE(ms.value_when_reached, 0.0) AS earned,
                   0.0 AS timesheet_cost, 0.0 AS expense_cost,
                   0.0 AS unapproved_cost, 0.0 AS billed_amount,
                   0.0 AS standard_amount
              FROM (%(milestones)s) ms
             WHERE ms.is_reached
            """,
            id=row_id("ms.id"),
            milestones=sources._milestones(),
        )

    @api.model
    def _psa_revenue_milestones_projected(self, row_id):
        """Projected: milestones at their deadline."""
        return SQL(
            """
            SELECT %(id)s AS id, ms.deadline AS date, ms.project_id AS project_id,
                   ms.company_id AS company_id,
                   COALESCE(ms.value_at_deadline, 0.0) AS projected,
                   0.0 AS earned, 0.0 AS invoiced
              FROM (%(milestones)s) ms
             WHERE ms.deadline IS NOT NULL
            """,
            id=row_id("ms.id"),
            milestones=self.env["psa.report.sources"]._milestones(),
        )

    @api.model
    def _psa_revenue_milestones_earned(self, row_id):
        """Earned: milestones once reached."""
        return SQL(
            """
            SELECT %(id)s AS id, ms.reached_date AS date,
                   ms.project_id AS project_id, ms.company_id AS company_id,
                   0.0 AS projected,
                   COALESCE(ms.value_when_reached, 0.0) AS earned,
                   0.0 AS invoiced
              FROM (%(milestones)s) ms
             WHERE ms.is_reached
            """,
            id=row_id("ms.id"),
            milestones=self.env["psa.report.sources"]._milestones(),
        )
