# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Records come and go without rewriting the history of billed work nor
taking billable work out of invoicing."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY

LATER = DAY + timedelta(days=60)


@tagged("post_install", "-at_install")
class TestLifecycle(PsaInvoicingCommon):
    def test_an_employee_with_billed_time_is_archived_not_deleted(self):
        employee = self.env["hr.employee"].create(
            {
                "name": "PSA Leaver",
                "psa_role_ids": [Command.set(self.role.ids)],
                "psa_default_role_id": self.role.id,
            }
        )
        line = self._log(2.0, user=self.user_admin, employee_id=employee.id)
        line.with_user(self.user_admin).action_psa_submit()
        line.with_user(self.user_approver).action_psa_approve()
        with self.assertRaisesRegex(UserError, "PSA Leaver.*Archive them instead"):
            employee.unlink()
        self.assertEqual(line.employee_id, employee)
        self._invoice()
        self.assertEqual(line.psa_state, "invoiced")
        with self.assertRaisesRegex(UserError, "approved or invoiced time"):
            employee.unlink()
        employee.action_archive()
        self.assertEqual(line.employee_id, employee)
        # Without such time, an employee is deleted as Odoo allows.
        newcomer = self.env["hr.employee"].create({"name": "PSA Newcomer"})
        newcomer.unlink()
        self.assertFalse(newcomer.exists())

    def test_an_archived_project_keeps_its_approved_work_in_invoicing(self):
        lines = self._approved(2.0, 1.0)
        action = self.project_tm.with_user(self.user_admin).action_archive()
        self.assertFalse(self.project_tm.active)
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("2 approved entries", action["params"]["message"])
        Engine = self.Engine
        self.assertIn(
            self.project_tm, Engine._projects_to_invoice(LATER, company=self.company)
        )
        wizard = (
            self.env["psa.invoice.create"]
            .with_user(self.user_billing)
            .with_context(default_date_to=str(LATER))
            .create({})
        )
        self.assertIn(self.project_tm, wizard.project_ids)
        wip = self.env["psa.wip.report"].with_user(self.user_billing)
        self.env.flush_all()
        self.assertEqual(
            sum(wip.search([("project_id", "=", self.project_tm.id)]).mapped("hours")),
            3.0,
        )
        move, _skipped = self._invoice()
        self.assertEqual(move.psa_link_ids.timesheet_id, lines)
        # Nothing left: archiving says nothing more.
        self.project_tm.action_unarchive()
        self.assertFalse(self.project_tm.with_user(self.user_admin).action_archive())

    def test_the_scheduled_run_invoices_an_archived_project(self):
        project = self.project_tm
        project.psa_invoice_frequency = "weekly"
        lines = self._approved(2.0, project=project)
        project.action_archive()
        Projects = self.env["project.project"]
        domain = Projects._psa_due_domain(Projects._psa_due_periods(LATER), LATER)
        self.assertIn(
            project,
            self.env["project.project"].with_context(active_test=False).search(domain),
        )
        moves = project._psa_invoice_scheduled(LATER, LATER)
        self.assertEqual(moves.psa_link_ids.timesheet_id, lines)

    def test_work_of_a_project_without_company_is_in_progress(self):
        project = self.project_tm.copy({"name": "PSA Shared Project"})
        project.company_id = False
        self._approved(2.0, project=project)
        self.env.flush_all()
        rows = (
            self.env["psa.wip.report"]
            .with_user(self.user_billing)
            .search([("project_id", "=", project.id)])
        )
        self.assertEqual(sum(rows.mapped("hours")), 2.0)
        self.assertEqual(sum(rows.mapped("amount")), 200.0)
        self.assertEqual(rows.company_id, self.env.ref("base.main_company"))
