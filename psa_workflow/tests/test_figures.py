# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One definition per figure (issue #11): utilization and capacity to date
within the period (full period on demand), over billable staff, "—" without a
base, and work in progress = earned - invoiced per billing model and
currency; the dashboard, the reports (pivot sums) and the PDF agree."""

from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .invoicing_common import PsaInvoicingCommon

APRIL = (date(2019, 4, 1), date(2019, 4, 30))  # 1 April 2019: a Monday
FIRST, FIFTEENTH, LAST = date(2019, 4, 1), date(2019, 4, 15), date(2019, 4, 30)


@tagged("post_install", "-at_install")
class TestUtilizationFigures(PsaInvoicingCommon):
    """The consultant (default role, target 75 %) logs a full billable day on
    1 April 2019; the billing user's employee (no target, no role: not
    billable staff) logs 4 billable hours that day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.user_billing.employee_id
        cls.emp.psa_utilization_target = 75.0
        Capacity = cls.env["psa.employee.capacity"]
        for employee in cls.emp | cls.other:
            Capacity._refresh(employee, *APRIL)
        cls.Dashboard = cls.env["psa.dashboard"].with_user(cls.user_billing)
        cls.Report = cls.env["psa.utilization.report"].with_user(cls.user_billing)

    def setUp(self):
        super().setUp()
        self._log(hours=8.0, day=FIRST)
        self._log(hours=4.0, day=FIRST, user=self.user_billing)

    def _capacity(self, employee, up_to):
        return sum(
            self.env["psa.employee.capacity"]
            .search(
                [
                    ("employee_id", "=", employee.id),
                    ("date", ">=", APRIL[0]),
                    ("date", "<=", up_to),
                ]
            )
            .mapped("hours")
        )

    def _figures(self, today, full_period=False):
        return self.Dashboard.with_context(psa_today=today).get_figures(
            *APRIL, full_period=full_period
        )["utilization"]

    def _pivot(self, today=None):
        """The utilization pivot's totals, read as it reads them (the
        "Capacity to Date" filter on ``today``, none for the full period)."""
        domain = [("date", ">=", APRIL[0]), ("date", "<=", APRIL[1])]
        if today:
            domain += self.Report._psa_to_date_domain(today)
        [row] = self.Report.read_group(
            domain,
            [
                "capacity_hours:sum",
                "staff_capacity_hours:sum",
                "billable_hours:sum",
                "utilization",
                "target",
            ],
            [],
        )
        return row

    def _pdf(self, today, full_period=False):
        wizard = (
            self.env["psa.report.print"]
            .with_user(self.user_billing)
            .with_context(psa_today=today)
            .create(
                {
                    "report": "utilization",
                    "date_from": APRIL[0],
                    "date_to": APRIL[1],
                    "full_period": full_period,
                }
            )
        )
        return wizard, wizard._utilization_lines()

    def test_utilization_against_target_two_series_of_billable_staff(self):
        """Odoo's graph draws one measure: Utilization vs Target draws two
        series of one (each employee's utilization beside their target),
        billable staff only; the pivot, the PDF and the dashboard's hours
        list billable staff by default too."""
        figures = self._figures(LAST)
        groups = (
            self.env["psa.utilization.target.report"]
            .with_user(self.user_billing)
            .read_group(
                [
                    ("date", ">=", APRIL[0]),
                    ("date", "<=", APRIL[1]),
                    *self.Report._psa_to_date_domain(LAST),
                ],
                ["percent"],
                ["employee_id", "series"],
                lazy=False,
            )
        )
        self.assertEqual(
            {(g["employee_id"][0], g["series"]): g["percent"] for g in groups},
            {
                (self.emp.id, "utilization"): figures["utilization"],
                (self.emp.id, "target"): figures["target"],
            },
        )
        # The HOURS card: billable hours of the same people as the capacity.
        self.assertEqual(figures["staff_billable_hours"], 8.0)
        self.assertEqual(figures["billable_hours"], 12.0)  # everyone's
        self.assertAlmostEqual(
            figures["staff_billable_hours"] / figures["staff_capacity_hours"] * 100,
            figures["utilization"],
            6,
        )
        # The PDF lists billable staff unless asked; the totals are theirs.
        wizard, pdf = self._pdf(LAST)
        self.assertEqual([line["employee"] for line in pdf["lines"]], [self.emp])
        self.assertEqual(pdf["excluded"], 1)
        wizard.include_other_staff = True
        everyone = wizard._utilization_lines()
        self.assertEqual(
            {line["employee"] for line in everyone["lines"]}, {self.emp, self.other}
        )
        self.assertEqual(everyone["total"]["utilization"], pdf["total"]["utilization"])
        # The utilization views open on billable staff; its graph, and the
        # comparison's, draw one measure.
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_workflow.psa_utilization_report_action"
        )
        self.assertIn("'search_default_billable_staff': 1", action["context"])
        for model in ("psa.utilization.report", "psa.utilization.target.report"):
            arch = self.env[model].get_view(view_type="graph")["arch"]
            self.assertEqual(arch.count('type="measure"'), 1, model)

    def test_to_date_on_the_first_fifteenth_and_last_day(self):
        self.assertEqual(self._capacity(self.emp, FIRST), 8.0)
        full_capacity = self._capacity(self.emp, LAST)
        self.assertGreater(full_capacity, 150.0)  # 22 working days
        for today in (FIRST, FIFTEENTH, LAST):
            capacity = self._capacity(self.emp, today)
            figures = self._figures(today)
            self.assertEqual(figures["staff_capacity_hours"], capacity, today)
            self.assertEqual(
                figures["capacity_hours"],
                capacity + self._capacity(self.other, today),
                today,
            )
            self.assertAlmostEqual(figures["utilization"], 8.0 / capacity * 100, 6)
            self.assertAlmostEqual(figures["target"], 75.0, 6)
            # The pivot (its default filter) and the PDF: the same figures.
            pivot = self._pivot(today)
            self.assertEqual(pivot["utilization"], figures["utilization"], today)
            self.assertEqual(pivot["capacity_hours"], figures["capacity_hours"])
            _wizard, pdf = self._pdf(today)
            self.assertEqual(pdf["total"]["utilization"], figures["utilization"])
            self.assertEqual(pdf["total"]["target"], figures["target"])
            self.assertEqual(
                pdf["total"]["staff_capacity_hours"], figures["staff_capacity_hours"]
            )
            # The full period: the whole month's capacity, whatever the day.
            full = self._figures(today, full_period=True)
            self.assertEqual(full["staff_capacity_hours"], full_capacity)
            self.assertAlmostEqual(full["utilization"], 8.0 / full_capacity * 100, 6)
            self.assertEqual(self._pivot()["utilization"], full["utilization"])
            _wizard, pdf = self._pdf(today, full_period=True)
            self.assertEqual(pdf["total"]["utilization"], full["utilization"])
        # On the 1st: a full day logged reads 100 %, not 8 h / the month's.
        self.assertEqual(self._figures(FIRST)["utilization"], 100.0)
        self.assertEqual(
            self._figures(LAST)["utilization"],
            self._figures(FIRST, full_period=True)["utilization"],
        )

    def test_billable_staff_only_in_the_ratios(self):
        figures = self._figures(FIFTEENTH)
        # The other employee's hours count as hours, not in the ratios.
        self.assertEqual(figures["billable_hours"], 12.0)
        self.assertEqual(figures["staff_billable_hours"], 8.0)
        self.assertEqual(figures["staff"], {"counted": 1, "excluded": 1})
        self.assertAlmostEqual(
            figures["utilization"], 8.0 / self._capacity(self.emp, FIFTEENTH) * 100
        )
        # The firm target: over the same people (not pulled down by others).
        self.assertAlmostEqual(figures["target"], 75.0, 6)
        # Per employee (the pivot's rows): the excluded one has no ratio.
        rows = {
            row["employee_id"][0]: row
            for row in self.Report.read_group(
                [("date", ">=", APRIL[0]), ("date", "<=", FIFTEENTH)],
                ["capacity_hours:sum", "utilization", "target"],
                ["employee_id"],
            )
        }
        self.assertGreater(rows[self.other.id]["capacity_hours"], 0.0)
        self.assertIsNone(rows[self.other.id]["utilization"])
        self.assertIsNone(rows[self.other.id]["target"])
        self.assertIsNotNone(rows[self.emp.id]["utilization"])
        # Given a target, they count.
        self.other.psa_utilization_target = 50.0
        self.env.flush_all()
        self.assertEqual(self._figures(FIFTEENTH)["staff"]["counted"], 2)
        # The PDF says so too.
        _wizard, data = self._pdf(FIFTEENTH)
        self.assertEqual((data["staff"], data["excluded"]), (2, 0))

    def test_no_base_no_ratio(self):
        # A period still to come (today: the day before): no capacity yet.
        figures = self._figures(APRIL[0] - timedelta(days=1))
        self.assertEqual(figures["staff_capacity_hours"], 0.0)
        # No ratio ("—"): False, which XML-RPC marshals (None it cannot).
        self.assertIs(figures["utilization"], False)
        self.assertIs(figures["target"], False)
        self.assertIsNone(self._pivot(APRIL[0] - timedelta(days=1))["utilization"])
        sources = self.env["psa.report.sources"]
        self.assertEqual(sources._format_percent(None), "\u2014")
        self.assertEqual(sources._format_percent(71.0), "71.0\u00a0%")
        # The PDF of a month to come has no capacity to date.
        next_year = fields.Date.context_today(self.user_billing).year + 1
        wizard = (
            self.env["psa.report.print"]
            .with_user(self.user_billing)
            .create(
                {
                    "report": "utilization",
                    "date_from": APRIL[0].replace(year=next_year),
                    "date_to": LAST.replace(year=next_year),
                }
            )
        )
        action = wizard.action_print()
        html = (
            self.env["ir.actions.report"]
            .with_user(self.user_billing)
            ._render_qweb_html(action["report_name"], wizard.ids)[0]
            .decode()
        )
        self.assertIn("<span>\u2014</span>", html)  # utilization and target
        self.assertIn("The period has not", html)
        self.assertIn("billable staff", html)
        # April 2019, to date (the whole month): the percentages, "x.x %".
        wizard.write({"date_from": APRIL[0], "date_to": LAST})
        html = (
            self.env["ir.actions.report"]
            .with_user(self.user_billing)
            ._render_qweb_html(action["report_name"], wizard.ids)[0]
            .decode()
        )
        percent = sources._format_percent(
            wizard._utilization_lines()["total"]["target"]
        )
        self.assertEqual(percent, "75.0\u00a0%")
        self.assertIn(percent, html)

    def test_margin_without_revenue_has_no_percent(self):
        # Cost (approved non-billable time at 40.00/h) and no revenue: a
        # margin, no margin %.
        self.project_tm.partner_id = self.customer
        line = self._log(hours=2.0, day=FIRST, psa_billable=False)
        line.with_user(self.user_employee).action_psa_submit()
        line.with_user(self.user_approver).action_psa_approve()
        [row] = (
            self.env["psa.profitability.report"]
            .with_user(self.user_billing)
            .read_group(
                [
                    ("project_id", "=", self.project_tm.id),
                    ("date", ">=", APRIL[0]),
                    ("date", "<=", APRIL[1]),
                ],
                ["revenue:sum", "margin:sum", "margin_percent"],
                [],
            )
        )
        self.assertEqual(row["revenue"], 0.0)
        self.assertEqual(row["margin"], -80.0)
        self.assertIsNone(row["margin_percent"])

    def test_profitability_has_no_empty_customer_and_opens_grouped(self):
        self._log(hours=2.0, day=FIRST, project=self.project_internal)
        groups = (
            self.env["psa.profitability.report"]
            .with_user(self.user_billing)
            .read_group([], ["margin:sum"], ["partner_id"])
        )
        self.assertTrue(groups)
        self.assertNotIn(False, [group["partner_id"] for group in groups])
        self.assertFalse(
            self.env["psa.profitability.report"]
            .with_user(self.user_billing)
            .search_count([("project_id", "=", self.project_internal.id)])
        )
        arch = self.env.ref("psa_workflow.psa_profitability_report_view_list").arch
        self.assertIn('default_group_by="partner_id"', arch)


@tagged("post_install", "-at_install")
class TestWorkInProgress(PsaInvoicingCommon):
    """Work in progress per billing model and currency: time & materials in
    the company currency (USD) and in EUR, a fixed-price project billed in
    EUR (installments), a milestone project in USD."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.project_eur = cls._eur_project(
            "PSA Test EUR T&M", privacy_visibility="employees"
        )
        cls.project_ms = cls._milestone_project(
            user_id=cls.user_approver.id, privacy_visibility="employees"
        )
        cls.projects = (
            cls.project_tm | cls.project_eur | cls.project_fixed | cls.project_ms
        )
        cls.Wip = cls.env["psa.wip.report"].with_user(cls.user_billing)

    def setUp(self):
        super().setUp()
        self.usd, self.eur = self.company.currency_id, self.currency_eur
        self.assertNotEqual(self.usd, self.eur)
        self.time_usd = self._approved(2.0, 1.0)  # 300.00
        self.time_eur = self._approved(2.0, project=self.project_eur)
        self.expense = self._approved_expense(100.0)
        # Time on fixed-price and milestone projects: never work in progress.
        self._approved(5.0, project=self.project_fixed)
        self._approved(6.0, project=self.project_ms)
        self.project_fixed.psa_contract_amount = 1000.0
        self.env["psa.project.installment"].create(
            [
                {
                    "project_id": self.project_fixed.id,
                    "date": self.today - timedelta(days=1),
                    "amount": 400.0,
                },
                {
                    "project_id": self.project_fixed.id,
                    "date": self.today + timedelta(days=30),
                    "amount": 600.0,
                },
            ]
        )
        design = self.project_ms.milestone_ids.filtered(lambda m: m.name == "Design")
        design.write({"is_reached": True, "reached_date": self.today})
        self.env.flush_all()

    def _rows(self, domain=()):
        """{(project, source, currency, on draft): (amount, company amount,
        hours)} of the report, for the test's projects."""
        rows = self.Wip.search([("project_id", "in", self.projects.ids), *domain])
        return {
            (row.project_id, row.source, row.currency_id, row.on_draft): (
                row.amount,
                row.amount_company,
                row.hours,
            )
            for row in rows
        }

    def test_per_billing_model_and_currency(self):
        rows = self._rows()
        eur_time = self.time_eur
        self.assertEqual(eur_time.psa_currency_id, self.eur)
        self.assertEqual(
            rows,
            {
                (self.project_tm, "time", self.usd, False): (300.0, 300.0, 3.0),
                (self.project_eur, "time", self.eur, False): (
                    eur_time.psa_bill_amount,
                    eur_time.psa_bill_amount_company,
                    2.0,
                ),
                (self.project_tm, "expense", self.usd, False): (100.0, 100.0, 0.0),
                # Due installments only, in the project's currency.
                (self.project_fixed, "installment", self.eur, False): (
                    400.0,
                    self.eur._convert(
                        400.0, self.usd, self.company, self.today - timedelta(days=1)
                    ),
                    0.0,
                ),
                # Reached milestones only.
                (self.project_ms, "milestone", self.usd, False): (2500.0, 2500.0, 0.0),
            },
        )
        # Fixed-price and milestone time is never time WIP.
        self.assertFalse(
            self.Wip.search(
                [
                    ("project_id", "in", (self.project_fixed | self.project_ms).ids),
                    ("source", "=", "time"),
                ]
            )
        )

    def test_invoiced_leaves_the_work_in_progress(self):
        move, _skipped = self._invoice(self.project_tm)
        rows = self._rows([("project_id", "=", self.project_tm.id)])
        # On a draft invoice: still work in progress, said so.
        self.assertEqual(
            set(rows),
            {
                (self.project_tm, "time", self.usd, True),
                (self.project_tm, "expense", self.usd, True),
            },
        )
        self.assertFalse(
            self.Wip.search(
                [("project_id", "=", self.project_tm.id), ("on_draft", "=", False)]
            )
        )
        self._post(move)
        self.assertFalse(self._rows([("project_id", "=", self.project_tm.id)]))

    def test_dashboard_equals_the_report(self):
        figures = self.env["psa.dashboard"].with_user(self.user_billing).get_figures()
        wip = figures["wip"]
        [total] = self.Wip._read_group([], [], ["amount_company:sum"])
        self.assertAlmostEqual(wip["total"], total[0], 2)
        self.assertAlmostEqual(
            sum(row["amount"] for row in wip["by_source"]), wip["total"], 2
        )
        self.assertAlmostEqual(
            sum(row["amount_company"] for row in wip["by_currency"]), wip["total"], 2
        )
        currencies = {row["currency_id"]: row for row in wip["by_currency"]}
        self.assertIn(self.eur.id, currencies)
        self.assertIn(self.usd.id, currencies)
        [eur] = self.Wip._read_group(
            [("currency_id", "=", self.eur.id)], [], ["amount:sum"]
        )
        self.assertAlmostEqual(currencies[self.eur.id]["amount"], eur[0], 2)
        self.assertEqual(
            [row["source"] for row in wip["by_source"]],
            ["time", "expense", "installment", "milestone"],
        )

    def test_a_row_opens_its_entries(self):
        def entries(project, source):
            [row] = self.Wip.search(
                [("project_id", "=", project.id), ("source", "=", source)]
            )
            action = row.action_psa_open_entries()
            return self.env[action["res_model"]].search(action["domain"])

        self.assertEqual(entries(self.project_tm, "time"), self.time_usd)
        self.assertEqual(entries(self.project_tm, "expense"), self.expense)
        self.assertEqual(
            entries(self.project_fixed, "installment").mapped("amount"), [400.0]
        )
        self.assertEqual(
            entries(self.project_ms, "milestone").mapped("name"), ["Design"]
        )

    def test_create_invoices_from_the_selection(self):
        rows = self.Wip.search(
            [("project_id", "in", (self.project_tm | self.project_fixed).ids)]
        )
        action = rows.action_psa_create_invoices()
        self.assertEqual(action["res_model"], "psa.invoice.create")
        wizard = (
            self.env["psa.invoice.create"]
            .with_user(self.user_billing)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.project_ids, self.project_tm | self.project_fixed)

    def test_access(self):
        self.assertTrue(self.Wip.search([]))
        self.assertTrue(
            self.env["psa.wip.report"].with_user(self.user_admin).search([])
        )
        for user in (self.user_employee, self.user_approver):
            with self.assertRaises(AccessError, msg=user.login):
                self.env["psa.wip.report"].with_user(user).search([])
            figures = self.env["psa.dashboard"].with_user(user).get_figures()
            self.assertNotIn("wip", figures, user.login)
        # Other companies' work in progress is not shown.
        self.assertFalse(
            self.Wip.with_context(allowed_company_ids=self.company.ids).search(
                [("company_id", "=", self.company_b.id)]
            )
        )
        # The menus open the report, not a list of time.
        for menu in ("menu_psa_wip", "menu_invoicing_psa_wip"):
            self.assertEqual(
                self.env.ref(f"psa_workflow.{menu}").action,
                self.env.ref("psa_workflow.psa_wip_report_action"),
            )
