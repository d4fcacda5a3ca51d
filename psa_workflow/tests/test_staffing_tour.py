# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import PsaHttpCommon
from .planning_common import _attendances


class StaffingTourMixin:
    def _run_staffing_tour(self):
        env = self.env
        full, part = env["resource.calendar"].create(
            [
                {"name": name, "tz": "UTC", "attendance_ids": _attendances(days)}
                for name, days in (("PSA 40h", range(5)), ("PSA 32h", range(4)))
            ]
        )
        self.company.resource_calendar_id = full
        role = env["psa.role"].create(
            {"name": "PSA Tour Role", "default_bill_rate": 100}
        )
        employee = self.user_employee.employee_id
        employee.write(
            {
                "resource_calendar_id": part.id,
                "tz": "UTC",
                "psa_role_ids": [Command.set(role.ids)],
                "psa_default_role_id": role.id,
            }
        )
        today = fields.Date.today()
        monday = today + timedelta(days=63 - today.weekday())
        open_role = env["psa.allocation"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": False,
                "role_id": role.id,
                "date_from": monday,
                "date_to": monday + timedelta(days=4),
                "mode": "hours_per_day",
                "hours_per_day": 8.0,
            }
        )
        self.assertEqual(open_role.allocated_hours, 40.0)
        action = env.ref("psa_workflow.psa_allocation_action_open_roles")
        self.start_tour(
            f"/odoo/action-{action.id}/{open_role.id}",
            "psa_workflow_staffing_tour",
            login="psa_approver",
        )
        self.assertEqual(open_role.employee_id, employee)
        self.assertEqual(open_role.allocated_hours, 32.0)
        rest = env["psa.allocation"].search(
            [("project_id", "=", self.project_tm.id), ("employee_id", "=", False)]
        )
        self.assertEqual((rest.role_id, rest.allocated_hours), (role, 8.0))


@tagged("post_install", "-at_install")
class TestStaffingTour(StaffingTourMixin, PsaHttpCommon):
    browser_size = "1440x900"

    def test_a_part_timer_staffed_keeps_the_plan(self):
        self._run_staffing_tour()


@tagged("post_install", "-at_install")
class TestStaffingPhoneTour(StaffingTourMixin, PsaHttpCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_a_part_timer_staffed_keeps_the_plan_on_a_phone(self):
        self._run_staffing_tour()
