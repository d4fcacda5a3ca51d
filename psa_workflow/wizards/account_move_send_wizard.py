# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMoveSendWizard(models.TransientModel):
    """Billing users send the invoices they make. On a customer's first
    invoice, Odoo's *Print & Send* stores the sending method and layout used
    as the customer's preference, a write on the contact that the Billing
    group may not do: it is bookkeeping of the send, done on their behalf."""

    _inherit = "account.move.send.wizard"

    def _update_preferred_settings(self):
        if self.env.user.has_group("account.group_account_invoice"):
            self.move_id.check_access("write")
            return super(
                AccountMoveSendWizard, self.sudo()
            )._update_preferred_settings()
        return super()._update_preferred_settings()
