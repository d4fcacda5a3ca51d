# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets in the money reports: work in progress (approved billable
time of time & materials projects, not written off, on no posted invoice),
profitability (value earned at its date, cost once approved, cost of time
not approved yet, billed against standard value) and Earned vs Projected
(earned at its date)."""

from odoo import api, models
from odoo.tools import SQL

# Approved inside the firm, not by the customer yet (projects asking it).
AWAITING_CUSTOMER = ("to_send", "waiting", "disputed")


# The reports' side of a billable kind, on purpose next to the reports.
# pylint: disable=consider-merging-classes-inherited
class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    @api.model
    def _psa_report_sources(self):
        return {
            "wip": [
                ("time", self.env._("Time (T&M)")),
                ("time_customer", self.env._("Time Awaiting the Customer")),
            ],
            "profitability": ("timesheet", self.env._("Timesheet")),
        }

    @api.model
    def _psa_wip_branches(self, report):
        return {
            "time": self._psa_wip_time(report, awaiting_customer=False),
            "time_customer": self._psa_wip_time(report, awaiting_customer=True),
        }

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
        earned = [
            ("project_id", "=", row.project_id.id),
            ("psa_billable", "=", True),
            ("psa_state", "=", "invoiced" if row.on_draft else "approved"),
            ("psa_cap_decision", "!=", "write_off"),
        ]
        return {
            "time": (
                "account.analytic.line",
                [*earned, ("psa_customer_state", "in", (False, "approved"))],
            ),
            "time_customer": (
                "account.analytic.line",
                [*earned, ("psa_customer_state", "in", AWAITING_CUSTOMER)],
            ),
        }

    @api.model
    def _psa_wip_time(self, report, awaiting_customer):
        """Time & materials: earned time on no posted invoice; apart, the time
        the customer has not approved yet (projects asking it)."""
        sources = self.env["psa.report.sources"]
        awaiting = SQL("COALESCE(a.psa_customer_state IN %s, FALSE)", AWAITING_CUSTOMER)
        return SQL(
            """
            SELECT a.project_id AS project_id, %(source)s AS source,
                   COALESCE(a.psa_currency_id, p.psa_currency_id) AS currency_id,
                   a.psa_state = 'invoiced' AS on_draft,
                   COALESCE(a.psa_bill_amount, 0.0) AS amount,
                   COALESCE(a.psa_bill_amount_company, 0.0) AS amount_company,
                   a.unit_amount AS hours, a.date AS date
              FROM account_analytic_line a
              %(joins)s
              %(link)s
             WHERE %(earned)s AND %(not_posted)s AND %(awaiting)s = %(wanted)s
            """,
            source="time_customer" if awaiting_customer else "time",
            awaiting=awaiting,
            wanted=awaiting_customer,
            joins=report._psa_wip_joins("a.project_id"),
            link=sources._invoice_link("timesheet_id", "a.id"),
            earned=sources._earned_time(),
            not_posted=sources._not_on_posted_invoice(),
        )

    @api.model
    def _psa_profit_timesheets(self, row_id):
        """Timesheets: their value once earned, invoiced or not (at its date:
        invoicing it moves nothing); the cost of approved time, and apart the
        cost of time not approved yet (up to today); once a posted invoice
        bills them, what it bills against their standard value."""
        sources = self.env["psa.report.sources"]
        return SQL(
            """
            SELECT %(id)s AS id, a.date AS date, 'timesheet' AS source,
                   a.project_id AS project_id, a.company_id AS company_id,
                   a.currency_id AS currency_id, NULL AS move_id,
                   a.id AS timesheet_id, NULL AS expense_id, 0.0 AS invoiced,
                   CASE WHEN %(earned)s
                        THEN COALESCE(a.psa_bill_amount_company, 0.0)
                        ELSE 0.0 END AS earned,
                   CASE WHEN %(approved)s THEN -a.amount ELSE 0.0 END
                       AS timesheet_cost,
                   0.0 AS expense_cost,
                   CASE WHEN NOT %(approved)s AND a.date <= CURRENT_DATE
                        THEN -a.amount ELSE 0.0 END AS unapproved_cost,
                   %(billed)s AS billed_amount, %(standard)s AS standard_amount
              FROM account_analytic_line a
              JOIN project_project p ON p.id = a.project_id
              %(link)s
             WHERE a.project_id IS NOT NULL
               AND a.psa_state IS DISTINCT FROM 'rejected'
            """,
            id=row_id("a.id"),
            earned=sources._earned_time(),
            approved=sources._approved_time(),
            link=sources._invoice_link("timesheet_id", "a.id"),
            billed=sources._posted_link_amount("k.amount"),
            standard=sources._posted_link_amount("k.standard_amount"),
        )

    @api.model
    def _psa_revenue_timesheets(self, row_id):
        """Earned: earned time, at its date."""
        return SQL(
            """
            SELECT %(id)s AS id, a.date AS date, a.project_id AS project_id,
                   a.company_id AS company_id, 0.0 AS projected,
                   COALESCE(a.psa_bill_amount_company, 0.0) AS earned,
                   0.0 AS invoiced
              FROM account_analytic_line a
              JOIN project_project p ON p.id = a.project_id
             WHERE %(earned)s
            """,
            id=row_id("a.id"),
            earned=self.env["psa.report.sources"]._earned_time(),
        )
