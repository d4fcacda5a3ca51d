# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's *Send & Print*: a customer invoice of psa_workflow goes with the
work it bills as a PDF annex (``account.move._psa_work_attachment``)."""

from odoo import models


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    def _get_invoice_extra_attachments(self, move):
        return super()._get_invoice_extra_attachments(move) | (
            move._psa_work_attachment()
            if move.move_type == "out_invoice" and move.state == "posted"
            else self.env["ir.attachment"]
        )
