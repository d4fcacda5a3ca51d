# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def write(self, vals):
        result = super().write(vals)
        if {"attendance_ids", "tz"} & set(vals):
            employees = (
                self.env["hr.employee"]
                .sudo()
                .search([("resource_calendar_id", "in", self.ids)])
            )
            companies = (
                self.env["res.company"]
                .sudo()
                .search([("resource_calendar_id", "in", self.ids)])
            )
            self.env["psa.employee.capacity"]._apply_calendar_change(
                employees, companies=companies
            )
        return result
