# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..models.psa_validation import ensure_one


class PsaInvoiceCredit(models.TransientModel):
    """Credit chosen entries of a posted invoice: a draft credit note for
    exactly those timesheets, expenses, installments or milestones; posting it
    returns them, and only them, to "to invoice"."""

    _name = "psa.invoice.credit"
    _description = "Credit Invoiced Entries"

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        readonly=True,
        default=lambda self: self.env.context.get("active_id"),
    )
    link_ids = fields.Many2many(
        "psa.invoice.link",
        string="Entries to Credit",
        required=True,
        domain="[('move_id', '=', move_id), ('state', '=', 'invoiced'),"
        " ('credit_line_id', '=', False)]",
    )
    reason = fields.Char()
    date = fields.Date(
        string="Credit Note Date", required=True, default=fields.Date.context_today
    )
    amount = fields.Monetary(
        string="Invoiced Amount",
        compute="_compute_totals",
        currency_field="currency_id",
        help="What the chosen entries were invoiced for (untaxed).",
    )
    hours = fields.Float(compute="_compute_totals", digits=(16, 2))
    currency_id = fields.Many2one(related="move_id.currency_id")

    @api.depends("link_ids")
    def _compute_totals(self):
        for wizard in self:
            wizard.amount = sum(wizard.link_ids.mapped("amount"))
            wizard.hours = sum(wizard.link_ids.mapped("hours"))

    def action_credit(self):
        """Create the draft credit note and open it."""
        ensure_one(self, "action_credit")
        credit_note = self.move_id._psa_create_credit_note(
            self.link_ids, reason=self.reason, date=self.date
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": credit_note.id,
            "views": [(False, "form")],
            "view_mode": "form",
        }
