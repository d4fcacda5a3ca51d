# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

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
        # Consultants: the employee (32 h in week 1). The approver, a consultant
        # too, supplies his default role (architect): he is not allocated as a
        # consultant.
        self.assertEqual(
            figures[consultant, W1],
            {
                "demand_hours": 40.0,
                "demand_open_hours": 0.0,
                "demand_confirmed_hours": 24.0,
                "supply_hours": 32.0,
                "gap_hours": -8.0,
            },
        )
        self.assertEqual(
            figures[consultant, W2],
            {
                "demand_hours": 30.0,
                "demand_open_hours": 0.0,
                "demand_confirmed_hours": 30.0,
                "supply_hours": 40.0,
                "gap_hours": 10.0,
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
        self.assertEqual(months[consultant, W1.replace(day=1)]["supply_hours"], 72.0)
        self.assertEqual(
            months[self.role_architect.id, W1.replace(day=1)]["supply_hours"], 72.0
        )
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
        self.assertIn('name="date" interval="month" type="col"', arch)
        # Hours in one format everywhere: Odoo's durations, H:MM (#25).
        for view_type in ("pivot", "list"):
            views = self.Report.with_user(self.user_approver).get_views(
                [(False, view_type)]
            )
            arch = views["views"][view_type]["arch"]
            self.assertNotRegex(arch, r'name="\w*hours"(?![^>]*float_time)')
        self.assertEqual(
            self.Report._fields["supply_hours"].get_digits(self.env), (16, 2)
        )
        self.assertTrue(self.Report.search_count([("week_start", ">=", W1)]))
        self.assertFalse(
            self.Report.search_count(
                [("week_start", ">=", W1), ("week_start", "<", W1 - timedelta(1))]
            )
        )

    def test_a_person_with_two_roles_is_counted_once_in_supply(self):
        # The approver (consultant and architect, default architect) spends
        # half of week 2 as a consultant on the T&M project.
        self.env["psa.allocation"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.employee_approver.id,
                "role_id": self.role_consultant.id,
                "date_from": W2,
                "date_to": W2_END,
                "mode": "hours_per_day",
                "hours_per_day": 4.0,
            }
        )
        figures = self._figures(["role_id", "week_start:day"])
        consultant, architect = self.role_consultant.id, self.role_architect.id
        # Consultant: the employee (40 h) and the approver's 20 h as consultant;
        # architect: the rest of the approver's week.
        self.assertEqual(figures[consultant, W2]["supply_hours"], 60.0)
        self.assertEqual(figures[architect, W2]["supply_hours"], 20.0)
        # Week 1: allocated as architect 16 h, the rest to his default role.
        self.assertEqual(figures[architect, W1]["supply_hours"], 32.0)
        capacity = {W1: 0.0, W2: 0.0}
        for row in self.Capacity.search(
            [
                ("employee_id", "in", (self.employee | self.employee_approver).ids),
                ("date", ">=", W1),
                ("date", "<=", W2_END),
            ]
        ):
            capacity[row.date - timedelta(days=row.date.weekday())] += row.hours
        supply = dict(
            self.Report._read_group(
                [("week_start", ">=", W1), ("week_start", "<=", W2)],
                ["week_start:day"],
                ["supply_hours:sum"],
            )
        )
        # All roles together: the real capacity of the people holding a role.
        self.assertEqual(supply, {W1: 64.0, W2: 80.0})
        self.assertEqual(supply, capacity)

    def test_over_allocated_person_supplies_their_capacity_only(self):
        # The employee is planned 40 h for 32 h of capacity in week 1 (both
        # allocations as consultant): he supplies 32 h, not 40.
        figures = self._figures(
            ["week_start:day"], [("role_id", "=", self.role_consultant.id)]
        )
        self.assertEqual(figures[(W1,)]["supply_hours"], 32.0)

    def test_week_across_two_months_is_split_by_days(self):
        # Monday 28 April 2031 to Friday 2 May: 3 days in April, 2 in May.
        monday, friday = date(2031, 4, 28), date(2031, 5, 2)
        self.env["psa.allocation"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.employee.id,
                "date_from": monday,
                "date_to": friday,
                "mode": "hours_per_day",
                "hours_per_day": 6.0,
            }
        )
        self.Capacity._refresh(self.employee, monday, friday)
        domain = [
            ("role_id", "=", self.role_consultant.id),
            ("week_start", "=", monday),
        ]
        months = {
            month: (demand, supply)
            for month, demand, supply in self.Report._read_group(
                domain, ["date:month"], ["demand_hours:sum", "supply_hours:sum"]
            )
        }
        self.assertEqual(
            months,
            {date(2031, 4, 1): (18.0, 24.0), date(2031, 5, 1): (12.0, 16.0)},
        )
        weeks = self.Report._read_group(
            domain, ["week_start:day"], ["demand_hours:sum", "supply_hours:sum"]
        )
        self.assertEqual(weeks, [(monday, 30.0, 40.0)])
