# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY

WEEK = (DAY, DAY + timedelta(days=4))


@tagged("post_install", "-at_install")
class TestReporting(PsaInvoicingCommon):
    """A constructed week whose every figure is known: the reports must give
    exactly these numbers, equal to the sums of the entries and invoices.

    The employee (cost 40.00/h, billed 100.00/h, a 40 h week) logs on the
    time & materials project 2.0 + 1.5 h (invoiced, posted: 350.00), 3.0 h
    (approved, not invoiced: 300.00), 0.5 h (draft), 4.0 h (rejected, left
    out), and 1.0 h on the internal project. An approved expense of 100.00
    is re-billed at cost.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["psa.employee.capacity"]._refresh(cls.emp, *WEEK)

    def setUp(self):
        super().setUp()
        self.invoiced_lines = self._approved(2.0, 1.5)
        self.invoice, _skipped = self._invoice(date_to=DAY + timedelta(days=1))
        self._post(self.invoice)
        self.approved_line = self._log(hours=3.0, day=DAY + timedelta(days=2))
        self.approved_line.with_user(self.user_employee).action_psa_submit()
        self.approved_line.with_user(self.user_approver).action_psa_approve()
        self.draft_line = self._log(hours=0.5, day=DAY + timedelta(days=3))
        rejected = self._log(hours=4.0, day=DAY + timedelta(days=3))
        rejected.with_user(self.user_employee).action_psa_submit()
        rejected.with_user(self.user_approver).action_psa_reject(reason="No")
        self.internal_line = self._log(
            hours=1.0, project=self.project_internal, day=DAY + timedelta(days=4)
        )
        self.expense = self._approved_expense(100.0)

    def _totals(self, model, fields_list, domain=None, user=None):
        Report = self.env[model].with_user(user or self.user_billing)
        [row] = Report.read_group(domain or [], fields_list, [])
        return {name.split(":")[0]: row[name.split(":")[0]] for name in fields_list}

    def test_utilization_of_the_week(self):
        figures = self._totals(
            "psa.utilization.report",
            [
                "capacity_hours:sum",
                "target_hours:sum",
                "logged_hours:sum",
                "billable_hours:sum",
                "non_billable_hours:sum",
                "billable_value:sum",
                "standard_value:sum",
                "invoiced_amount:sum",
                "utilization",
                "target",
                "realization",
            ],
            [
                ("employee_id", "=", self.emp.id),
                ("date", ">=", WEEK[0]),
                ("date", "<=", WEEK[1]),
            ],
        )
        self.assertEqual(
            figures,
            {
                "capacity_hours": 40.0,
                "target_hours": 30.0,
                "logged_hours": 8.0,
                "billable_hours": 7.0,
                "non_billable_hours": 1.0,
                "billable_value": 700.0,
                "standard_value": 700.0,
                "invoiced_amount": 350.0,
                "utilization": 17.5,
                "target": 75.0,
                "realization": 50.0,
            },
        )

    def test_utilization_target_of_the_employee_overrides_the_role(self):
        self.emp.psa_utilization_target = 50.0
        figures = self._totals(
            "psa.utilization.report",
            ["target_hours:sum", "target"],
            [
                ("employee_id", "=", self.emp.id),
                ("date", ">=", WEEK[0]),
                ("date", "<=", WEEK[1]),
            ],
        )
        self.assertEqual(figures, {"target_hours": 20.0, "target": 50.0})

    def test_client_profitability(self):
        figures = self._totals(
            "psa.profitability.report",
            [
                "revenue:sum",
                "timesheet_cost:sum",
                "expense_cost:sum",
                "margin:sum",
                "margin_percent",
                "revenue_invoiced:sum",
                "unapproved_cost:sum",
            ],
            [("partner_id", "=", self.customer.id)],
        )
        self.assertEqual(
            figures,
            {
                # 3.5 h invoiced + 3.0 h approved + the expense re-billed
                "revenue": 750.0,
                "timesheet_cost": 260.0,  # the same 6.5 h x 40.00
                "expense_cost": 100.0,
                "margin": 390.0,
                "margin_percent": 390.0 / 750.0 * 100,
                "revenue_invoiced": 350.0,  # beside, not in the margin
                "unapproved_cost": 20.0,  # the draft 0.5 h, apart
            },
        )
        # They reconcile with the posted invoice and Odoo's timesheet costs.
        self.assertEqual(figures["revenue_invoiced"], self.invoice.amount_untaxed)
        timesheets = self.env["account.analytic.line"].search(
            [("project_id", "=", self.project_tm.id), ("psa_state", "!=", "rejected")]
        )
        approved = timesheets.filtered(
            lambda t: t.psa_state in ("approved", "invoiced")
        )
        self.assertEqual(figures["timesheet_cost"], -sum(approved.mapped("amount")))
        self.assertEqual(
            figures["unapproved_cost"], -sum((timesheets - approved).mapped("amount"))
        )

    def test_approving_time_moves_its_cost_into_the_margin(self):
        domain = [("project_id", "=", self.project_tm.id)]
        fields_list = ["timesheet_cost:sum", "unapproved_cost:sum", "margin:sum"]
        before = self._totals("psa.profitability.report", fields_list, domain)
        self.draft_line.with_user(self.user_employee).action_psa_submit()
        self.assertEqual(
            self._totals("psa.profitability.report", fields_list, domain), before
        )
        self.draft_line.with_user(self.user_approver).action_psa_approve()
        self.assertEqual(
            self._totals("psa.profitability.report", fields_list, domain),
            {
                "timesheet_cost": before["timesheet_cost"] + 20.0,
                "unapproved_cost": before["unapproved_cost"] - 20.0,
                # its value (0.5 h x 100.00) is earned, its cost counted
                "margin": before["margin"] + 50.0 - 20.0,
            },
        )

    def test_a_credit_note_and_a_new_invoice_move_invoiced_not_revenue(self):
        """Revenue is earned by the work: crediting and invoicing again move
        the invoiced column only, never the revenue or the margin."""
        fields_list = ["revenue_invoiced:sum", "revenue:sum", "margin:sum"]
        domain = [("project_id", "=", self.project_tm.id)]
        before = self._totals("psa.profitability.report", fields_list, domain)
        self.assertEqual(before["revenue"], 750.0)
        credit = self._credit(self.invoice)
        figures = self._totals("psa.profitability.report", fields_list, domain)
        self.assertEqual(figures, dict(before, revenue_invoiced=0.0))
        again, _skipped = self._invoice()
        self._post(again)
        figures = self._totals("psa.profitability.report", fields_list, domain)
        self.assertEqual(
            figures,
            dict(
                before,
                revenue_invoiced=self.invoice.amount_untaxed
                - credit.amount_untaxed
                + again.amount_untaxed,
            ),
        )
        self.assertEqual(figures["revenue_invoiced"], 750.0)

    def test_group_sums_of_parts_and_read_settings(self):
        """Revenue, cost, margin (and work in progress) of a group are summed
        from their parts' sums: equal, group by group, to the sums of the rows'
        own columns. A report read runs without JIT, with the database's
        work_mem."""
        self.env.cr.execute("SET LOCAL jit = on; SET LOCAL work_mem = '4MB'")
        domain = [("partner_id", "=", self.customer.id)]
        measures = ["revenue", "cost", "margin"]
        Report = self.env["psa.profitability.report"].with_user(self.user_billing)
        groups = Report.read_group(domain, [f"{m}:sum" for m in measures], ["source"])
        self.env.cr.execute(
            "SELECT current_setting('jit'), current_setting('work_mem')"
        )
        self.assertEqual(self.env.cr.fetchone(), ("off", "4MB"))
        rows = Report.search_read(domain, ["source", *measures])
        self.assertEqual(
            {group["source"] for group in groups}, {"invoice", "timesheet", "expense"}
        )
        for group in groups:
            of_source = [row for row in rows if row["source"] == group["source"]]
            for measure in measures:
                self.assertAlmostEqual(
                    group[measure], sum(row[measure] for row in of_source), places=2
                )
        Revenue = self.env["psa.revenue.report"].with_user(self.user_billing)
        [total] = Revenue.read_group(domain, ["wip:sum", "earned:sum"], [])
        wip = sum(Revenue.search(domain).mapped("wip"))
        self.assertAlmostEqual(total["wip"], wip, places=2)
        self.assertEqual(total["wip"], 400.0)  # earned, not invoiced

    def test_an_invoiced_expense_stays_earned_when_its_project_stops_billing(self):
        """What was invoiced stays earned (``psa.report.sources._expenses``)
        whatever became of its project since: on a draft invoice, it is still
        work in progress and earned in Client Profitability."""
        move, _skipped = self._invoice(date_to=DAY + timedelta(days=60))
        self.assertIn(self.expense, move.psa_link_ids.expense_id)
        self.project_tm.with_user(self.user_billing).psa_billing_type = "non_billable"
        Profit = self.env["psa.profitability.report"].with_user(self.user_billing)
        [row] = Profit.search_read([("expense_id", "=", self.expense.id)], ["revenue"])
        self.assertEqual(row["revenue"], 100.0)
        wip = (
            self.env["psa.wip.report"]
            .with_user(self.user_billing)
            .search(
                [("project_id", "=", self.project_tm.id), ("source", "=", "expense")]
            )
        )
        self.assertEqual(wip.mapped("amount_company"), [100.0])
        self.assertTrue(wip.on_draft)

    def test_groups_of_a_many2one_in_the_comodel_order(self):
        """Groups are ordered as Odoo orders the comodel (employees by name,
        whatever their ids), ascending and descending, with a limit or not;
        with a date too (employee, then month)."""
        self.env["psa.employee.capacity"]._refresh(self.approver_emp, *WEEK)
        employees = (self.emp | self.approver_emp).sorted("id")
        # names in the reverse order of the ids
        employees[0].name, employees[1].name = "Zoe Consultant", "Adam Approver"
        domain = [
            ("employee_id", "in", employees.ids),
            ("date", ">=", WEEK[0]),
            ("date", "<=", WEEK[1]),
        ]
        Report = self.env["psa.utilization.report"].with_user(self.user_billing)
        by_name = self.env["hr.employee"].search([("id", "in", employees.ids)])
        self.assertEqual(by_name.mapped("name"), ["Adam Approver", "Zoe Consultant"])
        # sorted after grouping; with a limit (list groups), by SQL
        for orderby, expected, limit in (
            (False, by_name, None),
            ("employee_id desc", by_name[::-1], None),
            (False, by_name, 10),
            ("employee_id desc", by_name[::-1], 10),
        ):
            groups = Report.read_group(
                domain,
                ["capacity_hours:sum"],
                ["employee_id"],
                orderby=orderby,
                limit=limit,
            )
            self.assertEqual([g["employee_id"][0] for g in groups], expected.ids)
            self.assertEqual([g["capacity_hours"] for g in groups], [40.0, 40.0])
        groups = Report.read_group(
            domain,
            ["capacity_hours:sum"],
            ["employee_id", "date:day"],
            orderby="employee_id desc, date:day desc",
            lazy=False,
        )
        friday, thursday = WEEK[1], WEEK[1] - timedelta(days=1)
        self.assertEqual(
            [(g["employee_id"][0], g["date:day"]) for g in groups][:2],
            [
                (by_name[1].id, friday.strftime("%d %b %Y")),
                (by_name[1].id, thursday.strftime("%d %b %Y")),
            ],
        )
        self.assertEqual(groups[-1]["employee_id"][0], by_name[0].id)

    def test_drill_down_from_customer_to_entries(self):
        Report = self.env["psa.profitability.report"].with_user(self.user_billing)
        rows = Report.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(
            rows.filtered("timesheet_id").timesheet_id,
            self.invoiced_lines | self.approved_line | self.draft_line,
        )
        self.assertEqual(rows.filtered("expense_id").expense_id, self.expense)
        self.assertEqual(rows.filtered("move_id").move_id, self.invoice)

    def test_earned_vs_projected_by_month(self):
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
        figures = self._totals(
            "psa.revenue.report",
            ["projected:sum", "earned:sum", "invoiced:sum", "wip:sum"],
            [("project_id", "=", self.project_tm.id)],
        )
        self.assertEqual(
            figures,
            {
                "projected": 1000.0,  # 10 h planned x 100.00
                "earned": 750.0,  # 6.5 h approved + the expense
                "invoiced": 350.0,
                "wip": 400.0,
            },
        )

    def test_fixed_price_and_milestones_projected_then_earned(self):
        today = fields.Date.today()
        self.project_fixed.psa_contract_amount = 1000.0
        self.env["psa.project.installment"].create(
            [
                {"project_id": self.project_fixed.id, "date": today, "amount": 400.0},
                {
                    "project_id": self.project_fixed.id,
                    "date": today + timedelta(days=40),
                    "amount": 600.0,
                },
            ]
        )
        figures = self._totals(
            "psa.revenue.report",
            ["projected:sum", "earned:sum"],
            [("project_id", "=", self.project_fixed.id)],
        )
        eur, usd = self.project_fixed.psa_currency_id, self.company.currency_id
        self.assertEqual(eur, self.currency_eur)
        due, later = (
            eur._convert(400.0, usd, self.company, today),
            eur._convert(600.0, usd, self.company, today + timedelta(days=40)),
        )
        self.assertEqual(figures, {"projected": usd.round(due + later), "earned": due})

    def test_access(self):
        with self.assertRaises(AccessError):
            self.env["psa.profitability.report"].with_user(self.user_employee).search(
                []
            )
        with self.assertRaises(AccessError):
            self.env["psa.revenue.report"].with_user(self.user_employee).search([])
        # Employees see their own utilization, never amounts.
        own = self.env["psa.utilization.report"].with_user(self.user_employee)
        self.assertEqual(own.search([]).employee_id, self.emp)
        with self.assertRaises(AccessError):
            own.search([]).read(["billable_value"])
        # Approvers: the projects they manage.
        # (not the internal project: no customer, no client profitability)
        managed = self.env["psa.profitability.report"].with_user(self.user_approver)
        self.assertEqual(managed.search([]).project_id, self.project_tm)
        # Other companies' rows are never shown.
        self.assertFalse(
            self.env["psa.utilization.report"]
            .with_user(self.user_billing)
            .search([("company_id", "=", self.company_b.id)])
        )

    def _print(self, report, user=None, **vals):
        wizard = (
            self.env["psa.report.print"]
            .with_user(user or self.user_billing)
            .create(
                {
                    "report": report,
                    "date_from": WEEK[0],
                    "date_to": WEEK[1],
                    "full_period": True,
                    **vals,
                }
            )
        )
        action = wizard.action_print()
        html = (
            self.env["ir.actions.report"]
            .with_user(user or self.user_billing)
            ._render_qweb_html(action["report_name"], wizard.ids)[0]
            .decode()
        )
        return wizard, html

    def test_resource_utilization_pdf(self):
        wizard, html = self._print("utilization")
        data = wizard._utilization_lines()
        [line] = [line for line in data["lines"] if line["employee"] == self.emp]
        self.assertEqual(
            (line["capacity_hours"], line["billable_hours"], line["utilization"]),
            (40.0, 7.0, 17.5),
        )
        self.assertEqual((line["invoiced_amount"], line["realization"]), (350.0, 50.0))
        self.assertEqual(
            data["total"]["billable_hours"],
            sum(line["billable_hours"] for line in data["lines"]),
        )
        self.assertIn("Resource Utilization", html)
        self.assertIn("17.5", html)
        self.assertIn("Realization", html)
        # An employee prints their own line, without any amount.
        wizard, html = self._print("utilization", user=self.user_employee)
        data = wizard._utilization_lines()
        self.assertEqual([line["employee"] for line in data["lines"]], [self.emp])
        self.assertFalse(data["money"])
        self.assertNotIn("Realization", html)

    def test_client_profitability_pdf(self):
        # The invoice is dated today (its revenue too), the time in 2019.
        wizard, html = self._print(
            "profitability",
            partner_ids=[self.customer.id],
            date_to=fields.Date.today(),
        )
        data = wizard._profitability_lines()
        [customer] = data["lines"]
        self.assertEqual(customer["partner"], self.customer)
        self.assertEqual(
            (
                customer["revenue"],
                customer["cost"],
                customer["margin"],
                customer["revenue_invoiced"],
                customer["unapproved_cost"],
            ),
            (750.0, 360.0, 390.0, 350.0, 20.0),
        )
        self.assertEqual(
            [project["project"] for project in customer["projects"]], [self.project_tm]
        )
        self.assertIn("Client Profitability", html)
        for figure in ("390.00", "350.00", "20.00"):  # margin, invoiced, not approved
            self.assertIn(figure, html)
        self.assertIn("One basis: the work of the period", html)
        with self.assertRaises(AccessError):
            self._print("profitability", user=self.user_employee)

    def _eur_rates_of_entries_and_invoices(self):
        """0.5 EUR/USD when the 2019 time is logged, 0.8 today (invoices)."""
        today = fields.Date.today()
        self.env["res.currency.rate"].search(
            [("currency_id", "=", self.currency_eur.id), ("name", "=", today)]
        ).unlink()
        self._eur_rate(today, 0.8)
        self._eur_rate(DAY - timedelta(days=30), 0.5)

    def test_foreign_currency_at_the_entry_and_invoice_dates(self):
        self._eur_rates_of_entries_and_invoices()
        project = self._eur_project("PSA EUR Reporting")
        lines = self._approved(2.0, project=project)
        self.assertEqual(
            (lines.psa_currency_id, lines.psa_bill_amount), (self.currency_eur, 100.0)
        )
        move, _skipped = self._invoice(project)
        self._post(move)
        domain = [("project_id", "=", project.id)]
        # 100.00 EUR earned in 2019 at 0.5 EUR/USD, invoiced today at 0.8.
        self.assertEqual(
            self._totals(
                "psa.utilization.report",
                ["billable_value:sum", "invoiced_amount:sum", "realization"],
                domain,
            ),
            {"billable_value": 200.0, "invoiced_amount": 125.0, "realization": 62.5},
        )
        self.assertEqual(
            self._totals("psa.profitability.report", ["revenue_invoiced:sum"], domain),
            {"revenue_invoiced": 125.0},
        )
        self.assertEqual(
            self._totals("psa.revenue.report", ["earned:sum", "invoiced:sum"], domain),
            {"earned": 200.0, "invoiced": 125.0},
        )

    def test_a_rate_of_the_entry_date_entered_later_converts_it_again(self):
        """The company-currency value of approved time follows the rates of
        its date: a rate added, corrected or removed afterwards is applied,
        while the billed amount in the project's currency stays as approved."""
        self._eur_rate(DAY - timedelta(days=30), 0.5)
        project = self._eur_project("PSA EUR Rates")
        lines = self._approved(2.0, project=project)
        domain = [("project_id", "=", project.id)]

        def earned():
            return self._totals("psa.profitability.report", ["revenue:sum"], domain)[
                "revenue"
            ]

        self.assertEqual(earned(), 200.0)  # 100.00 EUR at 0.5
        rate = self._eur_rate(DAY, 0.4)
        self.assertEqual(earned(), 250.0)
        rate.rate = 0.8
        self.assertEqual(earned(), 125.0)
        self.assertEqual(
            self._totals("psa.utilization.report", ["billable_value:sum"], domain),
            {"billable_value": 125.0},
        )
        rate.unlink()
        self.assertEqual(earned(), 200.0)
        self.assertEqual(lines.psa_bill_amount, 100.0)

    def test_the_web_client_reads_ratios_of_sums(self):
        """Pivot and graph read through ``read_group``/``web_read_group``: the
        percentage of a group is the ratio of its sums, not a sum or average of
        the rows' percentages."""
        Report = self.env["psa.utilization.report"].with_user(self.user_billing)
        result = Report.web_read_group(
            [("employee_id", "=", self.emp.id), ("date", ">=", WEEK[0])],
            ["utilization:avg", "realization:avg"],
            ["date:day"],
        )
        by_day = {group["date:day"]: group for group in result["groups"]}
        monday = by_day[DAY.strftime("%d %b %Y")]
        # 2.0 h billable of 8.0 h capacity; 2.0 h of 3.5 h invoiced at 100.00.
        self.assertEqual(monday["utilization"], 25.0)
        self.assertEqual(monday["realization"], 100.0)

    def test_realization_against_standard_rates(self):
        """A project billed at a discount realizes less than the standard rate."""
        project = self.env["project.project"].create(
            {
                "name": "PSA Discounted",
                "company_id": self.company.id,
                "partner_id": self.customer.id,
                "user_id": self.user_approver.id,
            }
        )
        self.env["psa.rate"].create({"project_id": project.id, "amount": 80.0})
        self._approved(2.0, project=project)
        move, _skipped = self._invoice(project)
        self._post(move)
        self.assertEqual(
            self._totals(
                "psa.utilization.report",
                [
                    "billable_value:sum",
                    "standard_value:sum",
                    "invoiced_amount:sum",
                    "realization",
                ],
                [("project_id", "=", project.id)],
            ),
            {
                "billable_value": 160.0,
                "standard_value": 200.0,
                "invoiced_amount": 160.0,
                "realization": 80.0,
            },
        )

    def _written_down(self, project, hours, billed_hours):
        """``hours`` of approved time on ``project`` invoiced, the invoice line
        cut to ``billed_hours`` by the accountant; the draft invoice."""
        self._approved(*hours, project=project)
        move, _skipped = self._invoice(project)
        move.invoice_line_ids.with_user(self.user_billing).quantity = billed_hours
        return move

    def test_client_realization_after_a_write_down(self):
        """What posted invoices bill for time against its standard value, per
        project and customer, in the report and its PDF."""
        project = self.env["project.project"].create(
            {
                "name": "PSA Written Down",
                "company_id": self.company.id,
                "partner_id": self.customer.id,
                "user_id": self.user_approver.id,
            }
        )
        move = self._written_down(project, (2.0, 1.0), 1.5)
        measures = ["billed_amount:sum", "standard_amount:sum", "realization"]
        domain = [("project_id", "=", project.id)]
        # A draft bills nothing yet.
        self.assertEqual(
            self._totals("psa.profitability.report", measures, domain),
            {"billed_amount": 0.0, "standard_amount": 0.0, "realization": None},
        )
        self._post(move)
        self.assertEqual(
            self._totals("psa.profitability.report", measures, domain),
            {"billed_amount": 150.0, "standard_amount": 300.0, "realization": 50.0},
        )
        # The customer: this project and the T&M project's invoice, billed at
        # its standard value (350.00).
        customer = self._totals(
            "psa.profitability.report",
            measures,
            [("partner_id", "=", self.customer.id)],
        )
        self.assertEqual(
            customer,
            {
                "billed_amount": 500.0,
                "standard_amount": 650.0,
                "realization": 500.0 / 650.0 * 100,
            },
        )
        wizard, html = self._print(
            "profitability",
            partner_ids=[self.customer.id],
            date_from=DAY - timedelta(days=1),
        )
        [line] = wizard._profitability_lines()["lines"]
        self.assertAlmostEqual(line["realization"], 500.0 / 650.0 * 100)
        projects = {p["project"]: p["realization"] for p in line["projects"]}
        self.assertEqual(projects[project], 50.0)
        self.assertEqual(projects[self.project_tm], 100.0)
        self.assertIn(self.env["psa.report.sources"]._format_percent(50.0), html)

    def test_client_realization_in_a_foreign_currency(self):
        """Billed and standard value at the invoice's rate: a write-down, not
        the exchange rate, moves realization."""
        self._eur_rates_of_entries_and_invoices()
        project = self._eur_project("PSA EUR Written Down")
        # 2 h = 100.00 EUR, cut to 1 h = 50.00 EUR, invoiced at 0.8 EUR/USD.
        self._post(self._written_down(project, (2.0,), 1.0))
        self.assertEqual(
            self._totals(
                "psa.profitability.report",
                ["billed_amount:sum", "standard_amount:sum", "realization"],
                [("project_id", "=", project.id)],
            ),
            {"billed_amount": 62.5, "standard_amount": 125.0, "realization": 50.0},
        )
