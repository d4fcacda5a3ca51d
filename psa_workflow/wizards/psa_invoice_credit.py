# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command, api, fields, models

from ..models.psa_validation import ensure_one


def _entry_date(link):
    return link._psa_entry_date() or date.min


class PsaInvoiceCredit(models.TransientModel):
    """Credit chosen entries of a posted invoice: a draft credit note for
    exactly those timesheets, expenses, installments or milestones; posting it
    returns them, and only them, to "to invoice".

    Opened from the invoice, it lists the entries the invoice bills (not
    credited yet), none ticked: the billing user ticks those to credit."""

    _name = "psa.invoice.credit"
    _inherit = ["psa.client.access.mixin"]
    _description = "Credit Invoiced Entries"

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        readonly=True,
        default=lambda self: self._default_move_id(),
    )
    line_ids = fields.One2many(
        "psa.invoice.credit.line",
        "wizard_id",
        string="Entries",
        default=lambda self: self._default_line_ids(),
    )
    link_ids = fields.Many2many(
        "psa.invoice.link",
        string="Entries to Credit",
        compute="_compute_link_ids",
        store=True,
        readonly=False,
        domain="[('move_id', '=', move_id), ('state', '=', 'invoiced'),"
        " ('credit_line_id', '=', False)]",
        help="The entries ticked (or given by the caller, through the API).",
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

    @api.model
    def _default_move_id(self):
        context = self.env.context
        if context.get("active_model", "account.move") == "account.move":
            return context.get("active_id")
        return False

    @api.model
    def _default_line_ids(self):
        move = self.env["account.move"].browse(self._default_move_id())
        if not move:
            return []
        # The entries are read with superuser rights: only of an invoice the
        # user may read (not another company's).
        move.check_access("read")
        links = (
            move.sudo()
            .psa_link_ids.filtered(
                lambda link: link.state == "invoiced" and not link.credit_line_id
            )
            .sorted(lambda link: (link.move_line_id.id, _entry_date(link), link.id))
        )
        return [Command.create({"link_id": link.id}) for link in links]

    @api.depends("line_ids.selected")
    def _compute_link_ids(self):
        for wizard in self:
            wizard.link_ids = wizard.line_ids.filtered("selected").link_id

    @api.depends("link_ids")
    def _compute_totals(self):
        for wizard in self:
            wizard.amount = sum(wizard.link_ids.mapped("amount"))
            wizard.hours = sum(wizard.link_ids.mapped("hours"))

    def action_select_all(self):
        ensure_one(self, "action_select_all")
        self.line_ids.selected = not all(self.line_ids.mapped("selected"))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Credit Entries"),
        }

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
