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

    psa_refuse_intercompany_time = fields.Boolean(
        string="Refuse Inter-company Time",
        help="Refuse timesheets on this company's projects from employees of other "
        "companies. Off (Odoo's behaviour): their time is the project company's, "
        "billed to its customer at the project's rates.",
    )

    def _create_internal_project_task(self):
        projects = super()._create_internal_project_task()
        # A company's internal project (time off, training, meetings) is never billed.
        # sudo: the addon's bookkeeping, whoever creates the company.
        projects.sudo().psa_billing_type = "non_billable"
        return projects

    @api.model
    def _psa_mark_internal_projects_non_billable(self):
        """Make existing companies' internal projects non-billable (at install)."""
        companies = self.search([("internal_project_id", "!=", False)])
        companies.internal_project_id.psa_billing_type = "non_billable"
