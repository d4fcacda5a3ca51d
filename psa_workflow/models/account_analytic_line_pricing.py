# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets, pricing: billed hours after the project's rounding, the rate
of the rate chain and the amount, resolved in batch while an entry is open
and frozen once it is approved; the amount in the company currency that the
reports sum."""

from odoo import api, fields, models
from odoo.tools import SQL

from .account_analytic_line import BILLING_FIELDS, LOCKED_STATES
from .psa_money import CurrencyConverter
from .psa_rate import RATE_SCOPES
from .psa_validation import sql_check
from .psa_write_policy import SERVER


# One class per stage of the timesheet's flow, on purpose (the base class is
# in account_analytic_line.py).
# pylint: disable=consider-merging-classes-inherited
class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    # Billing, resolved while the entry is open, frozen once approved.
    psa_billed_hours = fields.Float(
        string="Billed Hours",
        digits=(16, 2),
        readonly=True,
        copy=False,
        help="Hours billed: the hours logged after the project's billing rounding. "
        "The hours logged never change.",
        psa_write=SERVER,
        psa_lock=True,
    )
    # In each project's currency: never summed (lists' group totals, pivots),
    # the amount in the company currency is.
    psa_bill_rate = fields.Monetary(
        string="Bill Rate",
        currency_field="psa_currency_id",
        readonly=True,
        copy=False,
        aggregator=None,
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
        psa_write=SERVER,
        psa_lock=True,
    )
    psa_bill_amount = fields.Monetary(
        string="Billable Amount",
        currency_field="psa_currency_id",
        readonly=True,
        copy=False,
        aggregator=None,
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
        psa_write=SERVER,
        psa_lock=True,
    )
    psa_currency_id = fields.Many2one(
        "res.currency",
        string="Billing Currency",
        readonly=True,
        copy=False,
        psa_write=SERVER,
        psa_lock=True,
    )
    psa_bill_amount_company = fields.Monetary(
        string="Billable Amount in Company Currency",
        currency_field="currency_id",
        readonly=True,
        copy=False,
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
        help="The billable amount at Odoo's rate of the entry's date (converted "
        "again when a rate of that date changes): what the reports sum.",
        psa_write=SERVER,
    )
    psa_rate_scope = fields.Selection(
        selection=[*RATE_SCOPES, ("role_default", "Role default rate")],
        string="Rate From",
        readonly=True,
        copy=False,
        psa_write=SERVER,
    )
    psa_rate_missing = fields.Boolean(
        string="No Rate",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Billable, but no rate of the rate chain applies: set one before "
        "approval.",
        psa_write=SERVER,
    )

    _sql_constraints = [
        (
            "psa_billed_hours_range",
            sql_check("psa_billed_hours", 0),
            "The billed hours of a timesheet must be a finite number, not negative.",
        ),
        (
            "psa_bill_rate_range",
            sql_check("psa_bill_rate", 0),
            "The bill rate of a timesheet must be a finite number, not negative.",
        ),
        (
            "psa_bill_amount_range",
            sql_check("psa_bill_amount", 0),
            "The billable amount of a timesheet must be a finite number, not negative.",
        ),
        (
            "psa_bill_amount_company_range",
            sql_check("psa_bill_amount_company", 0),
            "The billable amount of a timesheet must be a finite number, not negative.",
        ),
    ]

    @api.model
    def _psa_init_billing(self):
        """At install: resolve the billing of the timesheets already there."""
        self.search(
            [("project_id", "!=", False), ("psa_state", "not in", LOCKED_STATES)]
        )._psa_update_billing()

    # ------------------------------------------------------------------
    # Billing: rounding and the rate chain, in batch
    # ------------------------------------------------------------------
    def _psa_update_billing(self):
        """Resolve billed hours, rate and amount of open (not locked) timesheets:
        one rate resolution for the whole batch, one write per distinct result."""
        lines = self.filtered(lambda line: line.psa_state not in LOCKED_STATES)
        if not lines:
            return
        billable = lines.filtered("psa_billable")
        Rate = self.env["psa.rate"]
        keys = dict(
            zip(
                billable.ids,
                Rate._psa_rate_keys(
                    (line.project_id, line.employee_id, line.psa_role_id, line.date)
                    for line in billable
                ),
                strict=True,
            )
        )
        rates = Rate._resolve_rates(keys.values())
        converter = CurrencyConverter()
        rows = []
        for line in lines:
            project = line.project_id
            currency = project.psa_currency_id
            row = [line.id, currency.id or None, 0.0, 0.0, 0.0, None, False]
            if line.psa_billable:
                amount, rate_currency, scope = rates[keys[line.id]]
                rate = converter.convert(
                    amount,
                    rate_currency,
                    currency,
                    project.company_id or self.env.company,
                    line.date,
                )
                hours = project._psa_round_billed_hours(line.unit_amount)
                row[2:] = [
                    hours,
                    rate,
                    currency.round(hours * rate),
                    scope or None,
                    not scope,
                ]
            rows.append(row)
        self._psa_write_billing(lines, rows)

    def _psa_write_billing(self, lines, rows):
        """Write the billing columns of many lines in a few UPDATE statements:
        derived data owned by the addon (employees may not write rates)."""
        self.env.flush_all()
        for start in range(0, len(rows), 10000):
            values = SQL(", ").join(
                SQL("(%s, %s, %s, %s, %s, %s, %s)", *row)
                for row in rows[start : start + 10000]
            )
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE account_analytic_line AS a
                       SET psa_currency_id = v.currency_id::integer,
                           psa_billed_hours = v.hours::numeric,
                           psa_bill_rate = v.rate::numeric,
                           psa_bill_amount = v.amount::numeric,
                           psa_bill_amount_company = %s,
                           psa_rate_scope = v.scope::varchar,
                           psa_rate_missing = v.missing::boolean
                      FROM (VALUES %s)
                        AS v(id, currency_id, hours, rate, amount, scope, missing),
                           res_company co, res_currency cur
                     WHERE a.id = v.id AND co.id = a.company_id
                       AND cur.id = co.currency_id
                    """,
                    self._psa_company_amount(
                        SQL("v.amount::numeric"), SQL("v.currency_id::integer")
                    ),
                    values,
                )
            )
        fnames = list(BILLING_FIELDS)
        lines.invalidate_recordset(fnames)
        lines.modified(fnames)

    @api.model
    def _psa_convert_bill_amounts(self, condition):
        """Store the billable amount in the company currency, at Odoo's rate
        of the entry's date (``psa_currency_rate``), of the lines matching
        ``condition`` (SQL on the line ``a`` and its company ``co``): so that
        reports over millions of lines sum a column instead of looking rates
        up. Pricing writes it with the amount (``_psa_write_billing``); this
        runs when a rate changes (``res.currency.rate``) and at upgrade."""
        converted = self._psa_company_amount(
            SQL("a.psa_bill_amount"), SQL("a.psa_currency_id")
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_analytic_line AS a
                   SET psa_bill_amount_company = %(converted)s
                  FROM res_company co, res_currency cur
                 WHERE co.id = a.company_id AND cur.id = co.currency_id
                   AND a.psa_bill_amount IS NOT NULL
                   AND a.psa_bill_amount_company IS DISTINCT FROM %(converted)s
                   AND %(condition)s
                """,
                converted=converted,
                condition=condition,
            )
        )
        self.invalidate_model(["psa_bill_amount_company"])

    @api.model
    def _psa_company_amount(self, amount, currency):
        """SQL: ``amount`` in ``currency`` of the line ``a`` in the currency
        ``cur`` of its company ``co`` at Odoo's rate of its date (from the
        company: lines inserted in SQL may lack their stored currency)."""
        return SQL(
            "CASE WHEN %(currency)s IS NULL OR %(currency)s = co.currency_id"
            " THEN %(amount)s"
            " ELSE round(%(amount)s"
            " * psa_currency_rate(co.currency_id, a.company_id, a.date)"
            " / psa_currency_rate(%(currency)s, a.company_id, a.date),"
            " cur.decimal_places) END",
            amount=amount,
            currency=currency,
        )
