# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._psa_apply_capacity_change()
        return leaves

    def write(self, vals):
        self._psa_apply_capacity_change()  # where the leave was
        result = super().write(vals)
        self._psa_apply_capacity_change()  # where it is now
        return result

    def unlink(self):
        leaves = self.sudo().read(["resource_id", "company_id", "date_from", "date_to"])
        result = super().unlink()
        self.browse()._psa_apply_capacity_change(leaves)
        return result

    def _psa_apply_capacity_change(self, leaves=None):
        """Time off or a public holiday changes capacity and allocation days."""
        if leaves is None:
            leaves = self.sudo().read(
                ["resource_id", "company_id", "date_from", "date_to"]
            )
        if not leaves:
            return
        Employee = self.env["hr.employee"].sudo()
        resource_ids = [
            leave["resource_id"][0] for leave in leaves if leave["resource_id"]
        ]
        public_companies = self.env["res.company"].browse(
            {leave["company_id"][0] for leave in leaves if not leave["resource_id"]}
        )
        employees = Employee.search(
            [
                "|",
                ("resource_id", "in", resource_ids),
                ("company_id", "in", public_companies.ids),
            ]
            if public_companies
            else [("resource_id", "in", resource_ids)]
        )
        self.env["psa.employee.capacity"]._apply_calendar_change(
            employees,
            min(leave["date_from"] for leave in leaves).date(),
            max(leave["date_to"] for leave in leaves).date(),
            companies=public_companies,
        )
