# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ProjectProject(models.Model):
    _inherit = "project.project"

    psa_billing_type = fields.Selection(
        selection=[
            ("time_material", "Time & Materials"),
            ("fixed_price", "Fixed Price"),
            ("milestone", "Milestones"),
            ("non_billable", "Non-billable"),
        ],
        string="Billing Model",
        default="time_material",
        required=True,
        tracking=True,
        help="How work on this project is billed to the customer:\n"
        "- Time & Materials: approved hours and expenses at their rates;\n"
        "- Fixed Price: a contract amount billed by installments;\n"
        "- Milestones: an amount billed when each milestone is reached;\n"
        "- Non-billable: internal work, never invoiced.",
    )
    psa_is_billable = fields.Boolean(
        string="Billable",
        compute="_compute_psa_is_billable",
        store=True,
        help="Work on this project can be billed to a customer.",
    )

    @api.depends("psa_billing_type")
    def _compute_psa_is_billable(self):
        for project in self:
            project.psa_is_billable = project.psa_billing_type != "non_billable"

    @api.onchange("psa_billing_type")
    def _onchange_psa_billing_type(self):
        # Milestone billing needs Odoo's milestones switched on for the project.
        if self.psa_billing_type == "milestone":
            self.allow_milestones = True
