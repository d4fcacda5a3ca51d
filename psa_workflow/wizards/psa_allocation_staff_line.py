# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..models.psa_validation import ensure_one


class PsaAllocationStaffLine(models.TransientModel):
    _name = "psa.allocation.staff.line"
    _description = "Staffing Candidate"
    _order = "free_hours desc, id"

    wizard_id = fields.Many2one(
        "psa.allocation.staff", required=True, ondelete="cascade"
    )
    employee_id = fields.Many2one("hr.employee", required=True, readonly=True)
    capacity_hours = fields.Float(readonly=True, digits=(16, 2))
    planned_hours = fields.Float(
        string="Already Planned", readonly=True, digits=(16, 2)
    )
    free_hours = fields.Float(readonly=True, digits=(16, 2))

    def action_staff(self):
        ensure_one(self, "action_staff")
        return self.wizard_id._staff(self.employee_id)
