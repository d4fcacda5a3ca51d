# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, timedelta

from odoo import Command
from odoo.tests import tagged

from odoo.addons.psa_workflow.models.psa_employee_capacity import FRESH_PARAM

from .common import PsaCommon

# Two weeks far from today (no demo data there); public holiday on W1's Wednesday.
W1 = date(2031, 3, 3)  # a Monday
W2 = W1 + timedelta(weeks=1)
W2_END = W2 + timedelta(days=4)  # Friday
MEASURES = [
    "capacity_hours:sum",
    "allocated_confirmed_hours:sum",
    "allocated_tentative_hours:sum",
    "allocated_hours:sum",
    "logged_hours:sum",
    "free_hours:sum",
]


class WorkloadDatasetMixin:
    """Three employees on the company's 40-hour calendar, a public holiday, five
    allocations (one of them an open role) and a few timesheets:

    ============ ======================================== ===========================
    who          week 1 (holiday on Wednesday: 32 h)      week 2 (40 h)
    ============ ======================================== ===========================
    employee     T&M 6 h/day confirmed (24) + internal    T&M 6 h/day (30), logged 2
                 16 h tentative = 40, logged 5 + 3
    approver     fixed price 50% confirmed (16), logged 1 nothing
    billing      nothing                                  T&M 8 h/day confirmed (40)
    open role    architect on T&M, 8 h/day tentative (32)
    ============ ======================================== ===========================

    Roles: the employee is a consultant; the approver a consultant and an
    architect (default architect); the billing user has no role.
    """

    def _figures(self, groupby, domain=None, user=None):
        """``{group key: {measure: value}}`` of ``self.Report`` over weeks 1 and 2
        (``self.MEASURES``)."""
        report = self.Report.with_user(user) if user else self.Report
        base = [("week_start", ">=", W1), ("week_start", "<=", W2)]
        rows = report._read_group(base + (domain or []), groupby, self.MEASURES)
        names = [m.split(":")[0] for m in self.MEASURES]
        return {
            tuple(
                key.id if hasattr(key, "id") else key for key in row[: len(groupby)]
            ): dict(zip(names, row[len(groupby) :], strict=True))
            for row in rows
        }

    @classmethod
    def _setup_workload_dataset(cls):
        env = cls.env
        cls.Capacity = env["psa.employee.capacity"]
        cls.employee = cls.user_employee.employee_id
        cls.employee_approver = cls.user_approver.employee_id
        cls.employee_billing = cls.user_billing.employee_id
        cls.employees = cls.employee | cls.employee_approver | cls.employee_billing
        # The employee of company B (``user.employee_id`` is the current company's).
        cls.employee_b = cls.user_employee_b.with_company(cls.company_b).employee_id
        calendar = cls.company.resource_calendar_id
        calendar.tz = "UTC"
        cls.employees.write({"tz": "UTC", "resource_calendar_id": calendar.id})
        env["resource.calendar.leaves"].create(
            {
                "name": "PSA Test Public Holiday",
                "company_id": cls.company.id,
                "resource_id": False,
                "calendar_id": False,
                "date_from": datetime(2031, 3, 5, 0, 0),
                "date_to": datetime(2031, 3, 5, 23, 59, 59),
            }
        )
        cls.role_consultant = env["psa.role"].create(
            {"name": "PSA Test Consultant", "company_id": False}
        )
        cls.role_architect = env["psa.role"].create({"name": "PSA Test Architect"})
        cls.employee.write(
            {
                "psa_role_ids": [Command.set(cls.role_consultant.ids)],
                "psa_default_role_id": cls.role_consultant.id,
            }
        )
        cls.employee_approver.write(
            {
                "psa_role_ids": [
                    Command.set((cls.role_consultant | cls.role_architect).ids)
                ],
                "psa_default_role_id": cls.role_architect.id,
            }
        )
        w1_end = W1 + timedelta(days=4)
        cls.allocations = env["psa.allocation"].create(
            [
                {
                    "project_id": cls.project_tm.id,
                    "employee_id": cls.employee.id,
                    "date_from": W1,
                    "date_to": W2_END,
                    "mode": "hours_per_day",
                    "hours_per_day": 6.0,
                    "state": "confirmed",
                },
                {
                    "project_id": cls.project_internal.id,
                    "employee_id": cls.employee.id,
                    "date_from": W1,
                    "date_to": w1_end,
                    "mode": "total_hours",
                    "total_hours": 16.0,
                    "state": "tentative",
                },
                {
                    "project_id": cls.project_fixed.id,
                    "employee_id": cls.employee_approver.id,
                    "date_from": W1,
                    "date_to": w1_end,
                    "mode": "percent",
                    "percent": 50.0,
                    "state": "confirmed",
                },
                {
                    "project_id": cls.project_tm.id,
                    "employee_id": cls.employee_billing.id,
                    "date_from": W2,
                    "date_to": W2_END,
                    "mode": "hours_per_day",
                    "hours_per_day": 8.0,
                    "state": "confirmed",
                },
                {
                    "project_id": cls.project_tm.id,
                    "role_id": cls.role_architect.id,
                    "date_from": W1,
                    "date_to": w1_end,
                    "mode": "hours_per_day",
                    "hours_per_day": 8.0,
                    "state": "tentative",
                },
            ]
        )
        env["account.analytic.line"].create(
            [
                {
                    "name": name,
                    "project_id": project.id,
                    "employee_id": employee.id,
                    "date": day,
                    "unit_amount": hours,
                }
                for name, project, employee, day, hours in (
                    ("Analysis", cls.project_tm, cls.employee, W1, 5.0),
                    (
                        "Meeting",
                        cls.project_internal,
                        cls.employee,
                        W1 + timedelta(1),
                        3.0,
                    ),
                    ("Build", cls.project_tm, cls.employee, W2, 2.0),
                    (
                        "Review",
                        cls.project_tm,
                        cls.employee_approver,
                        W1 + timedelta(3),
                        1.0,
                    ),
                )
            ]
        )
        cls.Capacity._refresh(cls.employees, W1, W2_END + timedelta(days=2))


@tagged("post_install", "-at_install")
class TestWorkloadReport(WorkloadDatasetMixin, PsaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_workload_dataset()
        cls.Report = cls.env["psa.workload.report"]
        cls.MEASURES = MEASURES

    def _flags(self, employee):
        rows = self.Report._read_group(
            [("employee_id", "=", employee.id), ("week_start", ">=", W1)],
            ["week_start:day", "is_overallocated", "is_underallocated"],
            ["__count"],
        )
        return {week: (over, under) for week, over, under, _count in rows}

    def test_capacity_allocated_logged_free_per_employee_week(self):
        figures = self._figures(["employee_id", "week_start:day"])
        self.assertEqual(
            figures[self.employee.id, W1],
            {
                "capacity_hours": 32.0,  # 40 h minus the Wednesday holiday
                "allocated_confirmed_hours": 24.0,
                "allocated_tentative_hours": 16.0,
                "allocated_hours": 40.0,
                "logged_hours": 8.0,
                "free_hours": -8.0,
            },
        )
        self.assertEqual(
            figures[self.employee.id, W2],
            {
                "capacity_hours": 40.0,
                "allocated_confirmed_hours": 30.0,
                "allocated_tentative_hours": 0.0,
                "allocated_hours": 30.0,
                "logged_hours": 2.0,
                "free_hours": 10.0,
            },
        )
        approver_w1 = figures[self.employee_approver.id, W1]
        self.assertEqual(
            (
                approver_w1["capacity_hours"],
                approver_w1["allocated_hours"],
                approver_w1["logged_hours"],
                approver_w1["free_hours"],
            ),
            (32.0, 16.0, 1.0, 16.0),
        )
        self.assertEqual(figures[self.employee_billing.id, W2]["free_hours"], 0.0)
        # The open role is demand for the forecast, not anyone's workload.
        self.assertEqual(
            {employee for employee, _week in figures},
            set(self.employees.ids),
        )

    def test_rows_per_project_sum_to_the_employee_week(self):
        figures = self._figures(
            ["project_id"], [("employee_id", "=", self.employee.id)]
        )
        self.assertEqual(
            set(figures), {(False,), (self.project_tm.id,), (self.project_internal.id,)}
        )
        capacity_row = figures[(False,)]
        self.assertEqual(capacity_row["capacity_hours"], 72.0)
        self.assertEqual(capacity_row["allocated_hours"], 0.0)
        self.assertEqual(capacity_row["free_hours"], 72.0)
        tm = figures[(self.project_tm.id,)]
        self.assertEqual(
            (tm["capacity_hours"], tm["allocated_confirmed_hours"], tm["logged_hours"]),
            (0.0, 54.0, 7.0),
        )
        self.assertEqual(tm["free_hours"], -54.0)
        internal = figures[(self.project_internal.id,)]
        self.assertEqual(
            (internal["allocated_tentative_hours"], internal["logged_hours"]),
            (16.0, 3.0),
        )
        self.assertEqual(sum(f["free_hours"] for f in figures.values()), 72.0 - 70.0)

    def test_over_and_under_allocation_flags_of_the_employee_week(self):
        self.assertEqual(
            self._flags(self.employee), {W1: (True, False), W2: (False, True)}
        )
        self.assertEqual(
            self._flags(self.employee_approver), {W1: (False, True), W2: (False, True)}
        )
        # Exactly at capacity: neither.
        self.assertEqual(self._flags(self.employee_billing)[W2], (False, False))
        # The flags hold for the whole week, whatever project row is filtered.
        over = self.Report._read_group(
            [("is_overallocated", "=", True), ("week_start", ">=", W1)],
            ["employee_id", "project_id", "week_start:day"],
        )
        self.assertEqual(
            set(over),
            {
                (self.employee, self.project_tm.browse(), W1),
                (self.employee, self.project_tm, W1),
                (self.employee, self.project_internal, W1),
            },
        )

    def test_dimensions_department_and_default_role(self):
        department = self.env["hr.department"].create({"name": "PSA Test Delivery"})
        self.employee.department_id = department
        figures = self._figures(
            ["department_id", "role_id"], [("department_id", "=", department.id)]
        )
        self.assertEqual(list(figures), [(department.id, self.role_consultant.id)])
        self.assertEqual(
            figures[department.id, self.role_consultant.id]["capacity_hours"], 72.0
        )

    def test_archived_employees_are_left_out(self):
        self.assertIn((self.employee_billing.id,), self._figures(["employee_id"]))
        self.employee_billing.action_archive()
        self.assertNotIn((self.employee_billing.id,), self._figures(["employee_id"]))

    def test_employee_sees_only_own_rows(self):
        figures = self._figures(["employee_id"], user=self.user_employee)
        self.assertEqual(list(figures), [(self.employee.id,)])
        self.assertEqual(figures[(self.employee.id,)]["free_hours"], 2.0)

    def test_approver_sees_managed_projects_and_own_rows(self):
        figures = self._figures(["employee_id", "project_id"], user=self.user_approver)
        # project_tm and project_internal are managed by the approver.
        self.assertEqual(
            set(figures),
            {
                (self.employee_approver.id, False),
                (self.employee_approver.id, self.project_fixed.id),
                (self.employee_approver.id, self.project_tm.id),
                (self.employee.id, self.project_tm.id),
                (self.employee.id, self.project_internal.id),
                (self.employee_billing.id, self.project_tm.id),
            },
        )

    def test_approver_sees_the_capacity_of_their_teams(self):
        self.env["psa.project.member"].create(
            {"project_id": self.project_tm.id, "employee_id": self.employee.id}
        )
        figures = self._figures(["employee_id", "project_id"], user=self.user_approver)
        self.assertIn((self.employee.id, False), figures)
        self.assertNotIn((self.employee.id, self.project_fixed.id), figures)

    def test_billing_and_admin_see_everyone_of_their_companies(self):
        employee_b = self.employee_b
        self.Capacity._refresh(employee_b, W1, W2_END)
        everyone = set(self._figures(["employee_id"]))
        self.assertIn((employee_b.id,), everyone)
        for user in (self.user_billing, self.user_admin):
            visible = set(self._figures(["employee_id"], user=user))
            self.assertEqual(visible, everyone - {(employee_b.id,)}, user.login)
        own_b = self._figures(["employee_id"], user=self.user_employee_b)
        self.assertEqual(list(own_b), [(employee_b.id,)])

    def test_the_nightly_job_extends_stale_capacity_reads_do_not(self):
        today = date.today()
        week = [("date", ">=", today), ("date", "<=", today + timedelta(days=6))]
        self.Capacity.search(week).unlink()
        self.env["ir.config_parameter"].set_param(FRESH_PARAM, False)
        # Reads may run on a read replica: they never write (see
        # test_report_readonly for the web client's routes).
        self.Report.with_user(self.user_employee).web_search_read(
            [], {"capacity_hours": {}}, limit=1
        )
        self.assertFalse(self.Capacity.search_count(week))
        self.Capacity._cron_refresh()
        self.assertTrue(
            self.Capacity.search_count([*week, ("employee_id", "=", self.employee.id)])
        )

    def test_action_refreshes_capacity_and_opens_the_pivot(self):
        self.env["ir.config_parameter"].set_param(FRESH_PARAM, False)
        action = self.Report.with_user(self.user_employee).action_open_workload()
        self.assertEqual(action["res_model"], "psa.workload.report")
        self.assertEqual(action["view_mode"].split(","), ["pivot", "graph"])
        self.assertIn("search_default_next_12_weeks", action["context"])
        self.assertFalse(self.Capacity._ensure_fresh(), "refreshed once a day")
        # The report's views load for an employee.
        for view_type in ("pivot", "graph", "search"):
            self.Report.with_user(self.user_employee).get_views([(False, view_type)])

    def test_query_count_does_not_depend_on_the_number_of_weeks(self):
        self.Capacity._refresh(self.employees, W1, W1 + timedelta(weeks=26))
        report = self.Report.with_user(self.user_admin)

        def read(weeks):
            return report._read_group(
                [
                    ("week_start", ">=", W1),
                    ("week_start", "<", W1 + timedelta(weeks=weeks)),
                ],
                ["employee_id", "week_start:day"],
                MEASURES,
            )

        read(1)  # warm the access rights and record rules caches
        # One query, whatever the number of weeks (and of employees).
        with self.assertQueryCount(1):
            four = read(4)
        with self.assertQueryCount(1):
            many = read(26)
        self.assertEqual(len(four), 3 * 4)
        self.assertEqual(len(many), 3 * 26)
