# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL


class PsaInvoiceInvariant(models.AbstractModel):
    """What must always hold between entries, invoice links and invoices,
    checked in SQL over the whole database: run by ``tools/check_invariants.py``
    (on the demo database, after the load benchmark) and by the tests.

    - no entry is invoiced without a live link, and no live link bills an
      entry that is not invoiced;
    - the live links of an invoice line add up to its subtotal, to the cent;
    - no fixed-price schedule adds up to more than its contract.
    """

    _name = "psa.invoice.invariant"
    _description = "PSA Invoicing Invariants"

    @api.model
    def _violations(self):
        """``[text]``: one line per violation, empty when all holds."""
        self.env.flush_all()
        violations = []
        for kind, spec in (
            self.env["psa.invoicing.engine"]._psa_billable_kinds().items()
        ):
            violations += self._entry_violations(kind, spec)
        violations += self._share_violations()
        violations += self._schedule_violations()
        return violations

    def _query(self, query):
        self.env.cr.execute(query)
        return self.env.cr.fetchall()

    @api.model
    def _invoiced_condition(self, spec):
        """SQL: the entry (alias ``e``) is marked invoiced."""
        if spec.model == "account.analytic.line":
            return SQL("e.psa_state = 'invoiced'")
        return SQL("COALESCE(e.psa_invoiced, FALSE)")

    @api.model
    def _entry_violations(self, kind, spec):
        table = SQL.identifier(self.env[spec.model]._table)
        link = SQL.identifier("k", spec.link_field)
        invoiced = self._invoiced_condition(spec)
        stranded = self._query(
            SQL(
                """
                SELECT e.id FROM %(table)s e
                 WHERE %(invoiced)s AND NOT EXISTS (
                       SELECT 1 FROM psa_invoice_link k
                        WHERE %(link)s = e.id AND k.state = 'invoiced')
                 ORDER BY e.id
                """,
                table=table,
                invoiced=invoiced,
                link=link,
            )
        )
        loose = self._query(
            SQL(
                """
                SELECT e.id FROM %(table)s e
                  JOIN psa_invoice_link k ON %(link)s = e.id AND k.state = 'invoiced'
                 WHERE NOT (%(invoiced)s)
                 ORDER BY e.id
                """,
                table=table,
                invoiced=invoiced,
                link=link,
            )
        )
        return [
            f"{kind} {row[0]}: invoiced without a live invoice link" for row in stranded
        ] + [f"{kind} {row[0]}: on a live invoice link, not invoiced" for row in loose]

    @api.model
    def _share_violations(self):
        rows = self._query(
            SQL(
                """
                SELECT aml.id, m.name, aml.price_subtotal, SUM(k.amount)
                  FROM psa_invoice_link k
                  JOIN account_move_line aml ON aml.id = k.move_line_id
                  JOIN account_move m ON m.id = aml.move_id
                  JOIN res_currency c ON c.id = aml.currency_id
                 WHERE k.state = 'invoiced'
                 GROUP BY aml.id, m.name, aml.price_subtotal, c.rounding
                HAVING ABS(COALESCE(aml.price_subtotal, 0) - SUM(k.amount))
                       >= c.rounding / 2
                 ORDER BY aml.id
                """
            )
        )
        return [
            f"invoice line {line_id} of {move or '(draft)'}: subtotal {subtotal}, "
            f"its entries' shares add up to {shares}"
            for line_id, move, subtotal, shares in rows
        ]

    @api.model
    def _schedule_violations(self):
        rows = self._query(
            SQL(
                """
                SELECT p.id, SUM(i.amount), p.psa_contract_amount
                  FROM psa_project_installment i
                  JOIN project_project p ON p.id = i.project_id
                  JOIN res_currency c ON c.id = p.psa_currency_id
                 WHERE p.psa_billing_type = 'fixed_price'
                 GROUP BY p.id, p.psa_contract_amount, c.rounding
                HAVING SUM(i.amount) - COALESCE(p.psa_contract_amount, 0)
                       >= c.rounding / 2
                 ORDER BY p.id
                """
            )
        )
        return [
            f"project {project_id}: installments add up to {total}, more than its "
            f"contract {contract}"
            for project_id, total, contract in rows
        ]
