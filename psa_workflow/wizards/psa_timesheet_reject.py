# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsaTimesheetReject(models.TransientModel):
    """Ask the approver why, then reject the selected timesheets."""

    _name = "psa.timesheet.reject"
    _description = "Reject Timesheets"

    line_ids = fields.Many2many(
        "account.analytic.line", string="Timesheets", required=True
    )
    reason = fields.Text(required=True, help="Shown to the employee.")

    def action_reject(self):
        self.ensure_one()
        self.line_ids.action_psa_reject(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
