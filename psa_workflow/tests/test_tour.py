# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import PsaHttpCommon


@tagged("post_install", "-at_install")
class TestPsaTour(PsaHttpCommon):
    def test_project_manager_opens_the_psa_app(self):
        self.start_tour("/odoo", "psa_workflow_menu_tour", login="psa_approver")

    def test_project_manager_plans_and_reads_the_workload(self):
        monday = fields.Date.today() - timedelta(days=fields.Date.today().weekday())
        self.env["psa.allocation"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.user_employee.employee_id.id,
                "date_from": monday + timedelta(days=7),
                "date_to": monday + timedelta(days=11),
                "hours_per_day": 4.0,
                "state": "confirmed",
            }
        )
        self.start_tour("/odoo", "psa_workflow_planning_tour", login="psa_approver")
