# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ProjectProject(models.Model):
    _inherit = "project.project"

    psa_example_second_approver_id = fields.Many2one(
        "res.users",
        string="Second Approver",
        help="Approves this project's entries too (four eyes on large projects).",
    )

    # The approvers' compute reads one more fact: declared here.
    @api.depends("user_id", "psa_extra_approver_ids", "psa_example_second_approver_id")
    def _compute_psa_approver_ids(self):
        return super()._compute_psa_approver_ids()

    def _psa_approvers(self):
        return super()._psa_approvers() | self.psa_example_second_approver_id
