# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import PsaHttpCommon


class AccountantTourMixin:
    def _run_accountant_tour(self, tour):
        """20 approved hours at 100.00 on the T&M project, and approved time on
        the fixed-price project (billed by its installments, never as time):
        the accountant invoices the former from Work in Progress."""
        role = self.env["psa.role"].create(
            {"name": "Accountant Tour Role", "default_bill_rate": 100}
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
                        "project_id": project.id,
                        "name": "Week of work",
                        "unit_amount": 4.0,
                        "date": monday + timedelta(days=day),
                    }
                    for project in (self.project_tm, self.project_fixed)
                    for day in range(5)
                ]
            )
        )
        lines.action_psa_submit()
        for project, manager in (
            (self.project_tm, self.user_approver),
            (self.project_fixed, self.user_admin),
        ):
            lines.filtered(lambda line, p=project: line.project_id == p).with_user(
                manager
            ).action_psa_approve()
        self.start_tour("/odoo", tour, login="psa_billing")
        time_and_materials = lines.filtered(
            lambda line: line.project_id == self.project_tm
        )
        self.assertEqual(set(time_and_materials.mapped("psa_state")), {"invoiced"})
        invoice = (
            self.env["psa.invoice.link"]
            .search([("timesheet_id", "in", time_and_materials.ids)])
            .move_id
        )
        self.assertEqual((invoice.state, invoice.amount_untaxed), ("draft", 2000.0))
        # The line says the hours and the service period, as the screen showed.
        self.assertRegex(invoice.invoice_line_ids.name, r"20\.00 h — .+ to .+")
        self.assertEqual(
            set((lines - time_and_materials).mapped("psa_state")), {"approved"}
        )


@tagged("post_install", "-at_install")
class TestAccountantTour(AccountantTourMixin, PsaHttpCommon):
    browser_size = "1440x900"

    def test_accountant_invoices_work_in_progress(self):
        self._run_accountant_tour("psa_workflow_accountant_tour")


@tagged("post_install", "-at_install")
class TestAccountantPhoneTour(AccountantTourMixin, PsaHttpCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_accountant_invoices_work_in_progress_on_a_phone(self):
        self._run_accountant_tour("psa_workflow_accountant_phone_tour")
