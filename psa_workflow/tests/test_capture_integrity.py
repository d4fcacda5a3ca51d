# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Paths around the lock and the rights that a first version left open."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .timesheet_common import DAY, PsaTimesheetCommon


@tagged("post_install", "-at_install")
class TestCaptureIntegrity(PsaTimesheetCommon):
    def _approve(self, line, approver=None):
        line.with_user(self.user_employee).action_psa_submit()
        line.with_user(approver or self.user_approver).action_psa_approve()

    def test_a_task_with_approved_time_cannot_move_project(self):
        line = self._log(task_id=self.task_tm.id)
        self._approve(line)
        with self.assertRaises(UserError):
            self.task_tm.project_id = self.project_fixed
        self.assertEqual(line.project_id, self.project_tm)
        self.task_tm.name = "Renamed"  # anything else is fine

    def test_rewriting_the_user_does_not_make_own_time_approvable(self):
        own = self._log(user=self.user_approver)
        own.with_user(self.user_approver).write({"user_id": self.user_employee.id})
        own.with_user(self.user_approver).action_psa_submit()
        with self.assertRaises(UserError) as caught:
            own.with_user(self.user_approver).action_psa_approve()
        self.assertIn("Separation of duties", str(caught.exception))

    def test_billable_time_without_rate_can_still_be_rejected(self):
        self.emp.write(
            {"psa_role_ids": [Command.clear()], "psa_default_role_id": False}
        )
        line = self._log()
        line.with_user(self.user_employee).action_psa_submit()
        line.with_user(self.user_approver).action_psa_reject(reason="Set a role")
        self.assertEqual(line.psa_state, "rejected")

    def test_employees_read_no_rates_anywhere(self):
        member = self.env["psa.project.member"].create(
            {"project_id": self.project_tm.id, "employee_id": self.emp.id}
        )
        for record, field in (
            (member, "bill_rate"),
            (self.role, "default_bill_rate"),
        ):
            with self.assertRaises(AccessError, msg=field):
                record.with_user(self.user_employee).read([field])
        self.assertEqual(member.with_user(self.user_approver).bill_rate, 100.0)

    def test_an_employee_cannot_bill_as_a_role_they_do_not_hold(self):
        senior = self.env["psa.role"].create(
            {"name": "Senior", "default_bill_rate": 250}
        )
        with self.assertRaises(ValidationError):
            self._log(psa_role_id=senior.id)
        line = self._log()
        with self.assertRaises(ValidationError):
            line.with_user(self.user_employee).psa_role_id = senior

    def test_role_and_team_changes_reprice_open_time_only(self):
        approved = self._log()
        self._approve(approved)
        draft = self._log(day=DAY + timedelta(days=1))
        self.role.default_bill_rate = 120.0
        self.assertEqual((draft.psa_bill_rate, approved.psa_bill_rate), (120.0, 100.0))
        lead = self.env["psa.role"].create({"name": "Lead", "default_bill_rate": 180.0})
        self.env["psa.project.member"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.emp.id,
                "role_id": lead.id,
            }
        )
        self.assertEqual((draft.psa_role_id, draft.psa_bill_rate), (lead, 180.0))
        self.assertEqual(approved.psa_role_id, self.role)

    def test_accountants_cannot_delete_other_peoples_timesheets(self):
        line = self._log()
        with self.assertRaises(UserError):
            line.with_user(self.user_billing).unlink()
        line.with_user(self.user_employee).unlink()  # one's own draft: fine

    def test_approver_cannot_plan_themself_on_another_managers_project(self):
        with self.assertRaises(AccessError):
            self.env["psa.allocation"].with_user(self.user_approver).create(
                {
                    "project_id": self.project_fixed.id,
                    "employee_id": self.approver_emp.id,
                    "date_from": DAY,
                    "date_to": DAY,
                    "hours_per_day": 1.0,
                }
            )

    def test_allocation_on_a_project_without_company(self):
        project = self.env["project.project"].create({"name": "PSA Shared"})
        self.assertFalse(project.company_id)
        allocation = self.env["psa.allocation"].create(
            {
                "project_id": project.id,
                "employee_id": self.emp.id,
                "date_from": DAY,
                "date_to": DAY,
                "hours_per_day": 1.0,
            }
        )
        self.assertEqual(allocation.company_id, self.emp.company_id)
        self.assertEqual(allocation.line_ids.company_id, self.emp.company_id)
