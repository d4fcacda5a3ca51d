# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import PsaHttpCommon


class WorkloadTourMixin:
    """The employee on the approver's T&M project 8 h a day for four weeks from
    this Monday (100 % each week), plus 2 h a day on the internal project in
    the third week (125 %); the billing user 4 h a day this week on the
    internal project (not on the T&M project)."""

    @classmethod
    def _setup_workload_tour(cls):
        env = cls.env
        calendar = env["resource.calendar"].create(
            {
                "name": "PSA Tour 40h",
                "tz": "UTC",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for start, end, period in (
                        (8, 12, "morning"),
                        (13, 17, "afternoon"),
                    )
                ],
            }
        )
        employee = cls.user_employee.employee_id
        billing = cls.user_billing.employee_id
        (employee | billing).write({"resource_calendar_id": calendar.id, "tz": "UTC"})
        today = fields.Date.context_today(cls.user_approver)
        monday = today - timedelta(days=today.weekday())
        cls.monday = monday
        env["psa.employee.capacity"]._refresh(
            employee | billing,
            monday - timedelta(weeks=1),
            monday + timedelta(weeks=13),
        )
        env["psa.allocation"].create(
            [
                {
                    "project_id": cls.project_tm.id,
                    "employee_id": employee.id,
                    "date_from": monday,
                    "date_to": monday + timedelta(weeks=3, days=4),
                    "hours_per_day": 8.0,
                    "state": "confirmed",
                },
                {
                    "project_id": cls.project_internal.id,
                    "employee_id": employee.id,
                    "date_from": monday + timedelta(weeks=2),
                    "date_to": monday + timedelta(weeks=2, days=4),
                    "hours_per_day": 2.0,
                },
                {
                    "project_id": cls.project_internal.id,
                    "employee_id": billing.id,
                    "date_from": monday,
                    "date_to": monday + timedelta(days=4),
                    "hours_per_day": 4.0,
                },
            ]
        )

    def _check_dataset(self):
        data = (
            self.env["psa.workload.heatmap"]
            .with_user(self.user_approver)
            .read_heatmap()
        )
        row = next(
            r
            for r in data["rows"]
            if r["employee_id"] == self.user_employee.employee_id.id
        )
        self.assertEqual(
            [(c["percent"], c["band"]) for c in row["cells"][:4]],
            [(100.0, "right"), (100.0, "right"), (125.0, "over"), (100.0, "right")],
        )


@tagged("post_install", "-at_install")
class TestWorkloadTour(WorkloadTourMixin, PsaHttpCommon):
    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_workload_tour()

    def test_manager_reads_the_heatmap_and_opens_a_cell(self):
        self._check_dataset()
        self.start_tour("/odoo", "psa_workflow_workload_tour", login="psa_approver")


@tagged("post_install", "-at_install")
class TestWorkloadPhoneTour(WorkloadTourMixin, PsaHttpCommon):
    browser_size = "390x844"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_workload_tour()

    def test_manager_reads_the_heatmap_on_a_phone(self):
        self.start_tour(
            "/odoo/workload", "psa_workflow_workload_phone_tour", login="psa_approver"
        )
