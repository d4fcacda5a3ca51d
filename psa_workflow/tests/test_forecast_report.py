# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PsaCommon
from .test_workload_report import W1, W2, W2_END, WorkloadDatasetMixin

MEASURES = [
    "demand_hours:sum",
    "demand_open_hours:sum",
    "demand_confirmed_hours:sum",
    "supply_hours:sum",
    "gap_hours:sum",
]


@tagged("post_install", "-at_install")
class TestForecastReport(WorkloadDatasetMixin, PsaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_workload_dataset()
        cls.Report = cls.env["psa.forecast.report"]
        cls.MEASURES = MEASURES

    def test_demand_supply_and_gap_per_role_and_week(self):
        figures = self._figures(["role_id", "week_start:day"])
        consultant, architect = self.role_consultant.id, self.role_architect.id
        # Consultants: the employee and the approver (32 h each in week 1).
        self.assertEqual(
            figures[consultant, W1],
            {
                "demand_hours": 40.0,
                "demand_open_hours": 0.0,
                "demand_confirmed_hours": 24.0,
                "supply_hours": 64.0,
                "gap_hours": 24.0,
            },
        )
        self.assertEqual(
            figures[consultant, W2],
            {
                "demand_hours": 30.0,
                "demand_open_hours": 0.0,
                "demand_confirmed_hours": 30.0,
                "supply_hours": 80.0,
                "gap_hours": 50.0,
            },
        )
        # Architects: the approver only; an open role of 32 h and 16 h staffed.
        self.assertEqual(
            figures[architect, W1],
            {
                "demand_hours": 48.0,
                "demand_open_hours": 32.0,
                "demand_confirmed_hours": 16.0,
                "supply_hours": 32.0,
                "gap_hours": -16.0,
            },
        )
        self.assertEqual(figures[architect, W2]["gap_hours"], 40.0)
        # The billing user has no role: demand without a role, no supply.
        self.assertEqual(figures[False, W2]["demand_hours"], 40.0)
        self.assertEqual(figures[False, W2]["supply_hours"], 0.0)

    def test_demand_by_project_and_supply_without_project(self):
        figures = self._figures(
            ["project_id"],
            [("role_id", "=", self.role_architect.id), ("week_start", "=", W1)],
        )
        self.assertEqual(
            figures,
            {
                (False,): {
                    "demand_hours": 0.0,
                    "demand_open_hours": 0.0,
                    "demand_confirmed_hours": 0.0,
                    "supply_hours": 32.0,
                    "gap_hours": 32.0,
                },
                (self.project_tm.id,): {
                    "demand_hours": 32.0,
                    "demand_open_hours": 32.0,
                    "demand_confirmed_hours": 0.0,
                    "supply_hours": 0.0,
                    "gap_hours": -32.0,
                },
                (self.project_fixed.id,): {
                    "demand_hours": 16.0,
                    "demand_open_hours": 0.0,
                    "demand_confirmed_hours": 16.0,
                    "supply_hours": 0.0,
                    "gap_hours": -16.0,
                },
            },
        )

    def test_planned_revenue_is_the_allocation_days_revenue(self):
        lines = self.env["psa.allocation.line"]._read_group(
            [("allocation_id", "in", self.allocations.ids)],
            ["role_id"],
            ["planned_revenue:sum"],
        )
        report = self.Report._read_group(
            [("week_start", ">=", W1), ("week_start", "<=", W2)],
            ["role_id"],
            ["planned_revenue:sum"],
        )
        self.assertEqual(dict(report), dict(lines))
        fixed = self.Report._read_group(
            [("project_id", "=", self.project_fixed.id)], [], ["planned_revenue:sum"]
        )
        self.assertEqual(fixed, [(0.0,)])

    def test_month_grouping_and_archived_employees_supply(self):
        months = self._figures(["role_id", "week_start:month"])
        consultant = self.role_consultant.id
        self.assertEqual(months[consultant, W1.replace(day=1)]["supply_hours"], 144.0)
        self.employee_approver.active = False
        months = self._figures(["role_id", "week_start:month"])
        # The approver's capacity leaves the supply; his allocation stays demand.
        self.assertEqual(months[consultant, W1.replace(day=1)]["supply_hours"], 72.0)
        self.assertNotIn(
            (self.role_architect.id, W1.replace(day=1)),
            {key for key, values in months.items() if values["supply_hours"]},
        )
        self.assertEqual(
            months[self.role_architect.id, W1.replace(day=1)]["demand_hours"], 48.0
        )

    def test_access_approver_billing_not_employees_and_multi_company(self):
        employee_b = self.employee_b
        employee_b.psa_role_ids = self.role_consultant  # a role shared by companies
        self.Capacity._refresh(employee_b, W1, W2_END)
        all_companies = self._figures(["company_id"])
        self.assertIn((self.company_b.id,), all_companies)
        for user in (self.user_approver, self.user_billing, self.user_admin):
            visible = self._figures(["company_id"], user=user)
            self.assertEqual(list(visible), [(self.company.id,)], user.login)
            self.assertEqual(
                visible[(self.company.id,)], all_companies[(self.company.id,)]
            )
        with self.assertRaises(AccessError):
            self.Report.with_user(self.user_employee)._read_group(
                [], ["role_id"], ["demand_hours:sum"]
            )

    def test_action_opens_the_pivot_by_role_and_month(self):
        action = self.Report.with_user(self.user_approver).action_open_forecast()
        self.assertEqual(action["res_model"], "psa.forecast.report")
        self.assertEqual(action["view_mode"].split(",")[0], "pivot")
        pivot = self.Report.with_user(self.user_approver).get_views([(False, "pivot")])
        arch = pivot["views"]["pivot"]["arch"]
        self.assertIn('name="role_id" type="row"', arch)
        self.assertIn('interval="month"', arch)
        self.assertTrue(self.Report.search_count([("week_start", ">=", W1)]))
        self.assertFalse(
            self.Report.search_count(
                [("week_start", ">=", W1), ("week_start", "<", W1 - timedelta(1))]
            )
        )
