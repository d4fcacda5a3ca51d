# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import tagged

from .common import PsaHttpCommon


class ProjectManagerTourMixin:
    def _run_project_manager_tour(self):
        # 10.2 h logged on a 10 h budget: 102 %, red.
        self.project_tm.allocated_hours = 10.0
        self.project_tm.psa_budget_amount = 5000.0
        role = self.env["psa.role"].create(
            {"name": "PM Tour Consultant", "default_bill_rate": 100.0}
        )
        self.user_employee.employee_id.write(
            {"psa_role_ids": [(6, 0, role.ids)], "psa_default_role_id": role.id}
        )
        employee = self.user_approver.employee_id
        self.env["account.analytic.line"].create(
            [
                {
                    "project_id": self.project_tm.id,
                    "employee_id": employee.id,
                    "name": "Work",
                    "unit_amount": hours,
                    "date": date(2019, 3, day),
                }
                for day, hours in ((4, 6.0), (5, 4.2))
            ]
        )
        self.assertEqual(self.project_tm.psa_burn_band, "danger")
        self.start_tour(
            "/odoo", "psa_workflow_project_manager_tour", login="psa_approver"
        )
        self.assertEqual(
            self.project_tm.psa_member_ids.employee_id, self.user_employee.employee_id
        )


@tagged("post_install", "-at_install")
class TestProjectManagerTour(ProjectManagerTourMixin, PsaHttpCommon):
    browser_size = "1440x900"

    def test_project_manager_manages_their_project(self):
        self._run_project_manager_tour()


@tagged("post_install", "-at_install")
class TestProjectManagerPhoneTour(ProjectManagerTourMixin, PsaHttpCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_project_manager_manages_their_project_on_a_phone(self):
        self._run_project_manager_tour()
