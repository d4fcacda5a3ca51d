# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoicing engine: which entries each invoice line bills
(``psa.invoice.link``), and entries marked invoiced or "to invoice" again by
their kind. Releasing and reclaiming entries are the links' own
(``psa.invoice.link._psa_release`` / ``_psa_reclaim``)."""

from collections import defaultdict

from odoo import api, models

from .psa_money import split_by_weights


# One file per concept of the engine, on purpose (the run is in
# psa_invoicing_engine.py).
# pylint: disable=consider-merging-classes-inherited
class PsaInvoicingEngine(models.AbstractModel):
    _inherit = "psa.invoicing.engine"

    @api.model
    def _link_entries(self, moves, plans_per_move):
        """Record which entries each invoice line bills (its kind's
        ``link_vals``), then mark the entries invoiced.

        :param plans_per_move: per move, ``{plan key: LinePlan}``: a planned
            line is found on its move by its key (``psa_plan_key``), whatever
            other lines the move has; a line that bills no entry has no link
        """
        links = []
        billed = defaultdict(list)
        kinds = self._psa_billable_kinds()
        for move, keyed in zip(moves, plans_per_move, strict=True):
            move_lines = {
                line.psa_plan_key: line for line in move.line_ids if line.psa_plan_key
            }
            for plan_key, plan in keyed.items():
                if not plan.records:
                    continue
                billed[plan.kind] += plan.records.ids
                spec = kinds[plan.kind]
                links += self._psa_kind_call(
                    spec.link_vals, spec, move_lines[plan_key], plan
                )
        self.env["psa.invoice.link"]._insert(links)
        self._mark(
            {
                kind: self.env[spec.model].sudo().browse(billed[kind])
                for kind, spec in kinds.items()
            },
            invoiced=True,
        )

    @api.model
    def _prepare_link_vals(self, spec, move_line, plan):
        """The links of one invoice line (``plan``, of the kind ``spec``): its
        subtotal split over its entries so that the shares add up to the cent,
        by their billed hours (which the links record) or evenly."""
        link_field = spec.link_field
        weights = plan.hours if plan.hours is not None else [1.0] * len(plan.records)
        shares = split_by_weights(
            move_line.price_subtotal, weights, move_line.currency_id.rounding
        )
        links = [
            {"move_line_id": move_line.id, link_field: entry_id, "amount": share}
            for entry_id, share in zip(plan.records.ids, shares, strict=True)
        ]
        if plan.hours is not None:
            for link, hours in zip(links, plan.hours, strict=True):
                link["hours"] = hours
        return links

    @api.model
    def _mark(self, billed, invoiced):
        """Entries (``{kind: records}``) invoiced, or back to "to invoice"."""
        kinds = self._psa_billable_kinds()
        for kind, records in billed.items():
            self._psa_kind_call(kinds[kind].mark, records, invoiced)
