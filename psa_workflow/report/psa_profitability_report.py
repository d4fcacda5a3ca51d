# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.psa_validation import check_no_arguments

SOURCES = [
    ("invoice", "Posted Invoice"),
    ("timesheet", "Timesheet"),
    ("expense", "Expense"),
    ("installment", "Installment"),
    ("milestone", "Milestone"),
]


class PsaProfitabilityReport(models.Model):
    """Revenue, costs and margin per customer and project, in company
    currency. One row per source (an invoice's analytic line, a timesheet, an
    expense, an installment, a milestone) so that a figure drills down to the
    entries behind it:

    - invoiced revenue: posted customer invoices and credit notes of the
      project (its analytic account), at the invoice's rate;
    - earned, not invoiced: approved billable time, re-billable expenses, due
      installments and reached milestones that no posted invoice bills yet
      (drafts included), at the entry's date;
    - costs: timesheet cost (hours x the employee's hourly cost, as Odoo books
      it) and approved expenses at their untaxed cost;
    - margin = revenue - costs; margin % = margin / revenue ("—" without
      revenue);
    - realization of billable time = what posted invoices bill for it / its
      standard value (its value at its rate when it was invoiced): below
      100 % when accountants wrote the invoice lines down ("—" when nothing
      was billed).

    Client profitability: projects with a customer only. Internal projects
    (no customer) are left out, their cost included.
    """

    _name = "psa.profitability.report"
    _inherit = ["psa.ratio.report.mixin"]
    _description = "PSA Client Profitability"
    _auto = False
    _order = "date desc, id"
    _rec_name = "project_id"
    _psa_reads_billables = True
    _psa_ratios = {
        "margin_percent": ("margin", "revenue"),
        "realization": ("billed_amount", "standard_amount"),
    }
    _psa_sums = {
        "revenue": {"revenue_invoiced": 1, "revenue_earned": 1},
        "cost": {"timesheet_cost": 1, "expense_cost": 1},
        "margin": {
            "revenue_invoiced": 1,
            "revenue_earned": 1,
            "timesheet_cost": -1,
            "expense_cost": -1,
        },
    }
    _depends = {
        "account.analytic.line": [
            "amount",
            "account_id",
            "move_line_id",
            "project_id",
            "date",
            "psa_state",
            "psa_billable",
            "psa_bill_amount_company",
            "psa_cap_decision",
        ],
        "account.move": ["state", "move_type", "invoice_currency_rate"],
        "hr.expense": [
            "psa_project_id",
            "state",
            "total_amount",
            "tax_amount",
            "psa_billing_state",
            "psa_rebill_amount",
        ],
        "psa.project.installment": ["amount", "date", "psa_invoiced"],
        "project.milestone": [
            "psa_amount",
            "psa_percent",
            "is_reached",
            "psa_invoiced",
        ],
        "psa.invoice.link": [
            "state",
            "move_id",
            "timesheet_id",
            "expense_id",
            "installment_id",
            "milestone_id",
            "amount",
            "standard_amount",
        ],
        "project.project": [
            "partner_id",
            "account_id",
            "psa_billing_type",
            "psa_contract_amount",
        ],
    }

    date = fields.Date(readonly=True)
    source = fields.Selection(SOURCES, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    project_id = fields.Many2one("project.project", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    timesheet_id = fields.Many2one("account.analytic.line", readonly=True)
    expense_id = fields.Many2one("hr.expense", readonly=True)
    revenue_invoiced = fields.Monetary(string="Invoiced", readonly=True)
    revenue_earned = fields.Monetary(
        string="Earned, Not Invoiced",
        readonly=True,
        help="Work in progress: earned, on no posted invoice yet.",
    )
    revenue = fields.Monetary(readonly=True, help="Invoiced + earned, not invoiced.")
    timesheet_cost = fields.Monetary(readonly=True)
    expense_cost = fields.Monetary(readonly=True)
    cost = fields.Monetary(readonly=True)
    margin = fields.Monetary(readonly=True)
    margin_percent = fields.Float(
        string="Margin (%)",
        readonly=True,
        aggregator="avg",
        help="Margin / revenue; empty (—) without revenue.",
    )
    billed_amount = fields.Monetary(
        string="Billed Time",
        readonly=True,
        help="What posted invoices bill for this time, after the accountants' "
        "edits of the invoice lines.",
    )
    standard_amount = fields.Monetary(
        string="Standard Value of Billed Time",
        readonly=True,
        help="The billed time's value at its rate when it was invoiced.",
    )
    realization = fields.Float(
        string="Realization (%)",
        readonly=True,
        aggregator="avg",
        help="Billed time / its standard value: below 100 % when invoice lines "
        "were written down; empty (—) when no time was billed.",
    )

    @property
    def _table_query(self):
        sources = self.env["psa.report.sources"]
        return SQL(
            """
            SELECT s.id, s.date, s.source, rp.commercial_partner_id AS partner_id,
                   s.project_id, s.company_id, s.currency_id, s.move_id,
                   s.timesheet_id, s.expense_id,
                   s.invoiced AS revenue_invoiced, s.earned AS revenue_earned,
                   s.invoiced + s.earned AS revenue,
                   s.timesheet_cost, s.expense_cost,
                   s.timesheet_cost + s.expense_cost AS cost,
                   s.invoiced + s.earned - s.timesheet_cost - s.expense_cost
                       AS margin,
                   0.0 AS margin_percent,
                   s.billed_amount, s.standard_amount, 0.0 AS realization
              FROM (%s) s
              JOIN project_project p ON p.id = s.project_id
              JOIN res_partner rp ON rp.id = p.partner_id
            """,
            sources._union(self._psa_profitability_branches()),
        )

    def _psa_profitability_branches(self):
        """What profitability reads: ``{source: branch}``. A branch takes
        ``row_id`` (the row's id from its record's id column) and gives rows
        of (id, date, source, project_id, company_id, currency_id, move_id,
        timesheet_id, expense_id, invoiced, earned, timesheet_cost,
        expense_cost, billed_amount, standard_amount) in the company currency
        (the last two: billable time on posted invoices, 0.0 elsewhere). A
        module adding a billable kind adds its branch here and its ``source``
        to the field (``selection_add``)."""
        return {
            "invoice": self._psa_profit_invoices,
            "timesheet": self._psa_profit_timesheets,
            "expense": self._psa_profit_expenses,
            "installment": self._psa_profit_installments,
            "milestone": self._psa_profit_milestones,
        }

    def _psa_profit_invoices(self, row_id):
        """Posted invoices and credit notes."""
        return SQL(
            """
            SELECT %(id)s AS id, i.date, 'invoice' AS source, i.project_id,
                   i.company_id, co.currency_id, i.move_id,
                   NULL::integer AS timesheet_id, NULL::integer AS expense_id,
                   i.revenue AS invoiced, 0.0 AS earned,
                   0.0 AS timesheet_cost, 0.0 AS expense_cost,
                   0.0 AS billed_amount, 0.0 AS standard_amount
              FROM (%(invoices)s) i
              JOIN res_company co ON co.id = i.company_id
            """,
            id=row_id("i.analytic_line_id"),
            invoices=self.env["psa.report.sources"]._posted_invoice_lines(),
        )

    def _psa_profit_timesheets(self, row_id):
        """Timesheets: their cost; their value while no posted invoice bills
        them; once one does, what it bills against their standard value."""
        sources = self.env["psa.report.sources"]
        return SQL(
            """
            SELECT %(id)s, a.date, 'timesheet', a.project_id,
                   a.company_id, a.currency_id, NULL, a.id, NULL, 0.0,
                   CASE WHEN a.psa_billable AND p.psa_billing_type = 'time_material'
                         AND (a.psa_state = 'approved'
                              OR (a.psa_state = 'invoiced'
                                  AND km.state IS DISTINCT FROM 'posted'))
                         AND a.psa_cap_decision IS DISTINCT FROM 'write_off'
                        THEN COALESCE(a.psa_bill_amount_company, 0.0) ELSE 0.0 END,
                   -a.amount, 0.0,
                   %(billed)s, %(standard)s
              FROM account_analytic_line a
              JOIN project_project p ON p.id = a.project_id
              %(link)s
             WHERE a.project_id IS NOT NULL
               AND a.psa_state IS DISTINCT FROM 'rejected'
            """,
            id=row_id("a.id"),
            link=sources._invoice_link("timesheet_id", "a.id"),
            billed=sources._posted_link_amount("k.amount"),
            standard=sources._posted_link_amount("k.standard_amount"),
        )

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

    def init(self):
        self.env["psa.report.sources"]._create_view(self)

    def action_psa_print(self, *args, **kwargs):
        """The print wizard (a list header button: called on the selection)."""
        check_no_arguments(self.env, "action_psa_print", args, kwargs)
        return self.env["psa.report.print"]._open("profitability")
