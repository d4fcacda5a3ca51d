# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.project_project import BILLING_TYPES
from ..models.psa_validation import check_no_arguments


class PsaWipReport(models.Model):
    """Work in progress: what was earned and is on no posted invoice yet, by
    billing model, one row per project, source, billing currency and whether
    a draft invoice already holds it. WIP = earned - invoiced:

    - time & materials time: approved billable time (not written off);
    - re-billed expenses: approved, re-billable expenses;
    - fixed price: installments due (up to today);
    - milestones: milestones reached.

    Time logged on fixed-price and milestone projects is never work in
    progress (their installments and milestones bill it). Amounts are in the
    project's billing currency (``amount``) and in the company currency at
    the entry's date (``amount_company``): only the latter sums across
    currencies.
    """

    _name = "psa.wip.report"
    _inherit = ["psa.sql.report.mixin"]
    _description = "PSA Work in Progress"
    _auto = False
    _order = "partner_id, project_id, source"
    _rec_name = "project_id"
    _psa_reads_billables = True
    _depends = {
        "account.analytic.line": [
            "project_id",
            "date",
            "unit_amount",
            "psa_state",
            "psa_billable",
            "psa_bill_amount",
            "psa_bill_amount_company",
            "psa_currency_id",
            "psa_cap_decision",
            "psa_customer_state",
        ],
        "account.move": ["state"],
        "hr.expense": [
            "psa_project_id",
            "state",
            "psa_billing_state",
            "psa_rebill_amount",
            "currency_id",
            "date",
        ],
        "psa.project.installment": ["amount", "date", "project_id"],
        "project.milestone": [
            "psa_amount",
            "psa_percent",
            "is_reached",
            "reached_date",
        ],
        "psa.invoice.link": [
            "state",
            "move_id",
            "timesheet_id",
            "expense_id",
            "installment_id",
            "milestone_id",
        ],
        "project.project": [
            "partner_id",
            "company_id",
            "psa_billing_type",
            "psa_contract_amount",
            "psa_currency_id",
        ],
    }

    project_id = fields.Many2one("project.project", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    billing_type = fields.Selection(
        selection=BILLING_TYPES,
        string="Billing Model",
        readonly=True,
    )
    source = fields.Selection(
        selection="_psa_source_selection",
        string="What",
        readonly=True,
        help="Time: approved billable time of time & materials projects (apart: "
        "the time a project's customer has not approved yet). "
        "Expenses: approved re-billable expenses. Installments: fixed-price "
        "installments due. Milestones: milestones reached.",
    )
    currency_id = fields.Many2one(
        "res.currency", string="Billing Currency", readonly=True
    )
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    on_draft = fields.Boolean(
        string="On a Draft Invoice",
        readonly=True,
        help="Already on a draft invoice: invoiced once it is posted.",
    )
    amount = fields.Monetary(
        string="To Invoice",
        readonly=True,
        currency_field="currency_id",
        help="In the project's billing currency.",
    )
    amount_company = fields.Monetary(
        string="To Invoice (Company Currency)",
        readonly=True,
        currency_field="company_currency_id",
        help="In the company currency at the date of each entry.",
    )
    hours = fields.Float(readonly=True, help="Hours of time & materials time.")
    entry_count = fields.Integer(
        string="Entries",
        readonly=True,
        help="Timesheets, expenses, installments or milestones.",
    )
    date_first = fields.Date(string="Oldest", readonly=True)
    date_last = fields.Date(string="Latest", readonly=True)

    @property
    def _table_query(self):
        branches = self._psa_wip_branches()
        # A stable id: project, source (its place in the list), draft, currency.
        source_index = SQL(
            "CASE s.source %s END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", source, index)
                for index, source in enumerate(branches)
            ),
        )
        return SQL(
            """
            SELECT ((s.project_id::bigint * %(count)s + %(source_index)s) * 2
                    + s.on_draft::integer) * 100000 + s.currency_id AS id,
                   s.project_id, rp.commercial_partner_id AS partner_id,
                   %(company)s AS company_id, pp.psa_billing_type AS billing_type,
                   s.source,
                   s.currency_id, co.currency_id AS company_currency_id,
                   s.on_draft, SUM(s.amount) AS amount,
                   SUM(s.amount_company) AS amount_company,
                   SUM(s.hours)::float8 AS hours, COUNT(*) AS entry_count,
                   MIN(s.date) AS date_first, MAX(s.date) AS date_last
              FROM (%(branches)s) s
              JOIN project_project pp ON pp.id = s.project_id
              JOIN res_company co ON co.id = %(company)s
              LEFT JOIN res_partner rp ON rp.id = pp.partner_id
             GROUP BY s.project_id, rp.commercial_partner_id, %(company)s,
                      pp.psa_billing_type, s.source, s.currency_id,
                      co.currency_id, s.on_draft
            """,
            count=len(branches),
            company=self.env["psa.report.sources"]._project_company("pp"),
            source_index=source_index,
            branches=SQL(" UNION ALL ").join(branches.values()),
        )

    @api.model
    def _psa_wip_branches(self):
        """What work in progress reads, in the order shown: ``{source: SQL}``.
        Each branch gives rows of (project_id, source, currency_id, on_draft,
        amount, amount_company, hours, date) for one billable kind: each kind
        gives its own (``psa.billable.mixin._psa_wip_branches``)."""
        branches = {}
        for model in self.env["psa.invoicing.engine"]._psa_billable_models():
            branches.update(model._psa_wip_branches(self))
        return branches

    @api.model
    def _psa_source_selection(self):
        """What is earned and not invoiced yet: each billable kind's source,
        in invoice order."""
        return self.env["psa.invoicing.engine"]._psa_report_sources("wip")

    @api.model
    def _psa_wip_joins(self, project_column):
        """The project ``p`` of a branch's row, its company ``co`` (``fx``:
        the company currency) and its billing currency ``pc``."""
        return SQL(
            """JOIN project_project p ON p.id = %s
              JOIN res_company co ON co.id = %s
              JOIN res_currency fx ON fx.id = co.currency_id
              JOIN res_currency pc ON pc.id = p.psa_currency_id""",
            SQL(project_column),
            self.env["psa.report.sources"]._project_company(),
        )

    @api.model
    def _psa_wip_in_company(self, amount, currency, day):
        """``amount`` in ``currency`` at ``day``, in the company currency."""
        return self.env["psa.report.sources"]._in_company_currency(
            amount, currency, SQL("co.id"), day
        )

    @api.model
    def _psa_wip_in_project(self, amount, currency, day):
        """``amount`` in ``currency`` at ``day``, in the project's billing
        currency."""
        return SQL(
            "CASE WHEN %(currency)s = p.psa_currency_id THEN %(amount)s"
            " ELSE round(%(amount)s"
            " * psa_currency_rate(p.psa_currency_id, co.id, %(day)s)"
            " / psa_currency_rate(%(currency)s, co.id, %(day)s),"
            " pc.decimal_places) END",
            amount=amount,
            currency=currency,
            day=day,
        )

    def init(self):
        self.env["psa.report.sources"]._create_view(self)

    @api.model
    def _psa_totals(self, domain=()):
        """The work in progress of ``domain`` for the dashboard: its total in
        the company currency, by source and by billing currency.

        :return: ``{"total": float, "by_source": [{source, label, amount}],
            "by_currency": [{currency_id, name, symbol, position,
            decimal_places, amount, amount_company}]}``
        """
        domain = list(domain)
        labels = dict(self._fields["source"]._description_selection(self.env))
        by_source = self._read_group(domain, ["source"], ["amount_company:sum"])
        by_currency = self._read_group(
            domain, ["currency_id"], ["amount:sum", "amount_company:sum"]
        )
        return {
            "total": sum(amount or 0.0 for _source, amount in by_source),
            "by_source": [
                {"source": source, "label": labels[source], "amount": amount or 0.0}
                for key in labels
                for source, amount in by_source
                if source == key
            ],
            "by_currency": [
                {
                    "currency_id": currency.id,
                    "name": currency.name,
                    "symbol": currency.symbol,
                    "position": currency.position,
                    "decimal_places": currency.decimal_places,
                    "amount": amount or 0.0,
                    "amount_company": amount_company or 0.0,
                }
                for currency, amount, amount_company in by_currency
            ],
        }

    def action_psa_open_entries(self, *args, **kwargs):
        """The entries behind a row (a list row button): its timesheets,
        expenses, installments or milestones not invoiced yet."""
        check_no_arguments(self.env, "action_psa_open_entries", args, kwargs)
        self.ensure_one()
        entries = self._psa_wip_entries()
        if self.source not in entries:
            raise UserError(
                self.env._(
                    "Work in progress of %(source)s has no list of entries: a "
                    "module adding it extends _psa_wip_entries.",
                    source=self.source,
                )
            )
        model, domain = entries[self.source]
        project = self.project_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "%(what)s: %(project)s",
                what=dict(self._fields["source"]._description_selection(self.env))[
                    self.source
                ],
                project=project.display_name,
            ),
            "res_model": model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": domain,
            "context": {"create": False},
        }

    def _psa_wip_entries(self):
        """``{source: (model, domain)}``: the entries behind this row, per
        source (one row: ``ensure_one``), each billable kind's
        (``psa.billable.mixin._psa_wip_entries``)."""
        self.ensure_one()
        entries = {}
        for model in self.env["psa.invoicing.engine"]._psa_billable_models():
            entries.update(model._psa_wip_entries(self))
        return entries

    def action_psa_create_invoices(self, *args, **kwargs):
        """*Create Invoices* (a list header button, on the selection): the
        invoicing wizard on the selected rows' projects."""
        check_no_arguments(self.env, "action_psa_create_invoices", args, kwargs)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_workflow.psa_invoice_create_action"
        )
        action["context"] = {
            "active_model": "project.project",
            "active_ids": self.project_id.ids,
            "active_id": self.project_id[:1].id,
        }
        return action
