# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.psa_validation import ensure_one


class PsaTimesheetReject(models.TransientModel):
    """Ask the approver why, then reject the selected timesheets."""

    _name = "psa.timesheet.reject"
    _inherit = ["psa.client.access.mixin"]
    _description = "Reject Timesheets"

    line_ids = fields.Many2many(
        "account.analytic.line", string="Timesheets", required=True
    )
    reason = fields.Text(required=True, help="Shown to the employee.")

    @api.constrains("reason")
    def _check_reason(self):
        if any(not (wizard.reason or "").strip() for wizard in self):
            raise ValidationError(
                self.env._("The reason must not be blank: tell the employee why.")
            )

    def action_reject(self):
        ensure_one(self, "action_reject")
        done = self.line_ids.with_context(psa_confirm=True).action_psa_reject(
            reason=self.reason
        )
        # Said, then the dialog closes (and the list behind it reloads).
        done["params"]["next"] = {"type": "ir.actions.act_window_close"}
        return done
