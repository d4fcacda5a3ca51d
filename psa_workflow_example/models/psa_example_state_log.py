# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsaExampleStateLog(models.Model):
    """Who moved which timesheet from which approval state to which, when:
    written by the state hook (``account.analytic.line``)."""

    _name = "psa.example.state.log"
    _description = "PSA Example: Timesheet State Log"
    _order = "id"

    timesheet_id = fields.Many2one(
        "account.analytic.line", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="timesheet_id.company_id", store=True)
    old_state = fields.Char(required=True)
    new_state = fields.Char(required=True)
