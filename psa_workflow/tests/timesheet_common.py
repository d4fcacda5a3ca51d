# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command

from .common import PsaCommon

DAY = date(2019, 3, 4)  # a Monday


class PsaTimesheetCommon(PsaCommon):
    """Rates and roles for timesheet tests: the employee is a consultant billed
    at the role's 100.00 unless something more specific applies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.role = cls.env["psa.role"].create(
            {"name": "PSA Test Consultant", "default_bill_rate": 100.0}
        )
        cls.emp = cls.user_employee.employee_id
        cls.approver_emp = cls.user_approver.employee_id
        (cls.emp | cls.approver_emp | cls.user_admin.employee_id).write(
            {
                "psa_role_ids": [Command.set(cls.role.ids)],
                "psa_default_role_id": cls.role.id,
            }
        )

    def _log(self, hours=2.0, user=None, day=DAY, project=None, **vals):
        user = user or self.user_employee
        values = {
            "project_id": (project or self.project_tm).id,
            "name": "Work",
            "unit_amount": hours,
            "date": day,
        }
        values.update(vals)
        line = self.env["account.analytic.line"].with_user(user).create(values)
        return line.with_env(self.env)
