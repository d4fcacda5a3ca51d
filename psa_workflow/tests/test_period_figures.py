# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Period figures on one basis, on the demo database: a month's revenue
earned by work date, the cost of the same approved work, invoiced beside it
and the cost of time not approved apart, worked out here from the entries
themselves, are the dashboard's, the pivot's, the PDF's and Earned vs
Projected's; the projects' burn agrees with them."""

import unittest

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import date_utils

FIGURES = ("revenue", "cost", "margin", "revenue_invoiced", "unapproved_cost")
APPROVED = ("approved", "invoiced")


@tagged("post_install", "-at_install")
class TestPeriodFigures(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("psa_workflow.project_tm_demo", raise_if_not_found=False):
            raise unittest.SkipTest("psa_workflow was installed without demo data")
        cls.today = fields.Date.context_today(cls.env.user)
        # The month the demo's accountant invoiced (four or five weeks ago:
        # last month or this one, by the day of the month).
        invoiced = cls.env["account.move"].search(
            [("move_type", "=", "out_invoice"), ("state", "=", "posted")],
            order="invoice_date",
            limit=1,
        )
        cls.date_from = date_utils.start_of(invoiced.invoice_date, "month")
        cls.date_to = date_utils.end_of(cls.date_from, "month")
        cls.company = cls.env.company
        cls.projects = cls.env["project.project"].search(
            [("partner_id", "!=", False), ("company_id", "in", [cls.company.id, False])]
        )

    def _in_period(self, day):
        return bool(day) and self.date_from <= day <= self.date_to

    def _to_company(self, amount, currency, day):
        return currency._convert(
            amount, self.company.currency_id, self.company, day, round=True
        )

    def _expected(self):
        """The month's figures from the entries, through the ORM."""
        lines = self.env["account.analytic.line"].search(
            [
                ("project_id", "in", self.projects.ids),
                ("date", ">=", self.date_from),
                ("date", "<=", self.date_to),
            ]
        )
        approved = lines.filtered(lambda line: line.psa_state in APPROVED)
        earned_time = approved.filtered(
            lambda line: (
                line.psa_billable
                and line.project_id.psa_billing_type == "time_material"
                and line.psa_cap_decision != "write_off"
            )
        )
        not_approved = lines.filtered(
            lambda line: (
                line.psa_state in ("draft", "submitted") and line.date <= self.today
            )
        )
        expenses = self.env["hr.expense"].search(
            [
                ("psa_project_id", "in", self.projects.ids),
                ("date", ">=", self.date_from),
                ("date", "<=", self.date_to),
                ("state", "in", ("approved", "done")),
            ]
        )
        earned_expenses = expenses.filtered(
            lambda x: (
                x.psa_billing_state == "invoiced"
                or (
                    x.psa_billing_state == "to_invoice"
                    and x.psa_project_id.psa_billing_type != "non_billable"
                )
            )
        )
        installments = self.env["psa.project.installment"].search(
            [
                ("project_id", "in", self.projects.ids),
                ("project_id.psa_billing_type", "=", "fixed_price"),
                ("date", ">=", self.date_from),
                ("date", "<=", min(self.date_to, self.today)),
            ]
        )
        milestones = self.env["project.milestone"].search(
            [
                ("project_id", "in", self.projects.ids),
                ("project_id.psa_billing_type", "=", "milestone"),
                ("is_reached", "=", True),
            ]
        )
        milestones = milestones.filtered(lambda m: self._in_period(m.reached_date))
        revenue = (
            sum(earned_time.mapped("psa_bill_amount_company"))
            + sum(
                self._to_company(x.psa_rebill_amount, x.currency_id, x.date)
                for x in earned_expenses
            )
            + sum(
                self._to_company(i.amount, i.project_id.psa_currency_id, i.date)
                for i in installments
            )
            + sum(
                self._to_company(
                    m.psa_amount
                    or m.project_id.psa_currency_id.round(
                        m.project_id.psa_contract_amount * m.psa_percent / 100.0
                    ),
                    m.project_id.psa_currency_id,
                    m.reached_date,
                )
                for m in milestones
            )
        )
        cost = -sum(approved.mapped("amount")) + sum(
            x.total_amount - x.tax_amount for x in expenses
        )
        invoiced = self.env["account.analytic.line"].search(
            [
                ("account_id", "in", self.projects.account_id.ids),
                ("move_line_id.move_id.move_type", "in", ("out_invoice", "out_refund")),
                ("move_line_id.move_id.state", "=", "posted"),
                ("date", ">=", self.date_from),
                ("date", "<=", self.date_to),
            ]
        )
        return {
            "revenue": revenue,
            "cost": cost,
            "margin": revenue - cost,
            "revenue_invoiced": sum(invoiced.mapped("amount")),
            "unapproved_cost": -sum(not_approved.mapped("amount")),
        }

    def _assert_figures(self, figures, expected, where):
        for name in FIGURES:
            self.assertAlmostEqual(
                figures[name], expected[name], places=2, msg=f"{where}: {name}"
            )

    def test_a_month_on_one_basis_everywhere(self):
        expected = self._expected()
        # The demo's month has work of every kind: the test means it.
        self.assertGreater(expected["revenue"], 0.0)
        self.assertGreater(expected["cost"], 0.0)
        self.assertGreater(expected["revenue_invoiced"], 0.0)

        dashboard = self.env["psa.dashboard"].get_figures(
            fields.Date.to_string(self.date_from), fields.Date.to_string(self.date_to)
        )
        self._assert_figures(dashboard["profitability"], expected, "dashboard")

        domain = [
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
            ("company_id", "=", self.company.id),
        ]
        [pivot] = self.env["psa.profitability.report"].read_group(
            domain, [f"{name}:sum" for name in FIGURES], []
        )
        self._assert_figures(pivot, expected, "pivot")

        wizard = self.env["psa.report.print"].create(
            {
                "report": "profitability",
                "date_from": self.date_from,
                "date_to": self.date_to,
            }
        )
        self._assert_figures(wizard._profitability_lines()["total"], expected, "PDF")
        report = self.env.ref("psa_workflow.action_report_psa_profitability")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(report.report_name, wizard.ids)[0]
            .decode()
        )
        self.assertIn("One basis: the work of the period", html)

        [earned] = self.env["psa.revenue.report"].read_group(
            [*domain, ("project_id", "in", self.projects.ids)],
            ["earned:sum", "invoiced:sum"],
            [],
        )
        self.assertAlmostEqual(earned["earned"], expected["revenue"], places=2)
        self.assertAlmostEqual(
            earned["invoiced"], expected["revenue_invoiced"], places=2
        )

    def test_invoicing_moves_no_figure_of_the_work(self):
        """Invoicing the month's approved time moves its invoiced column,
        never its revenue, cost or margin."""
        before = self._expected()
        project = self.env.ref("psa_workflow.project_tm_demo")
        wizard = self.env["psa.invoice.create"].create(
            {"project_ids": [(6, 0, project.ids)], "date_to": self.today}
        )
        drafts = self.env["account.move"].search([("state", "=", "draft")])
        wizard.action_create_invoices()
        moves = self.env["account.move"].search([("state", "=", "draft")]) - drafts
        self.assertTrue(moves.psa_link_ids)
        moves.write({"invoice_date": min(self.date_to, self.today)})
        moves.action_post()
        after = self._expected()
        for name in ("revenue", "cost", "margin", "unapproved_cost"):
            self.assertAlmostEqual(after[name], before[name], places=2, msg=name)
        self.assertGreater(after["revenue_invoiced"], before["revenue_invoiced"])
        dashboard = self.env["psa.dashboard"].get_figures(
            fields.Date.to_string(self.date_from), fields.Date.to_string(self.date_to)
        )
        self._assert_figures(dashboard["profitability"], after, "dashboard")

    def test_the_burn_agrees_with_the_earned_time(self):
        """A time & materials project's approved amount (its burn) is the
        time the reports earn, plus what was written off (which the budget
        still consumed)."""
        project = self.env.ref("psa_workflow.project_tm_demo")
        self.assertEqual(project.psa_currency_id, self.company.currency_id)
        [[earned]] = self.env["psa.profitability.report"]._read_group(
            [("project_id", "=", project.id), ("source", "=", "timesheet")],
            [],
            ["revenue:sum"],
        )
        written_off = self.env["account.analytic.line"].search(
            [
                ("project_id", "=", project.id),
                ("psa_state", "in", APPROVED),
                "|",
                ("psa_cap_decision", "=", "write_off"),
                ("psa_billable", "=", False),
            ]
        )
        self.assertGreater(earned, 0.0)
        self.assertAlmostEqual(
            project.psa_approved_amount,
            earned + sum(written_off.mapped("psa_bill_amount")),
            places=2,
        )
