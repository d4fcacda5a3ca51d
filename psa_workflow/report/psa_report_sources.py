# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SQL shared by the reporting views: the facts every money report counts
(each defined once here: earned time, earned expenses, installments due,
milestones reached, on a posted invoice), amounts in the company currency at
the entry's date, row ids, and ratios of sums in groups."""

from odoo import api, fields, models
from odoo.tools import SQL, formatLang
from odoo.tools.sql import drop_view_if_exists


class PsaReportSources(models.AbstractModel):
    _name = "psa.report.sources"
    _description = "PSA reporting: shared SQL"

    def init(self):
        """The reporting's upkeep, at install and update: its SQL functions
        (pricing converts amounts with ``psa_currency_rate``: models' ``init``
        run before any data file is loaded), and the amount in the company
        currency of timesheets priced before that column existed (an
        upgrade). Runs after the timesheets' columns are created: report/ is
        imported after models/."""
        self._create_functions()
        self.env["account.analytic.line"]._psa_convert_bill_amounts(
            SQL("a.psa_bill_amount_company IS NULL AND a.project_id IS NOT NULL")
        )

    @api.model
    def _create_functions(self):
        """``psa_currency_rate(currency, company, day)``: Odoo's rate of
        ``currency`` for ``company`` at ``day`` (the last rate on or before
        ``day`` of the company's root or of all companies, else 1). Earlier
        views converted through a ``psa_to_company_currency`` function: it is
        dropped with them (each view is created again by its ``init``)."""
        self.env.cr.execute(
            """
            DROP FUNCTION IF EXISTS psa_to_company_currency(
                numeric, integer, integer, date) CASCADE;
            CREATE OR REPLACE FUNCTION psa_currency_rate(
                currency integer, company integer, day date
            ) RETURNS numeric LANGUAGE sql STABLE PARALLEL SAFE AS $$
                SELECT COALESCE((
                    SELECT r.rate FROM res_currency_rate r
                     WHERE r.currency_id = currency AND r.name <= day
                       AND (r.company_id IS NULL OR r.company_id = (
                            SELECT split_part(c.parent_path, '/', 1)::integer
                              FROM res_company c WHERE c.id = company))
                  ORDER BY r.company_id, r.name DESC LIMIT 1), 1.0)
            $$;
            """
        )

    @api.model
    def _create_indexes(self):
        """Indexes the reporting views need beyond Odoo's own: the rate lookup
        of ``psa_currency_rate`` (the last rate of a currency on or before a
        day, the company's before the shared ones), run for every
        foreign-currency timesheet when it is priced or a rate changes, and by
        the views for expenses, installments and milestones. In (currency,
        company, date descending) order it is one index scan stopping at the
        first rate; with Odoo's indexes every rate of the currency is read and
        sorted, per call (hundreds a year with daily rates).

        :return: the names of the indexes
        """
        indexes = {
            "psa_currency_rate_lookup_idx": SQL(
                "res_currency_rate (currency_id, company_id, name DESC)"
            ),
        }
        for name, definition in indexes.items():
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s",
                    SQL.identifier(name),
                    definition,
                )
            )
        return list(indexes)

    @api.model
    def _create_view(self, report):
        """(Re)create the SQL view of the ``report`` model."""
        self._create_indexes()
        self._create_functions()
        drop_view_if_exists(self.env.cr, report._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(report._table),
                report._table_query,
            )
        )

    @api.model
    def _in_company_currency(self, amount, currency, company, day):
        """``amount`` (an SQL expression) in ``currency`` converted to the
        currency of the joined company ``co`` (``fx``: its ``res_currency``
        row) at ``day``, with Odoo's rates (``psa_currency_rate``, called for
        foreign-currency rows only) and rounding. For the few expenses,
        installments and milestones: timesheets store their converted amount.
        Plain function calls (no lateral join) keep the views parallel safe."""
        return SQL(
            "CASE WHEN %(currency)s IS NULL OR %(currency)s = co.currency_id"
            " THEN %(amount)s"
            " ELSE round(%(amount)s"
            " * psa_currency_rate(co.currency_id, %(company)s, %(day)s)"
            " / psa_currency_rate(%(currency)s, %(company)s, %(day)s),"
            " fx.decimal_places) END",
            amount=amount,
            currency=currency,
            company=company,
            day=day,
        )

    @api.model
    def _project_company(self, alias="p"):
        """The company whose figures a project's work counts in: its own,
        else (a project shared by all companies) the main company."""
        # The id from the cache of xml ids: no query per report read.
        main_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "base.main_company", raise_if_not_found=False
        )
        return SQL("COALESCE(%s, %s)", SQL.identifier(alias, "company_id"), main_id)

    # ------------------------------------------------------------------
    # The facts: each defined once, read by Work in Progress, Client
    # Profitability and Earned vs Projected alike.
    # ------------------------------------------------------------------
    @api.model
    def _earned_time(self, line="a", project="p"):
        """Earned time: billable time of a time & materials project, approved
        (or invoiced since), not written off. An SQL condition on the
        timesheet ``line`` and its project ``project`` (aliases): the
        timesheets are too many to read through a source of their own."""
        return SQL(
            "%(billing)s = 'time_material' AND %(billable)s"
            " AND %(state)s IN ('approved', 'invoiced')"
            " AND %(decision)s IS DISTINCT FROM 'write_off'",
            billing=SQL.identifier(project, "psa_billing_type"),
            billable=SQL.identifier(line, "psa_billable"),
            state=SQL.identifier(line, "psa_state"),
            decision=SQL.identifier(line, "psa_cap_decision"),
        )

    @api.model
    def _approved_time(self, line="a"):
        """Time approved (or invoiced since): its cost is the cost of the
        work the reports count; any other time's, not approved yet."""
        return SQL(
            "COALESCE(%s IN ('approved', 'invoiced'), FALSE)",
            SQL.identifier(line, "psa_state"),
        )

    @api.model
    def _not_on_posted_invoice(self):
        """The entry's live invoice link (``km``: see ``_invoice_link``) is
        on no posted invoice: still work in progress."""
        return SQL("km.state IS DISTINCT FROM 'posted'")

    @api.model
    def _expenses(self):
        """Expenses of projects: ``earned`` (invoiced; or approved, re-billed
        and of a billable project, so to invoice), their re-bill amount in
        their currency and in company currency at the expense's date
        (``rebill_value``). What was invoiced stays earned whatever became of
        its project or report since: earned never falls below invoiced."""
        return SQL(
            """
            SELECT x.id AS id, x.date AS date, x.psa_project_id AS psa_project_id,
                   x.company_id AS company_id, x.state AS state,
                   x.psa_billing_state AS psa_billing_state,
                   x.psa_billing_state = 'invoiced'
                       OR (x.psa_billing_state = 'to_invoice'
                           AND x.state IN ('approved', 'done')
                           AND p.psa_billing_type != 'non_billable') AS earned,
                   x.total_amount AS total_amount, x.tax_amount AS tax_amount,
                   x.psa_rebill_amount AS rebill_amount,
                   x.currency_id AS currency_id,
                   co.currency_id AS company_currency_id, %(value)s AS rebill_value
              FROM hr_expense x
              JOIN project_project p ON p.id = x.psa_project_id
              JOIN res_company co ON co.id = x.company_id
              JOIN res_currency fx ON fx.id = co.currency_id
            """,
            value=self._in_company_currency(
                SQL("x.psa_rebill_amount"),
                SQL("x.currency_id"),
                SQL("x.company_id"),
                SQL("x.date"),
            ),
        )

    @api.model
    def _installments(self):
        """Installments of fixed-price projects: ``due`` (up to today), their
        amount in the project's currency and in company currency at their due
        date (``value``)."""
        return SQL(
            """
            SELECT i.id AS id, i.project_id AS project_id, i.date AS date,
                   i.date <= CURRENT_DATE AS due,
                   %(company)s AS company_id, i.amount AS amount,
                   p.psa_currency_id AS currency_id,
                   co.currency_id AS company_currency_id, %(value)s AS value
              FROM psa_project_installment i
              JOIN project_project p ON p.id = i.project_id
              JOIN res_company co ON co.id = %(company)s
              JOIN res_currency fx ON fx.id = co.currency_id
             WHERE p.psa_billing_type = 'fixed_price'
            """,
            company=self._project_company(),
            value=self._in_company_currency(
                SQL("i.amount"),
                SQL("p.psa_currency_id"),
                self._project_company(),
                SQL("i.date"),
            ),
        )

    @api.model
    def _milestones(self):
        """Milestones of milestone projects: ``is_reached``, the amount they
        invoice (``value``: their own, else their % of the contract, in the
        project's currency ``currency``), in company currency at their
        deadline and at the day they were reached (today if unknown)."""

        def value_at(day):
            return self._in_company_currency(
                SQL("ms.value"), SQL("ms.currency"), SQL("ms.company_id"), day
            )

        return SQL(
            """
            SELECT ms.*, co.currency_id AS company_currency_id,
                   %(at_deadline)s AS value_at_deadline,
                   %(when_reached)s AS value_when_reached
              FROM (
                SELECT m.id AS id, m.project_id AS project_id,
                       m.deadline AS deadline, m.is_reached AS is_reached,
                       m.reached_date AS reached_date, %(company)s AS company_id,
                       p.psa_currency_id AS currency,
                       COALESCE(NULLIF(m.psa_amount, 0),
                                round(p.psa_contract_amount * m.psa_percent / 100.0,
                                      cur.decimal_places)) AS value
                  FROM project_milestone m
                  JOIN project_project p ON p.id = m.project_id
                  JOIN res_currency cur ON cur.id = p.psa_currency_id
                 WHERE p.psa_billing_type = 'milestone'
              ) ms
              JOIN res_company co ON co.id = ms.company_id
              JOIN res_currency fx ON fx.id = co.currency_id
            """,
            company=self._project_company(),
            at_deadline=value_at(SQL("ms.deadline")),
            when_reached=value_at(SQL("COALESCE(ms.reached_date, CURRENT_DATE)")),
        )

    @api.model
    def _invoice_link(self, link_column, entry_id):
        """SQL joins of an entry (``entry_id``: its id column) to its live
        invoice link ``k`` and that link's invoice ``km`` (both NULL while
        the entry is not invoiced): the one test of "on an invoice"."""
        return SQL(
            "LEFT JOIN psa_invoice_link k ON %s = %s AND k.state = 'invoiced'"
            " LEFT JOIN account_move km ON km.id = k.move_id",
            SQL.identifier("k", link_column),
            SQL(entry_id),
        )

    @api.model
    def _union(self, branches):
        """The rows of ``branches`` (``{name: branch}``; a branch is a function
        of ``row_id`` giving its SQL) in one ``UNION ALL``. ``row_id(column)``
        is a row's id from its record's id ``column``: that id times the number
        of branches plus the branch's place, unique across the branches (the
        one way the reports make row ids from records)."""
        count = len(branches)

        def row_id(index):
            return lambda column: SQL("%s::bigint * %s + %s", SQL(column), count, index)

        return SQL(" UNION ALL ").join(
            branch(row_id(index)) for index, branch in enumerate(branches.values())
        )

    @api.model
    def _posted_link_amount(self, column):
        """A money column of the live link ``k`` (see ``_invoice_link``) in
        the company currency (at its invoice's rate) when its invoice ``km`` is
        posted, else 0.0."""
        return SQL(
            "CASE WHEN km.state = 'posted'"
            " THEN round(%s / COALESCE(NULLIF(km.invoice_currency_rate, 0), 1), 2)"
            " ELSE 0.0 END",
            SQL(column),
        )

    @api.model
    def _posted_invoice_lines(self):
        """Revenue of posted customer invoices and credit notes: their
        analytic lines (the project's analytic account, company currency at the
        invoice's rate; credit notes negative)."""
        return SQL(
            """
            SELECT a.id AS analytic_line_id, a.date, a.company_id, p.id AS project_id,
                   a.amount AS revenue, m.id AS move_id
              FROM account_analytic_line a
              JOIN account_move_line aml ON aml.id = a.move_line_id
              JOIN account_move m ON m.id = aml.move_id
              JOIN project_project p ON p.account_id = a.account_id
             WHERE m.move_type IN ('out_invoice', 'out_refund')
               AND m.state = 'posted'
            """
        )

    @api.model
    def _ratio(self, numerator, denominator, percent=True):
        """A ratio of two sums of a group; ``None`` (shown "—") when it has no
        base (the denominator is 0): never a misleading 0 %."""
        if not denominator:
            return None
        return numerator / denominator * (100.0 if percent else 1.0)

    @api.model
    def _today(self):
        """The reports' "today": the ``psa_today`` context key when given (a
        date or an ISO string: tests and what-if views), else the user's
        today."""
        today = self.env.context.get("psa_today")
        if today:
            return fields.Date.to_date(today)
        return fields.Date.context_today(self)

    @api.model
    def _format_percent(self, value, digits=1):
        """A ratio as the reports print it: "71.0 %" (a no-break space before
        the sign), "—" without a base."""
        if value is None or value is False:
            return "\u2014"
        return f"{formatLang(self.env, value, digits=digits)}\u00a0%"
