# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..models.psa_validation import ensure_one


class PsaAllocationStaffLine(models.TransientModel):
    _name = "psa.allocation.staff.line"
    _inherit = ["psa.client.access.mixin"]
    _description = "Staffing Candidate"
    _order = "covered_hours desc, free_hours desc, id"

    wizard_id = fields.Many2one(
        "psa.allocation.staff", required=True, ondelete="cascade"
    )
    employee_id = fields.Many2one("hr.employee", required=True, readonly=True)
    employee_role_id = fields.Many2one(
        "psa.role",
        string="Their Role",
        readonly=True,
        help="The candidate's role on the project team, else their default role. "
        "Staffing keeps the requested role unless you choose theirs.",
    )
    role_differs = fields.Boolean(compute="_compute_role_differs")
    week_strip = fields.Char(
        string="Free per Week",
        readonly=True,
        help="Capacity minus the candidate's allocations, per ISO week.",
    )
    week_data = fields.Json(
        readonly=True,
        help="One entry per ISO week: label, Monday, free hours, needed hours and "
        "whether staffing would over-allocate the candidate that week.",
    )
    capacity_hours = fields.Float(readonly=True, digits=(16, 2))
    planned_hours = fields.Float(
        string="Already Planned", readonly=True, digits=(16, 2)
    )
    free_hours = fields.Float(readonly=True, digits=(16, 2))
    covered_hours = fields.Float(
        string="Can Cover",
        readonly=True,
        digits=(16, 2),
        help="Sum over the weeks of the smaller of the candidate's free hours and "
        "the hours the role needs that week: the requested hours they can take.",
    )
    is_overallocated = fields.Boolean(
        string="Would Be Over-allocated",
        readonly=True,
        help="Staffing this candidate would plan them beyond their capacity in at "
        "least one week.",
    )
    overallocated_weeks = fields.Text(readonly=True)

    def _compute_role_differs(self):
        for line in self:
            line.role_differs = bool(line.employee_role_id) and (
                line.employee_role_id != line.wizard_id.role_id
            )

    def action_staff(self):
        ensure_one(self, "action_staff")
        return self.wizard_id._staff(self.employee_id)
