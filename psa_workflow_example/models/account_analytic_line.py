# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .psa_rate import CUSTOMER_ROLE


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    psa_rate_scope = fields.Selection(
        selection_add=[CUSTOMER_ROLE], ondelete={"customer_role": "set null"}
    )

    def _psa_after_state_change(self, old_states, new_state):
        """The state hook: each change logged, one row per timesheet."""
        result = super()._psa_after_state_change(old_states, new_state)
        self.env["psa.example.state.log"].sudo().create(
            [
                {
                    "timesheet_id": line.id,
                    "old_state": old_states[line.id],
                    "new_state": new_state,
                }
                for line in self
            ]
        )
        return result
