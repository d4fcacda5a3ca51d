# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import PsaHttpCommon


def _read_the_dashboard(case):
    """A project manager reads the dashboard: 4:00 of their project's time
    waits for their approval (so its cost is apart, not approved yet)."""
    case._bill_at_role(case.user_employee.employee_id, "Dashboard Tour Role")
    line = (
        case.env["account.analytic.line"]
        .with_user(case.user_employee)
        .create(
            {
                "project_id": case.project_tm.id,
                "name": "Workshop",
                "unit_amount": 4.0,
                "date": fields.Date.today(),
            }
        )
    )
    line.action_psa_submit()
    case.start_tour("/odoo", "psa_workflow_dashboard_tour", login="psa_approver")


@tagged("post_install", "-at_install")
class TestPsaTour(PsaHttpCommon):
    def test_project_manager_opens_the_psa_app(self):
        self.start_tour("/odoo", "psa_workflow_menu_tour", login="psa_approver")

    def test_project_manager_plans_and_reads_the_workload(self):
        monday = fields.Date.today() - timedelta(days=fields.Date.today().weekday())
        self.env["psa.allocation"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.user_employee.employee_id.id,
                "date_from": monday + timedelta(days=7),
                "date_to": monday + timedelta(days=11),
                "hours_per_day": 4.0,
                "state": "confirmed",
            }
        )
        self.start_tour("/odoo", "psa_workflow_planning_tour", login="psa_approver")

    def test_project_manager_reads_the_reports(self):
        # 3 h approved at 100.00, costing 3 x 30.00: a 70 % margin.
        role = self.env["psa.role"].create(
            {"name": "Report Role", "default_bill_rate": 100}
        )
        employee = self.user_employee.employee_id
        employee.write(
            {
                "psa_role_ids": [(6, 0, role.ids)],
                "psa_default_role_id": role.id,
                "hourly_cost": 30.0,
            }
        )
        line = (
            self.env["account.analytic.line"]
            .with_user(self.user_employee)
            .create(
                {
                    "project_id": self.project_tm.id,
                    "name": "Reported work",
                    "unit_amount": 3.0,
                }
            )
        )
        line.action_psa_submit()
        line.with_user(self.user_approver).action_psa_approve()
        self.start_tour("/odoo", "psa_workflow_reporting_tour", login="psa_approver")

    def test_approve_a_week_then_invoice_it(self):
        role = self.env["psa.role"].create(
            {"name": "Tour Role", "default_bill_rate": 100}
        )
        employee = self.user_employee.employee_id
        employee.write(
            {"psa_role_ids": [(6, 0, role.ids)], "psa_default_role_id": role.id}
        )
        monday = fields.Date.today() - timedelta(days=fields.Date.today().weekday() + 7)
        lines = (
            self.env["account.analytic.line"]
            .with_user(self.user_employee)
            .create(
                [
                    {
                        "project_id": self.project_tm.id,
                        "name": "Week of work",
                        "unit_amount": 4.0,
                        "date": monday + timedelta(days=day),
                    }
                    for day in range(5)
                ]
            )
        )
        lines.action_psa_submit()
        self.start_tour("/odoo", "psa_workflow_approve_week_tour", login="psa_approver")
        self.assertEqual(set(lines.mapped("psa_state")), {"approved"})
        self.start_tour(
            "/odoo", "psa_workflow_create_invoice_tour", login="psa_billing"
        )
        self.assertEqual(set(lines.mapped("psa_state")), {"invoiced"})
        invoice = (
            self.env["psa.invoice.link"]
            .search([("timesheet_id", "in", lines.ids)])
            .move_id
        )
        self.assertEqual((invoice.state, invoice.amount_untaxed), ("draft", 20 * 100.0))
        # The invoice posted, the billing user credits one of its days.
        invoice.invoice_date = fields.Date.today()
        invoice.action_post()
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "psa_workflow_credit_entries_tour",
            login="psa_billing",
        )
        credit = self.env["account.move"].search(
            [("reversed_entry_id", "=", invoice.id)]
        )
        self.assertEqual((credit.state, credit.amount_untaxed), ("draft", 400.0))
        credit.action_post()
        self.assertEqual(
            sorted(lines.mapped("psa_state")), ["approved"] + ["invoiced"] * 4
        )

    def test_project_manager_reads_the_dashboard(self):
        _read_the_dashboard(self)


@tagged("post_install", "-at_install")
class TestDashboardTourPhone(PsaHttpCommon):
    """The dashboard on a phone: its cards one under another, the same
    figures, back from a report with the back button."""

    browser_size = "390x844"
    touch_enabled = True

    def test_project_manager_reads_the_dashboard_on_a_phone(self):
        _read_the_dashboard(self)
