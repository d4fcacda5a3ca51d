# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class PsaExampleRetainer(models.Model):
    """A monthly retainer: a fixed amount a project's customer pays each
    month, billed with the month's time. A fifth billable kind, added the way
    the README says: one model inheriting ``psa.billable.mixin`` (and its
    Many2one on ``psa.invoice.link``)."""

    _name = "psa.example.retainer"
    _inherit = ["psa.billable.mixin"]
    _description = "PSA Example: Monthly Retainer"
    _order = "project_id, date, id"
    _psa_billable_kind = "retainers"
    _psa_billable_sequence = 35  # after installments, before milestones
    _psa_link_field = "retainer_id"

    name = fields.Char(required=True)
    project_id = fields.Many2one("project.project", required=True, index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    currency_id = fields.Many2one(related="project_id.psa_currency_id")
    date = fields.Date(required=True, help="The month it is billed for (first day).")
    amount = fields.Monetary(currency_field="currency_id", required=True)
    psa_invoiced = fields.Boolean(string="Invoiced", readonly=True, copy=False)

    @api.model
    def _psa_invoice_domain(self, projects, date_to):
        return [
            ("project_id", "in", projects.ids),
            ("psa_invoiced", "=", False),
            ("date", "<=", date_to),
        ]

    def _psa_invoice_lines(self, run, currency, company):
        engine = self.env["psa.invoicing.engine"]
        return [
            engine._psa_fixed_amount_line(
                retainer, f"Retainer {retainer.name}", retainer.amount
            )
            for retainer in self.sorted("date")
        ]

    # The money reports: what the retainers give each of them.
    @api.model
    def _psa_report_sources(self):
        return {
            "wip": ("retainer", self.env._("Retainers")),
            "profitability": ("retainer", self.env._("Retainer")),
        }

    @api.model
    def _psa_wip_branches(self, report):
        return {
            "retainer": SQL(
                """
                SELECT r.project_id AS project_id, 'retainer' AS source,
                       p.psa_currency_id AS currency_id, km.id IS NOT NULL AS on_draft,
                       r.amount AS amount, %(amount_company)s AS amount_company,
                       0.0 AS hours, r.date AS date
                  FROM psa_example_retainer r
                  %(joins)s
                  %(link)s
                 WHERE r.date <= CURRENT_DATE AND %(not_posted)s
                """,
                amount_company=report._psa_wip_in_company(
                    SQL("r.amount"), SQL("p.psa_currency_id"), SQL("r.date")
                ),
                joins=report._psa_wip_joins("r.project_id"),
                link=self.env["psa.report.sources"]._invoice_link(
                    "retainer_id", "r.id"
                ),
                not_posted=self.env["psa.report.sources"]._not_on_posted_invoice(),
            )
        }

    @api.model
    def _psa_profitability_branches(self, report):
        return {"retainer": self._psa_profit_retainers}

    @api.model
    def _psa_profit_retainers(self, row_id):
        """Earned once its month began, invoiced or not."""
        return SQL(
            """
            SELECT %(id)s AS id, r.date AS date, 'retainer' AS source,
                   r.project_id AS project_id, p.company_id AS company_id,
                   co.currency_id AS currency_id, NULL AS move_id,
                   NULL AS timesheet_id, NULL AS expense_id, 0.0 AS invoiced,
                   %(value)s AS earned, 0.0 AS timesheet_cost, 0.0 AS expense_cost,
                   0.0 AS unapproved_cost, 0.0 AS billed_amount,
                   0.0 AS standard_amount
              FROM psa_example_retainer r
              JOIN project_project p ON p.id = r.project_id
              JOIN res_company co ON co.id = p.company_id
              JOIN res_currency fx ON fx.id = co.currency_id
             WHERE r.date <= CURRENT_DATE
            """,
            id=row_id("r.id"),
            value=self._psa_company_value(),
        )

    @api.model
    def _psa_revenue_branches(self, report):
        return {"retainer": self._psa_revenue_retainers}

    @api.model
    def _psa_revenue_retainers(self, row_id):
        """Projected and earned in its month."""
        return SQL(
            """
            SELECT %(id)s AS id, r.date AS date, r.project_id AS project_id,
                   p.company_id AS company_id, %(value)s AS projected,
                   %(value)s AS earned, 0.0 AS invoiced
              FROM psa_example_retainer r
              JOIN project_project p ON p.id = r.project_id
              JOIN res_company co ON co.id = p.company_id
              JOIN res_currency fx ON fx.id = co.currency_id
            """,
            id=row_id("r.id"),
            value=self._psa_company_value(),
        )

    @api.model
    def _psa_company_value(self):
        return self.env["psa.report.sources"]._in_company_currency(
            SQL("r.amount"), SQL("p.psa_currency_id"), SQL("co.id"), SQL("r.date")
        )

    @api.model
    def _psa_wip_entries(self, row):
        return {
            "retainer": (
                "psa.example.retainer",
                [
                    ("project_id", "=", row.project_id.id),
                    ("date", "<=", fields.Date.context_today(row)),
                    ("psa_invoiced", "=", row.on_draft),
                ],
            )
        }
