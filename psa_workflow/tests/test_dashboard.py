# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import date_utils

from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY

WEEK = (DAY, DAY + timedelta(days=4))
MONTH = (date(2019, 3, 1), date(2019, 3, 31))
HOURS = (
    "capacity_hours",
    "staff_capacity_hours",
    "target_hours",
    "logged_hours",
    "billable_hours",
    "non_billable_hours",
    "staff_billable_hours",
)
MONEY_KEYS = {"profitability", "revenue", "currency"}


@tagged("post_install", "-at_install")
class TestDashboard(PsaInvoicingCommon):
    """The dashboard's figures for the week of ``test_reporting`` (March 2019):

    the employee (cost 40.00/h, billed 100.00/h, a 40 h week) logs on the
    time & materials project 2.0 + 1.5 h (invoiced on 11 March, posted:
    350.00), 3.0 h (approved: 300.00), 0.5 h (draft), 4.0 h (rejected, left
    out), and 1.0 h on the internal project; an approved expense of 100.00 is
    re-billed at cost; 2 h a day of the week are planned on the project.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["psa.employee.capacity"]._refresh(cls.emp, *WEEK)
        cls.Dashboard = cls.env["psa.dashboard"]

    def setUp(self):
        super().setUp()
        invoiced = self._approved(2.0, 1.5)
        self.invoice, _skipped = self._invoice(date_to=DAY + timedelta(days=1))
        self.invoice.invoice_date = DAY + timedelta(days=7)
        self.invoice.with_user(self.user_billing).action_post()
        self.assertEqual(invoiced.mapped("psa_state"), ["invoiced"] * 2)
        approved = self._log(hours=3.0, day=DAY + timedelta(days=2))
        approved.with_user(self.user_employee).action_psa_submit()
        approved.with_user(self.user_approver).action_psa_approve()
        self._log(hours=0.5, day=DAY + timedelta(days=3))
        rejected = self._log(hours=4.0, day=DAY + timedelta(days=3))
        rejected.with_user(self.user_employee).action_psa_submit()
        rejected.with_user(self.user_approver).action_psa_reject(reason="No")
        self._log(hours=1.0, project=self.project_internal, day=WEEK[1])
        self._approved_expense(100.0)
        self.env["psa.allocation"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.emp.id,
                "date_from": WEEK[0],
                "date_to": WEEK[1],
                "hours_per_day": 2.0,
                "state": "confirmed",
            }
        )

    def _figures(self, user, period=MONTH):
        # "Today" is the month's last day: capacity to date = the month's.
        return (
            self.Dashboard.with_user(user)
            .with_context(psa_today=MONTH[1])
            .get_figures(*period)
        )

    def _report_sums(self, model, measures, user, ratios=()):
        """The sums (and ratios) of a report over the month, read as ``user``
        the way the pivot view reads them."""
        Report = self.env[model].with_user(user)
        domain = [("date", ">=", MONTH[0]), ("date", "<=", MONTH[1])]
        specs = [f"{name}:sum" for name in measures] + list(ratios)
        [row] = Report.read_group(domain, specs, [])
        sums = {name: row[name] or 0.0 for name in measures}
        # No base: None in the report, False in the dashboard (XML-RPC).
        return {
            **sums,
            **{name: False if row[name] is None else row[name] for name in ratios},
        }

    def test_figures_of_the_month(self):
        figures = self._figures(self.user_billing)
        # Work in progress: a balance of today, not of the period (see
        # test_figures: the demo data has some too).
        self.assertEqual(set(figures.pop("wip")), {"total", "by_source", "by_currency"})
        self.assertEqual(
            figures,
            {
                "date_from": "2019-03-01",
                "date_to": "2019-03-31",
                "full_period": False,
                "to_date": "2019-03-31",
                "utilization": {
                    "capacity_hours": 40.0,
                    "staff_capacity_hours": 40.0,
                    "target_hours": 30.0,
                    "logged_hours": 8.0,
                    "billable_hours": 7.0,
                    "non_billable_hours": 1.0,
                    "staff_billable_hours": 7.0,
                    "staff": {"counted": 1, "excluded": 0},
                    "billable_value": 700.0,
                    "standard_value": 700.0,  # billed at the role's rate
                    "invoiced_amount": 350.0,
                    "utilization": 17.5,
                    "target": 75.0,
                    "realization": 50.0,
                },
                "profitability": {
                    # 6.5 h approved (3.5 of them invoiced) + the expense
                    # re-billed, at the date of the work
                    "revenue": 750.0,
                    # the same 6.5 h x 40.00 + the expense; the internal
                    # project (no customer) is no client's profitability
                    "cost": 360.0,
                    "margin": 390.0,
                    "margin_percent": 390.0 / 750.0 * 100,
                    "revenue_invoiced": 350.0,  # beside
                    "unapproved_cost": 20.0,  # the draft 0.5 h, apart
                    # Collections: the invoice posted, not paid
                    "collected": 0.0,
                    "outstanding": 350.0,
                    "paid_days": 0.0,
                    "paid_amount": 0.0,
                    "days_to_pay": False,  # no paid invoice
                    "top_customers": [
                        {
                            "partner_id": self.customer.id,
                            "name": self.customer.display_name,
                            "margin": 390.0,  # the internal project: no customer
                            "revenue": 750.0,
                            "margin_percent": 390.0 / 750.0 * 100,
                        }
                    ],
                },
                "revenue": {
                    "projected": 1000.0,  # 10 h planned x 100.00
                    "earned": 750.0,  # 6.5 h approved + the expense
                    "invoiced": 350.0,
                    "wip": 400.0,
                },
                "currency": {
                    "id": self.company.currency_id.id,
                    "symbol": self.company.currency_id.symbol,
                    "position": self.company.currency_id.position,
                    "decimal_places": self.company.currency_id.decimal_places,
                },
            },
        )
        # Another period: nothing of it.
        april = self._figures(self.user_billing, (date(2019, 4, 1), date(2019, 4, 30)))
        self.assertEqual(april["utilization"]["logged_hours"], 0.0)
        self.assertEqual(april["profitability"]["revenue"], 0.0)
        self.assertEqual(april["profitability"]["top_customers"], [])
        self.assertEqual(april["revenue"]["wip"], 0.0)

    def test_figures_equal_the_reports(self):
        for user in (
            self.user_employee,
            self.user_approver,
            self.user_billing,
            self.user_admin,
        ):
            figures = self._figures(user)
            amounts = user.has_group("psa_workflow.group_psa_approver") or (
                user.has_group("psa_workflow.group_psa_billing")
            )
            measures = HOURS + (
                ("billable_value", "standard_value", "invoiced_amount")
                if amounts
                else ()
            )
            ratios = ("utilization", "target") + (("realization",) if amounts else ())
            utilization = dict(figures["utilization"])
            utilization.pop("staff")
            self.assertEqual(
                utilization,
                self._report_sums("psa.utilization.report", measures, user, ratios),
                user.login,
            )
            if not amounts:
                continue
            profitability = dict(figures["profitability"])
            profitability.pop("top_customers")
            self.assertEqual(
                profitability,
                self._report_sums(
                    "psa.profitability.report",
                    (
                        "revenue",
                        "cost",
                        "margin",
                        "revenue_invoiced",
                        "unapproved_cost",
                        "collected",
                        "outstanding",
                        "paid_days",
                        "paid_amount",
                    ),
                    user,
                    ("margin_percent", "days_to_pay"),
                ),
                user.login,
            )
            self.assertEqual(
                figures["revenue"],
                self._report_sums(
                    "psa.revenue.report",
                    ("projected", "earned", "invoiced", "wip"),
                    user,
                ),
                user.login,
            )

    def test_employee_sees_their_own_hours_and_no_money(self):
        # The approver's own time counts for others, not for the employee.
        self._log(hours=1.0, user=self.user_approver, day=DAY)
        figures = self._figures(self.user_employee)
        self.assertEqual(
            set(figures),
            {"date_from", "date_to", "full_period", "to_date", "utilization"},
        )
        self.assertFalse(MONEY_KEYS & set(figures))
        self.assertEqual(
            figures["utilization"],
            {
                "capacity_hours": 40.0,
                "staff_capacity_hours": 40.0,
                "target_hours": 30.0,
                "logged_hours": 8.0,
                "billable_hours": 7.0,
                "non_billable_hours": 1.0,
                "staff_billable_hours": 7.0,
                "staff": {"counted": 1, "excluded": 0},
                "utilization": 17.5,
                "target": 75.0,
            },
        )
        self.assertEqual(
            self._figures(self.user_billing)["utilization"]["logged_hours"], 9.0
        )

    def test_approver_sees_the_projects_they_manage(self):
        # Time on the fixed-price project, managed by the administrator: 2 h at
        # a cost of 40.00, no revenue (the installments bill it).
        fixed = self._log(hours=2.0, project=self.project_fixed, day=WEEK[1])
        fixed.with_user(self.user_employee).action_psa_submit()
        fixed.with_user(self.user_admin).action_psa_approve()
        approver = self._figures(self.user_approver)
        billing = self._figures(self.user_billing)
        self.assertEqual(approver["utilization"]["logged_hours"], 8.0)
        self.assertEqual(billing["utilization"]["logged_hours"], 10.0)
        self.assertEqual(
            (approver["profitability"]["cost"], approver["profitability"]["margin"]),
            (360.0, 390.0),  # the internal project: no client profitability
        )
        self.assertEqual(
            (billing["profitability"]["cost"], billing["profitability"]["margin"]),
            (440.0, 310.0),
        )
        self.assertEqual(
            [row["partner_id"] for row in approver["profitability"]["top_customers"]],
            [self.customer.id],
        )
        self.assertEqual(
            [
                (row["partner_id"], row["margin"])
                for row in billing["profitability"]["top_customers"]
            ],
            [(self.customer.id, 390.0), (self.customer_eur.id, -80.0)],
        )
        self.assertIn("realization", approver["utilization"])
        self.assertEqual(approver["revenue"], billing["revenue"])

    def test_timesheets_to_approve(self):
        before = self._figures(self.user_admin)["to_approve"]  # demo data
        managed = self._log(hours=1.5, day=DAY + timedelta(days=1))
        other = self._log(hours=0.5, project=self.project_fixed, day=DAY)
        own = self._log(hours=1.0, user=self.user_approver, day=DAY)
        (managed | other).with_user(self.user_employee).action_psa_submit()
        own.with_user(self.user_approver).action_psa_submit()
        # Approvers: the projects they manage, not their own time.
        approver = self._figures(self.user_approver)
        self.assertEqual(approver["to_approve"], 1)
        admin = self._figures(self.user_admin)
        self.assertEqual(admin["to_approve"] - before, 3)
        # Whatever the period, and only for approvers.
        later = self._figures(self.user_approver, (date(2031, 1, 1), date(2031, 1, 31)))
        self.assertEqual(later["to_approve"], 1)
        for user in (self.user_employee, self.user_billing):
            figures = self._figures(user)
            self.assertNotIn("to_approve", figures)
            self.assertNotIn("expenses_to_approve", figures)

    def _queue(self, user, xmlid):
        """The records the server action of the menu ``xmlid`` lists for ``user``."""
        action = self.env.ref(xmlid).with_user(user).run()
        return self.env[action["res_model"]].with_user(user).search(action["domain"])

    def test_dashboard_counts_the_approval_queue(self):
        """The dashboard's count is the queue's: the approver's own time,
        submitted on a project they manage, is in neither (another approver
        approves it); what the queue lists, they can approve."""
        own = self._log(hours=1.0, user=self.user_approver, day=DAY)
        own.with_user(self.user_approver).action_psa_submit()
        theirs = self._log(hours=1.5, day=DAY + timedelta(days=1))
        theirs.with_user(self.user_employee).action_psa_submit()
        queue_xmlid = "psa_workflow.account_analytic_line_server_action_to_approve"
        for user in (self.user_approver, self.user_admin):
            queue = self._queue(user, queue_xmlid)
            self.assertEqual(self._figures(user)["to_approve"], len(queue), user.login)
            self.assertIn(theirs, queue)
        approver_queue = self._queue(self.user_approver, queue_xmlid)
        self.assertEqual(approver_queue, theirs)
        self.assertNotIn(own, approver_queue)
        self.assertIn(own, self._queue(self.user_admin, queue_xmlid))
        self.assertFalse(approver_queue._psa_approval_conflicts())
        approver_queue.action_psa_approve()
        self.assertEqual(self._figures(self.user_approver)["to_approve"], 0)

    def _submitted_sheet(self, user, name):
        """An expense report of ``user``'s employee, submitted."""
        expense = self._create_expense(name, amount=30.0, user=user, date=DAY)
        sheet = self._create_expense_sheet(expense, name, user=user)
        sheet.action_submit_sheet()
        self.assertEqual(sheet.state, "submit")
        return sheet.with_env(self.env)

    def test_expense_reports_to_approve(self):
        """Approvers count and open the expense reports submitted to them (as
        the employee's manager), not their own nor other teams'."""
        before = self._figures(self.user_admin)["expenses_to_approve"]  # demo data
        self.emp.parent_id = self.approver_emp
        team = self._submitted_sheet(self.user_employee, "Team taxi")
        other_team = self._submitted_sheet(self.user_billing, "Other taxi")
        own = self._submitted_sheet(self.user_approver, "Own taxi")
        self.assertEqual(team.user_id, self.user_approver)
        approver = self._figures(self.user_approver)
        self.assertEqual(approver["expenses_to_approve"], 1)
        queue_xmlid = "psa_workflow.hr_expense_sheet_server_action_to_approve"
        queue = self._queue(self.user_approver, queue_xmlid)
        self.assertEqual(queue, team)
        # Odoo agrees: the approver may approve what is listed, not the others.
        self.assertTrue(queue.can_approve)
        Sheet = self.env["hr.expense.sheet"].with_user(self.user_approver)
        self.assertFalse(Sheet.browse(other_team.id).can_approve)
        self.assertFalse(Sheet.browse(own.id).can_approve)
        # Expense administrators (PSA administrators): every team's.
        admin_queue = self._queue(self.user_admin, queue_xmlid)
        self.assertEqual(len(admin_queue), before + 3)
        self.assertEqual(
            self._figures(self.user_admin)["expenses_to_approve"], len(admin_queue)
        )
        queue.action_approve_expense_sheets()
        self.assertEqual(self._figures(self.user_approver)["expenses_to_approve"], 0)

    def test_default_period_is_this_month(self):
        figures = self.Dashboard.with_user(self.user_employee).get_figures()
        today = fields.Date.context_today(self.Dashboard)
        self.assertEqual(
            (figures["date_from"], figures["date_to"]),
            (
                fields.Date.to_string(date_utils.start_of(today, "month")),
                fields.Date.to_string(date_utils.end_of(today, "month")),
            ),
        )
        with self.assertRaises(UserError):
            self.Dashboard.get_figures("2019-03-31", "2019-03-01")

    def test_cards_open_the_reports_on_the_period(self):
        Dashboard = self.Dashboard.with_user(self.user_billing)
        action = Dashboard.open_report(
            "profitability", "2019-03-01", "2019-03-31", self.customer.id
        )
        self.assertEqual(action["res_model"], "psa.profitability.report")
        self.assertEqual(
            action["domain"],
            [
                ("date", ">=", "2019-03-01"),
                ("date", "<=", "2019-03-31"),
                ("partner_id", "=", self.customer.id),
            ],
        )
        self.assertEqual(
            action["display_name"],
            "Client Profitability (PSA Test Customer, 03/01/2019 - 03/31/2019)",
        )
        Report = self.env[action["res_model"]].with_user(self.user_billing)
        [row] = Report.read_group(action["domain"], ["margin:sum"], [])
        self.assertEqual(row["margin"], 390.0)
        action = Dashboard.open_report("utilization", "2019-03-01", "2019-03-31")
        self.assertEqual(
            (action["res_model"], action["context"]), ("psa.utilization.report", {})
        )
        with self.assertRaises(UserError):
            Dashboard.open_report("account.move")


@tagged("post_install", "-at_install")
class TestDashboardQueries(PsaInvoicingCommon):
    """The figures are sums computed by the database: as many queries for ten
    timesheets as for two hundred."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["psa.employee.capacity"]._refresh(cls.emp, *WEEK)
        # The daily extension of the capacity (once a day) is done.
        cls.env["psa.employee.capacity"]._ensure_fresh()

    def _add_lines(self, count):
        lines = self.env["account.analytic.line"].create(
            [
                {
                    "project_id": self.project_tm.id,
                    "employee_id": self.emp.id,
                    "name": f"Work {index}",
                    "unit_amount": 0.25 + (index % 4) * 0.25,
                    "date": MONTH[0] + timedelta(days=index % 31),
                }
                for index in range(count)
            ]
        )
        half = lines[: count // 2]
        half.action_psa_submit()
        half[: count // 4].with_user(self.user_approver).action_psa_approve()

    def _queries(self, user):
        """Queries of the figures of the month, the record cache empty. The
        first call warms the registry's caches (the user's rules)."""
        Dashboard = self.env["psa.dashboard"].with_user(user)
        for _attempt in range(2):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            figures = Dashboard.get_figures(*MONTH)
        return self.env.cr.sql_log_count - before, figures

    def test_query_count_does_not_grow_with_timesheets(self):
        users = (self.user_employee, self.user_approver, self.user_billing)
        self._add_lines(10)
        small = {user.login: self._queries(user) for user in users}
        self._add_lines(200)
        large = {user.login: self._queries(user) for user in users}
        for user in users:
            (small_count, small_figures), (large_count, large_figures) = (
                small[user.login],
                large[user.login],
            )
            self.assertEqual(small_count, large_count, user.login)
            self.assertLess(large_count, 25, user.login)
            self.assertGreater(
                large_figures["utilization"]["logged_hours"],
                small_figures["utilization"]["logged_hours"],
            )
        # Submitted: 5 - 2 approved, then 100 - 50 approved.
        self.assertEqual(large["psa_approver"][1]["to_approve"], 53)
