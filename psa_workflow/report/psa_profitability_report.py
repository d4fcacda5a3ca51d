# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.psa_validation import check_no_arguments


class PsaProfitabilityReport(models.Model):
    """Revenue, costs and margin per customer and project, in company
    currency, on one basis: the work done in the period. One row per source
    (an invoice's analytic line, a timesheet, an expense, an installment, a
    milestone) so that a figure drills down to the entries behind it:

    - revenue (earned): approved billable time at its value at its rate,
      re-billable expenses, installments and milestones, at the date of the
      work (the day logged, the expense's date, the due date, the day
      reached), whether invoiced or not: invoicing moves no figure;
    - costs of the same approved work: approved time (hours x the employee's
      hourly cost, as Odoo books it) and approved expenses at their untaxed
      cost;
    - margin = revenue - costs; margin % = margin / revenue ("—" without
      revenue);
    - beside, never in the margin: invoiced (posted customer invoices and
      credit notes of the project's analytic account, at the invoice's date
      and rate) and the cost of time not approved yet (drafted or
      submitted, up to today);
    - realization of billable time = what posted invoices bill for it / its
      standard value (its value at its rate when it was invoiced): below
      100 % when accountants wrote the invoice lines down ("—" when nothing
      was billed);
    - collections, on the invoiced rows: collected and outstanding (the
      invoiced amount split by the share of its invoice paid), and the days
      to pay (invoice date to the last payment of paid invoices, averaged
      weighted by amount).

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
        "days_to_pay": ("paid_days", "paid_amount", False),
    }
    _psa_sums = {
        "cost": {"timesheet_cost": 1, "expense_cost": 1},
        "margin": {"revenue": 1, "timesheet_cost": -1, "expense_cost": -1},
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
        "account.move": [
            "state",
            "move_type",
            "invoice_currency_rate",
            "invoice_date",
            "amount_total_signed",
            "amount_residual_signed",
            "payment_state",
        ],
        "account.partial.reconcile": ["max_date", "debit_move_id", "credit_move_id"],
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
    source = fields.Selection(selection="_psa_source_selection", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    project_id = fields.Many2one("project.project", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    timesheet_id = fields.Many2one("account.analytic.line", readonly=True)
    expense_id = fields.Many2one("hr.expense", readonly=True)
    revenue = fields.Monetary(
        string="Revenue (Earned)",
        readonly=True,
        help="Earned by the work of the period, at the date of the work: approved "
        "billable time at its value, re-billable expenses, installments due and "
        "milestones reached, invoiced or not.",
    )
    revenue_invoiced = fields.Monetary(
        string="Invoiced",
        readonly=True,
        help="Posted customer invoices and credit notes, at their date: shown "
        "beside the revenue, never added to it.",
    )
    timesheet_cost = fields.Monetary(
        string="Cost of Approved Time",
        readonly=True,
        help="Approved time at the employee's hourly cost.",
    )
    expense_cost = fields.Monetary(readonly=True, help="Approved expenses, untaxed.")
    cost = fields.Monetary(
        readonly=True, help="The cost of the approved work: time and expenses."
    )
    unapproved_cost = fields.Monetary(
        string="Cost of Time Not Approved",
        readonly=True,
        help="Time drafted or submitted up to today, not approved yet, at the "
        "employee's hourly cost: not in the cost or the margin until approved.",
    )
    margin = fields.Monetary(
        readonly=True, help="Revenue (earned) - the cost of the approved work."
    )
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
    collected = fields.Monetary(
        readonly=True,
        help="The paid share of the invoiced amount (a partly paid invoice in "
        "proportion).",
    )
    outstanding = fields.Monetary(
        readonly=True, help="The share of the invoiced amount not paid yet."
    )
    paid_days = fields.Float(
        string="Days to Pay x Amount",
        readonly=True,
        help="Of paid invoices: the days from the invoice to its last payment, "
        "times the amount (the weights of the average days to pay).",
    )
    paid_amount = fields.Monetary(
        string="Paid Invoices",
        readonly=True,
        help="The invoiced amount of paid invoices.",
    )
    days_to_pay = fields.Float(
        string="Days to Pay",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Paid invoices: days from the invoice date to the last payment, "
        "averaged weighted by amount; empty (—) without a paid invoice.",
    )

    @property
    def _table_query(self):
        sources = self.env["psa.report.sources"]
        return SQL(
            """
            SELECT s.id, s.date, s.source, rp.commercial_partner_id AS partner_id,
                   s.project_id, s.company_id, s.currency_id, s.move_id,
                   s.timesheet_id, s.expense_id,
                   s.earned AS revenue, s.invoiced AS revenue_invoiced,
                   s.timesheet_cost, s.expense_cost,
                   s.timesheet_cost + s.expense_cost AS cost,
                   s.unapproved_cost,
                   s.earned - s.timesheet_cost - s.expense_cost AS margin,
                   0.0 AS margin_percent,
                   s.billed_amount, s.standard_amount, 0.0 AS realization,
                   COALESCE(s.invoiced * pay.paid_share, 0.0) AS collected,
                   COALESCE(s.invoiced * (1.0 - pay.paid_share), 0.0) AS outstanding,
                   COALESCE(s.invoiced * pay.days, 0.0) AS paid_days,
                   CASE WHEN pay.days IS NOT NULL THEN s.invoiced ELSE 0.0 END
                       AS paid_amount,
                   0.0 AS days_to_pay
              FROM (%(branches)s) s
              JOIN project_project p ON p.id = s.project_id
              JOIN res_partner rp ON rp.id = p.partner_id
              LEFT JOIN (%(payments)s) pay
                     ON pay.move_id = s.move_id AND s.source = 'invoice'
            """,
            branches=sources._union(self._psa_profitability_branches()),
            payments=self._psa_invoice_payments(),
        )

    @api.model
    def _psa_invoice_payments(self):
        """Of each posted customer invoice and credit note (``move_id``):
        ``paid_share``, the share of its total paid, and ``days``, from its
        date to its last payment once paid (customer invoices; NULL
        otherwise). One row per invoice, joined to the invoiced rows."""
        return SQL(
            """
            SELECT m.id AS move_id,
                   CASE WHEN m.amount_total_signed = 0 THEN 1.0
                        ELSE 1.0 - m.amount_residual_signed / m.amount_total_signed
                   END AS paid_share,
                   CASE WHEN m.move_type = 'out_invoice'
                             AND m.payment_state IN ('paid', 'in_payment')
                        THEN (SELECT MAX(apr.max_date)
                                FROM account_move_line rl
                                JOIN account_partial_reconcile apr
                                  ON rl.id IN (apr.debit_move_id, apr.credit_move_id)
                               WHERE rl.move_id = m.id
                                 AND rl.display_type = 'payment_term')
                             - m.invoice_date
                   END AS days
              FROM account_move m
             WHERE m.move_type IN ('out_invoice', 'out_refund')
               AND m.state = 'posted'
            """
        )

    @api.model
    def _psa_source_selection(self):
        """Posted invoices, then each billable kind's source."""
        return [
            ("invoice", self.env._("Posted Invoice")),
            *self.env["psa.invoicing.engine"]._psa_report_sources("profitability"),
        ]

    def _psa_profitability_branches(self):
        """What profitability reads: ``{source: branch}``. A branch takes
        ``row_id`` (the row's id from its record's id column) and gives rows
        of (id, date, source, project_id, company_id, currency_id, move_id,
        timesheet_id, expense_id, invoiced, earned, timesheet_cost,
        expense_cost, unapproved_cost, billed_amount, standard_amount) in the
        company currency: ``earned`` at the date of the work, invoiced or
        not; costs of approved work, ``unapproved_cost`` apart (time only);
        the last two: billable time on posted invoices, 0.0 elsewhere. The
        posted invoices' branch is the report's; each billable kind gives its
        own (``psa.billable.mixin._psa_profitability_branches``)."""
        branches = {"invoice": self._psa_profit_invoices}
        for model in self.env["psa.invoicing.engine"]._psa_billable_models():
            branches.update(model._psa_profitability_branches(self))
        return branches

    def _psa_profit_invoices(self, row_id):
        """Posted invoices and credit notes."""
        return SQL(
            """
            SELECT %(id)s AS id, i.date AS date, 'invoice' AS source,
                   i.project_id AS project_id, i.company_id AS company_id,
                   co.currency_id AS currency_id, i.move_id AS move_id,
                   NULL::integer AS timesheet_id, NULL::integer AS expense_id,
                   i.revenue AS invoiced, 0.0 AS earned,
                   0.0 AS timesheet_cost, 0.0 AS expense_cost,
                   0.0 AS unapproved_cost, 0.0 AS billed_amount,
                   0.0 AS standard_amount
              FROM (%(invoices)s) i
              JOIN res_company co ON co.id = i.company_id
            """,
            id=row_id("i.analytic_line_id"),
            invoices=self.env["psa.report.sources"]._posted_invoice_lines(),
        )

    def init(self):
        self.env["psa.report.sources"]._create_view(self)

    def action_psa_print(self, *args, **kwargs):
        """The print wizard (a list header button: called on the selection)."""
        check_no_arguments(self.env, "action_psa_print", args, kwargs)
        return self.env["psa.report.print"]._open("profitability")
