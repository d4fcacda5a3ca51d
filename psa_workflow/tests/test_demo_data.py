# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unittest
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

DEMO_PROJECTS = (
    "project_tm_demo",
    "project_fixed_demo",
    "project_milestone_demo",
    "project_internal_demo",
    "project_finished_demo",
)
DEMO_EMPLOYEES = (
    "employee_director_demo",
    "employee_pm_demo",
    "employee_consultant_demo",
    "employee_analyst_demo",
    "employee_architect_demo",
    "employee_developer_demo",
    "employee_junior_demo",
    "employee_accountant_demo",
)


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo firm that set-up installs: every later view needs these facts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("psa_workflow.project_tm_demo", raise_if_not_found=False):
            raise unittest.SkipTest("psa_workflow was installed without demo data")
        cls.projects = cls.env["project.project"].browse(
            [cls.env.ref(f"psa_workflow.{x}").id for x in DEMO_PROJECTS]
        )
        cls.employees = cls.env["hr.employee"].browse(
            [cls.env.ref(f"psa_workflow.{x}").id for x in DEMO_EMPLOYEES]
        )
        cls.today = fields.Date.context_today(cls.env.user)

    def test_customers_one_billed_in_a_foreign_currency(self):
        customers = self.projects.partner_id
        self.assertGreaterEqual(len(customers), 3)
        company_currency = self.env.company.currency_id
        foreign = customers.filtered(
            lambda p: p.property_product_pricelist.currency_id != company_currency
        )
        self.assertEqual(foreign.property_product_pricelist.currency_id.name, "EUR")
        self.assertTrue(foreign.property_product_pricelist.currency_id.rate_ids)

    def test_eight_employees_with_costs_calendars_and_managers(self):
        self.assertEqual(len(self.employees), 8)
        self.assertTrue(all(e.hourly_cost > 0 for e in self.employees))
        self.assertTrue(all(e.resource_calendar_id for e in self.employees))
        self.assertGreaterEqual(len(self.employees.resource_calendar_id), 2)
        without_manager = self.employees.filtered(lambda e: not e.parent_id)
        self.assertEqual(
            without_manager, self.env.ref("psa_workflow.employee_director_demo")
        )
        # The demo users can log in to the matching roles.
        self.assertTrue(
            self.env.ref("psa_workflow.user_pm_demo").has_group(
                "psa_workflow.group_psa_approver"
            )
        )
        self.assertTrue(
            self.env.ref("psa_workflow.user_accountant_demo").has_group(
                "psa_workflow.group_psa_billing"
            )
        )

    def test_five_projects_one_per_billing_model_and_one_finished(self):
        self.assertEqual(
            set(self.projects.mapped("psa_billing_type")),
            {"time_material", "fixed_price", "milestone", "non_billable"},
        )
        finished = self.env.ref("psa_workflow.project_finished_demo")
        self.assertTrue(finished.stage_id.fold)
        self.assertLess(finished.date, self.today)
        milestones = self.env.ref("psa_workflow.project_milestone_demo").milestone_ids
        self.assertGreaterEqual(len(milestones), 3)
        self.assertTrue(any(milestones.mapped("is_reached")))

    def test_tasks_have_stages_and_assignees(self):
        tasks = self.projects.with_context(active_test=False).tasks
        self.assertGreaterEqual(len(tasks), 10)
        for task in tasks:
            self.assertIn(task.stage_id, task.project_id.type_ids, task.name)
            self.assertTrue(task.user_ids, task.name)
            # A task in the folded "Done" stage is closed, the others open:
            # the timesheets' task picker shows the open ones.
            self.assertEqual(task.is_closed, task.stage_id.fold, task.name)
        self.assertEqual(
            self.projects.type_ids.sorted("sequence").mapped("fold"),
            [False, False, True],
        )
        self.assertTrue(any(tasks.mapped("is_closed")))
        # The consultant logs time on tasks assigned to colleagues too.
        consultant = self.env.ref("psa_workflow.user_consultant_demo")
        logged = (
            self.env["account.analytic.line"]
            .search([("user_id", "=", consultant.id), ("task_id", "!=", False)])
            .task_id
        )
        self.assertTrue(logged.filtered(lambda task: consultant not in task.user_ids))

    def test_two_months_of_timesheets_dated_relative_to_today(self):
        groups = self.env["account.analytic.line"]._read_group(
            [("project_id", "in", self.projects.ids)],
            ["employee_id"],
            ["date:min", "date:max", "unit_amount:sum", "amount:sum", "__count"],
        )
        self.assertEqual({g[0] for g in groups}, set(self.employees))
        first = min(g[1] for g in groups)
        last = max(g[2] for g in groups)
        self.assertLessEqual(first, self.today - timedelta(days=55))
        self.assertGreaterEqual(last, self.today - timedelta(days=7))
        self.assertLess(last, self.today)
        for employee, _first, _last, hours, cost, count in groups:
            self.assertGreater(count, 10, employee.name)
            # Cost stays Odoo's: hours x the employee's hourly cost, negative.
            self.assertAlmostEqual(cost, -hours * employee.hourly_cost, places=2)

    def test_public_holidays_have_no_capacity_and_no_time(self):
        Capacity = self.env["psa.employee.capacity"]
        Line = self.env["account.analytic.line"]
        std = self.env.ref("psa_workflow.employee_pm_demo")
        for year in (self.today.year, self.today.year + 1):
            for month, day in ((12, 25), (1, 1)):
                holiday = self.today.replace(year=year, month=month, day=day)
                with self.subTest(holiday=str(holiday)):
                    leaves = self.env["resource.calendar.leaves"].search(
                        [
                            ("resource_id", "=", False),
                            ("date_from", "<=", f"{holiday} 12:00:00"),
                            ("date_to", ">=", f"{holiday} 12:00:00"),
                        ]
                    )
                    self.assertTrue(leaves)
                    hours = Capacity._employee_daily_hours(std, holiday, holiday)
                    self.assertFalse(hours.get(std.id, {}).get(holiday))
                    self.assertFalse(
                        Line.search_count(
                            [("date", "=", holiday), ("project_id", "!=", False)]
                        )
                    )

    def test_demo_users_land_in_the_psa_app(self):
        landing = {
            "user_pm_demo": "psa_dashboard_action",
            "user_accountant_demo": "psa_dashboard_action",
            "user_consultant_demo": "psa_timesheet_week_action",
        }
        for user, action in landing.items():
            self.assertEqual(
                self.env.ref(f"psa_workflow.{user}").action_id.id,
                self.env.ref(f"psa_workflow.{action}").id,
                user,
            )

    def test_no_timesheet_outside_its_project_dates(self):
        for project in self.projects.filtered("date_start"):
            outside = self.env["account.analytic.line"].search_count(
                [
                    ("project_id", "=", project.id),
                    "|",
                    ("date", "<", project.date_start),
                    ("date", ">", project.date),
                ]
            )
            self.assertEqual(outside, 0, project.name)

    def test_expenses_in_varied_states_on_projects(self):
        expenses = self.env["hr.expense"].search(
            [("employee_id", "in", self.employees.ids)]
        )
        self.assertGreaterEqual(len(expenses), 15)
        self.assertTrue(
            {"draft", "reported", "submitted", "approved", "refused"}
            <= set(expenses.mapped("state"))
        )
        project_accounts = {str(a.id) for a in self.projects.account_id}
        self.assertTrue(
            all(set(e.analytic_distribution or {}) & project_accounts for e in expenses)
        )

    def test_the_first_month_is_invoiced_and_reported(self):
        invoices = self.env["psa.invoice.link"].search([]).move_id
        self.assertTrue(invoices)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        Report = self.env["psa.profitability.report"]
        [[invoiced]] = Report._read_group(
            [("move_id", "in", invoices.ids)], [], ["revenue_invoiced:sum"]
        )
        self.assertAlmostEqual(
            invoiced, sum(invoices.mapped("amount_untaxed_signed")), places=2
        )
        [[earned, cost]] = Report._read_group(
            [("project_id", "in", self.projects.ids)],
            [],
            ["revenue:sum", "cost:sum"],
        )
        self.assertGreater(earned, 0.0)
        self.assertGreater(cost, 0.0)

    def test_the_customer_contact_follows_northwind_in_the_portal(self):
        user = self.env.ref("psa_workflow.user_customer_demo")
        self.assertTrue(user._is_portal())
        invoices = (
            self.env["account.move"]
            .with_user(user)
            .search([("move_type", "=", "out_invoice"), ("state", "=", "posted")])
        )
        self.assertTrue(invoices.sudo().psa_link_ids)
        work = invoices[:1]._psa_portal_work()
        self.assertAlmostEqual(
            work["total"],
            sum(invoices[:1].sudo().psa_link_ids.mapped("amount")),
            places=2,
        )
        project = self.env.ref("psa_workflow.project_tm_demo")
        self.assertTrue(project._psa_portal_visible_to(user))
        months = project._psa_portal_progress()["months"]
        self.assertAlmostEqual(
            sum(month["amount"] for month in months),
            project.psa_approved_amount,
            places=2,
        )
