# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    psa_refuse_overallocation = fields.Boolean(
        string="Refuse Over-allocation",
        help="Refuse an allocation asking for more than 100% of an employee's "
        "capacity, and refuse to confirm an allocation that over-allocates an "
        "employee in any week.",
    )

    def _create_internal_project_task(self):
        projects = super()._create_internal_project_task()
        # A company's internal project (time off, training, meetings) is never billed.
        projects.psa_billing_type = "non_billable"
        return projects

    @api.model
    def _psa_mark_internal_projects_non_billable(self):
        """Make existing companies' internal projects non-billable (at install)."""
        companies = self.search([("internal_project_id", "!=", False)])
        companies.internal_project_id.psa_billing_type = "non_billable"
