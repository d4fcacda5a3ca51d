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
        the company currency. A module adding a billable kind adds its branch
        here: what it projects and what it earns, by date (what is invoiced
        comes from the posted invoices)."""
        return {
            "allocation": self._psa_revenue_allocations,
            "timesheet": self._psa_revenue_timesheets,
            "expense": self._psa_revenue_expenses,
            "installment": self._psa_revenue_installments,
            "milestone_deadline": self._psa_revenue_milestones_projected,
            "milestone_reached": self._psa_revenue_milestones_earned,
            "invoice": self._psa_revenue_invoices,
        }

    def _psa_revenue_allocations(self, row_id):
        """Projected: time & materials allocations at their planned revenue."""
        return SQL(
            """
            SELECT %s AS id, l.date, l.project_id, l.company_id,
                   COALESCE(l.planned_revenue, 0.0) AS projected,
                   0.0 AS earned, 0.0 AS invoiced
              FROM psa_allocation_line l
              JOIN project_project lp ON lp.id = l.project_id
             WHERE lp.psa_billing_type = 'time_material'
            """,
            row_id("l.id"),
        )

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

    def _psa_revenue_invoices(self, row_id):
        """Invoiced: posted customer invoices and credit notes."""
        return SQL(
            """
            SELECT %s, i.date, i.project_id, i.company_id, 0.0, 0.0, i.revenue
              FROM (%s) i
            """,
            row_id("i.analytic_line_id"),
            self.env["psa.report.sources"]._posted_invoice_lines(),
        )

    def init(self):
        self.env["psa.report.sources"]._create_view(self)
