# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import float_compare


class AccountMove(models.Model):
    """Invoices built by psa_workflow react to what Invoicing does with them:
    deleted or cancelled drafts and full credit notes return their entries to
    "to invoice"; a partial credit note releases nothing and asks for review."""

    _inherit = "account.move"

    psa_link_ids = fields.One2many(
        "psa.invoice.link", "move_id", string="Invoiced Entries"
    )
    psa_timesheet_count = fields.Integer(compute="_compute_psa_counts")
    psa_needs_review = fields.Boolean(
        string="PSA Review Needed",
        copy=False,
        tracking=True,
        help="A partial credit note was made with Odoo's generic reversal: no entry "
        "was returned to 'to invoice'. Credit the entries concerned with the PSA "
        "credit action, or confirm that nothing is to be billed again.",
    )

    @api.depends("psa_link_ids")
    def _compute_psa_counts(self):
        counts = dict(
            self.env["psa.invoice.link"]
            .sudo()
            ._read_group(
                [("move_id", "in", self.ids), ("timesheet_id", "!=", False)],
                ["move_id"],
                ["__count"],
            )
        )
        for move in self:
            move.psa_timesheet_count = counts.get(move, 0)

    def unlink(self):
        engine = self.env["psa.invoicing.engine"]
        engine._release(self.sudo().psa_link_ids, "cancelled")
        return super().unlink()

    def button_cancel(self):
        result = super().button_cancel()
        self.env["psa.invoicing.engine"]._release(
            self.filtered(lambda m: m.state == "cancel").sudo().psa_link_ids,
            "cancelled",
        )
        return result

    def button_draft(self):
        cancelled = self.filtered(lambda move: move.state == "cancel")
        self.env["psa.invoicing.engine"]._reclaim(cancelled.sudo().psa_link_ids)
        return super().button_draft()

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(
            lambda move: move.move_type == "out_refund" and move.reversed_entry_id
        )._psa_apply_credit_notes()
        return posted

    def _psa_apply_credit_notes(self):
        engine = self.env["psa.invoicing.engine"]
        for credit_note in self:
            invoice = credit_note.reversed_entry_id
            links = invoice.sudo().psa_link_ids.filtered(
                lambda link: link.state == "invoiced"
            )
            if not links:
                continue
            full = (
                float_compare(
                    credit_note.amount_untaxed,
                    invoice.amount_untaxed,
                    precision_rounding=invoice.currency_id.rounding,
                )
                == 0
            )
            if full:
                engine._release(links, "credited", credit_move=credit_note)
            else:
                # Never release hours that were not credited.
                invoice.sudo().psa_needs_review = True

    def _psa_annex_links(self):
        """Timesheets billed by this invoice, for the annex of its PDF, when one
        of its projects asks for it (read for the printing user, who may be an
        accountant without timesheet rights)."""
        self.ensure_one()
        links = self.sudo().psa_link_ids.filtered(
            lambda link: link.timesheet_id and link.state == "invoiced"
        )
        if not links.timesheet_id.project_id.filtered("psa_invoice_annex"):
            return links.browse()
        return links.sorted(lambda link: (link.timesheet_id.date, link.id))

    def action_psa_open_entries(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Billed Timesheets"),
            "res_model": "account.analytic.line",
            "view_mode": "list,form",
            "domain": [("id", "in", self.sudo().psa_link_ids.timesheet_id.ids)],
        }
