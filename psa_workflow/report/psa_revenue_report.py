# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class PsaRevenueReport(models.Model):
    """Revenue projected, earned and invoiced per project and day (grouped
    by month in the views), in company currency:

    - projected: time & materials allocations x rates (their planned
      revenue), fixed-price installments at their due date, milestones at
      their deadline;
    - earned: approved billable time at its date, re-billable expenses,
      installments once due, milestones once reached;
    - invoiced: posted customer invoices and credit notes of the project;
    - earned - invoiced: of the period (the balance of what is earned and not
      invoiced yet is ``psa.wip.report``).
    """

    _name = "psa.revenue.report"
    _inherit = ["psa.sql.report.mixin"]
    _description = "PSA Revenue Earned vs Projected"
    _auto = False
    _order = "date desc, id"
    _rec_name = "project_id"
    _psa_reads_billables = True
    _psa_sums = {"wip": {"earned": 1, "invoiced": -1}}
    _depends = {
        "psa.allocation.line": ["planned_revenue", "date", "project_id"],
        "account.analytic.line": [
            "amount",
            "account_id",
            "move_line_id",
            "date",
            "psa_state",
            "psa_billable",
            "psa_bill_amount_company",
            "psa_cap_decision",
        ],
        "account.move": ["state", "move_type"],
        "hr.expense": ["psa_billing_state", "psa_rebill_amount", "date"],
        "psa.project.installment": ["amount", "date"],
        "project.milestone": ["psa_amount", "psa_percent", "deadline", "is_reached"],
        "project.project": [
            "partner_id",
            "psa_billing_type",
            "account_id",
            "psa_contract_amount",
        ],
    }

    date = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    project_id = fields.Many2one("project.project", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    projected = fields.Monetary(readonly=True)
    earned = fields.Monetary(readonly=True)
    invoiced = fields.Monetary(readonly=True)
    wip = fields.Monetary(
        string="Earned - Invoiced",
        readonly=True,
        help="What was earned in the period minus what was invoiced in it (a "
        "flow, not a balance: the work in progress is the Work in Progress "
        "report's, what is earned and not invoiced yet).",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT s.id, s.date, rp.commercial_partner_id AS partner_id,
                   s.project_id, s.company_id, co.currency_id,
                   s.projected, s.earned, s.invoiced, s.earned - s.invoiced AS wip
              FROM (%s) s
              JOIN project_project p ON p.id = s.project_id
              JOIN res_company co ON co.id = s.company_id
              LEFT JOIN res_partner rp ON rp.id = p.partner_id
            """,
            self.env["psa.report.sources"]._union(self._psa_revenue_branches()),
        )

    def _psa_revenue_branches(self):
        """What *Earned vs Projected* reads: ``{name: branch}``. A branch takes
        ``row_id`` (the row's id from its record's id column) and gives rows
        of (id, date, project_id, company_id, projected, earned, invoiced) in
        the company currency. Allocations (projected) and posted invoices
        (invoiced) are the report's; each billable kind gives what it projects
        and earns, by date (``psa.billable.mixin._psa_revenue_branches``)."""
        branches = {"allocation": self._psa_revenue_allocations}
        for model in self.env["psa.invoicing.engine"]._psa_billable_models():
            branches.update(model._psa_revenue_branches(self))
        branches["invoice"] = self._psa_revenue_invoices
        return branches

    def _psa_revenue_allocations(self, row_id):
        """Projected: time & materials allocations at their planned revenue."""
        return SQL(
            """
            SELECT %s AS id, l.date AS date, l.project_id AS project_id,
                   l.company_id AS company_id,
                   COALESCE(l.planned_revenue, 0.0) AS projected,
                   0.0 AS earned, 0.0 AS invoiced
              FROM psa_allocation_line l
              JOIN project_project lp ON lp.id = l.project_id
             WHERE lp.psa_billing_type = 'time_material'
            """,
            row_id("l.id"),
        )

    def _psa_revenue_invoices(self, row_id):
        """Invoiced: posted customer invoices and credit notes."""
        return SQL(
            """
            SELECT %s AS id, i.date AS date, i.project_id AS project_id,
                   i.company_id AS company_id, 0.0 AS projected, 0.0 AS earned,
                   i.revenue AS invoiced
              FROM (%s) i
            """,
            row_id("i.analytic_line_id"),
            self.env["psa.report.sources"]._posted_invoice_lines(),
        )

    def init(self):
        self.env["psa.report.sources"]._create_view(self)
