# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .timesheet_common import DAY, PsaTimesheetCommon


@tagged("post_install", "-at_install")
class TestTimesheetApproval(PsaTimesheetCommon):
    def test_submit_approve_lock_reopen(self):
        line = self._log()
        self.assertEqual(line.psa_state, "draft")
        line.with_user(self.user_employee).action_psa_submit()
        self.assertEqual(line.psa_state, "submitted")
        self.assertTrue(line.psa_submitted_date)
        line.with_user(self.user_approver).action_psa_approve()
        self.assertEqual(
            (line.psa_state, line.psa_approved_by_id), ("approved", self.user_approver)
        )
        self.assertTrue(line.psa_approved_date)
        # Locked: hours, date, project, billable, rate, deletion.
        as_employee = line.with_user(self.user_employee)
        for vals in (
            {"unit_amount": 3.0},
            {"date": DAY + timedelta(days=1)},
            {"project_id": self.project_fixed.id},
            {"psa_billable": False},
        ):
            with self.assertRaises(UserError, msg=str(vals)):
                as_employee.write(vals)
        with self.assertRaises(UserError):
            as_employee.unlink()
        self.assertEqual(line.unit_amount, 2.0)
        self.assertTrue(line.readonly_timesheet)
        # The description is not billing data: still editable.
        as_employee.name = "Work, details"
        line.with_user(self.user_approver).action_psa_reopen()
        self.assertEqual(line.psa_state, "draft")
        self.assertFalse(line.psa_approved_by_id)
        as_employee.unit_amount = 3.0
        self.assertEqual(line.psa_bill_amount, 300.0)

    def test_invoiced_entries_cannot_be_reopened_or_changed(self):
        line = self._log()
        line.with_user(self.user_employee).action_psa_submit()
        line.with_user(self.user_approver).action_psa_approve()
        line.sudo().psa_state = "invoiced"  # what the invoicing engine does
        with self.assertRaises(UserError):
            line.with_user(self.user_approver).action_psa_reopen()
        with self.assertRaises(UserError):
            line.with_user(self.user_admin).write({"unit_amount": 1.0})
        with self.assertRaises(UserError):
            line.with_user(self.user_admin).unlink()

    def test_reject_with_a_reason_shown_to_the_employee(self):
        line = self._log()
        line.with_user(self.user_employee).action_psa_submit()
        action = line.with_user(self.user_approver).action_psa_reject()
        self.assertEqual(action["res_model"], "psa.timesheet.reject")
        wizard = (
            self.env["psa.timesheet.reject"]
            .with_user(self.user_approver)
            .with_context(**action["context"])
            .create({"reason": "Wrong task"})
        )
        wizard.action_reject()
        self.assertEqual(
            (line.psa_state, line.psa_rejection_reason), ("rejected", "Wrong task")
        )
        # The activity is on the entry: it opens the timesheet to correct.
        rejected_type = self.env.ref(
            "psa_workflow.mail_activity_type_timesheet_rejected"
        )
        activity = line.activity_ids
        self.assertEqual(
            (activity.res_model, activity.res_id, activity.activity_type_id),
            ("account.analytic.line", line.id, rejected_type),
        )
        self.assertEqual(activity.user_id, self.user_employee)
        self.assertIn("Wrong task", str(activity.note))
        self.assertIn(self.emp.name, activity.summary)
        self.assertEqual(
            activity.with_user(self.user_employee).action_open_document()["res_id"],
            line.id,
        )
        # Corrected and submitted again: the activity is closed.
        line.with_user(self.user_employee).write({"unit_amount": 1.5})
        line.with_user(self.user_employee).action_psa_submit()
        self.assertEqual(line.psa_state, "submitted")
        self.assertFalse(line.psa_rejection_reason)
        self.assertFalse(activity.exists())
        self.assertFalse(line.activity_ids)

    def test_rejection_activity_per_entry(self):
        """Rejecting a week: one activity per entry, for each entry's employee;
        the employee marks one done from the activity (no chatter needed)."""
        lines = self._log() | self._log(day=DAY + timedelta(days=1))
        theirs = self._log(user=self.user_admin)
        lines.with_user(self.user_employee).action_psa_submit()
        theirs.with_user(self.user_admin).action_psa_submit()
        (lines | theirs).with_user(self.user_approver).action_psa_reject(
            reason="Split by task"
        )
        activities = (lines | theirs).activity_ids
        self.assertEqual(len(activities), 3)
        self.assertEqual(
            {(a.res_id, a.user_id) for a in activities},
            {
                (lines[0].id, self.user_employee),
                (lines[1].id, self.user_employee),
                (theirs.id, self.user_admin),
            },
        )
        # The employee reads and closes their activities, on their entries.
        mine = (
            self.env["mail.activity"]
            .with_user(self.user_employee)
            .search([("res_model", "=", "account.analytic.line")])
        )
        self.assertEqual(mine, lines.activity_ids)
        self.assertEqual(lines[0].with_user(self.user_employee).activity_state, "today")
        mine[0].action_feedback(feedback="Done")
        self.assertEqual(len(lines.activity_ids), 1)
        # The systray counts them under Timesheets.
        groups = self.user_employee.with_user(self.user_employee)._get_activity_groups()
        self.assertIn(
            ("account.analytic.line", 1),
            [(group["model"], group["total_count"]) for group in groups],
        )
        # Deleting an entry deletes its activity.
        theirs_activity = theirs.activity_ids
        theirs.with_user(self.user_admin).unlink()
        self.assertFalse(theirs_activity.exists())

    def test_approvers_get_one_activity_per_project_closed_when_done(self):
        lines = self._log() | self._log(day=DAY + timedelta(days=1))
        lines.with_user(self.user_employee).action_psa_submit()
        approval = self.env.ref("psa_workflow.mail_activity_type_timesheet_approval")
        domain = [
            ("res_model", "=", "project.project"),
            ("res_id", "=", self.project_tm.id),
            ("activity_type_id", "=", approval.id),
        ]
        activities = self.env["mail.activity"].search(domain)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.user_approver)
        self._log(day=DAY + timedelta(days=2)).with_user(
            self.user_employee
        ).action_psa_submit()
        self.assertEqual(self.env["mail.activity"].search_count(domain), 1)
        lines[0].with_user(self.user_approver).action_psa_approve()
        self.assertEqual(
            self.env["mail.activity"].search_count(domain), 1, "still pending"
        )
        self.env["account.analytic.line"].search(
            [("project_id", "=", self.project_tm.id), ("psa_state", "=", "submitted")]
        ).with_user(self.user_approver).action_psa_approve()
        self.assertEqual(self.env["mail.activity"].search_count(domain), 0)

    def test_submit_week_submits_only_my_drafts_of_that_week(self):
        mine = self._log() | self._log(day=DAY + timedelta(days=4))
        next_week = self._log(day=DAY + timedelta(days=7))
        other = self._log(user=self.user_approver)
        count = (
            self.env["account.analytic.line"]
            .with_user(self.user_employee)
            .psa_submit_week(DAY + timedelta(days=2))
        )
        self.assertEqual(count, 2)
        self.assertEqual(set(mine.mapped("psa_state")), {"submitted"})
        self.assertEqual((next_week | other).mapped("psa_state"), ["draft", "draft"])


@tagged("post_install", "-at_install")
class TestTimesheetApprovalRights(PsaTimesheetCommon):
    def test_employee_cannot_read_other_employees_timesheets_or_costs(self):
        theirs = self._log(user=self.user_approver)
        Line = self.env["account.analytic.line"].with_user(self.user_employee)
        self.assertFalse(Line.search([("id", "=", theirs.id)]))
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_employee).read(["amount", "unit_amount"])
        with self.assertRaises(AccessError):
            self.approver_emp.with_user(self.user_employee).read(["hourly_cost"])

    def test_employee_cannot_approve_nor_write_states(self):
        line = self._log()
        line.with_user(self.user_employee).action_psa_submit()
        with self.assertRaises(UserError):
            line.with_user(self.user_employee).action_psa_approve()
        with self.assertRaises(UserError):
            line.with_user(self.user_employee).write({"psa_state": "approved"})
        with self.assertRaises(UserError):
            self._log(psa_state="approved", day=DAY + timedelta(days=1))
        self.assertEqual(line.psa_state, "submitted")

    def test_approver_of_project_a_cannot_approve_project_b(self):
        line = self._log(project=self.project_fixed)  # managed by the admin
        line.with_user(self.user_employee).action_psa_submit()
        with self.assertRaises(AccessError):
            line.with_user(self.user_approver).action_psa_approve()
        self.assertEqual(line.psa_state, "submitted")
        line.with_user(self.user_admin).action_psa_approve()
        self.assertEqual(line.psa_state, "approved")

    def test_nobody_approves_their_own_time_not_even_admins(self):
        own = self._log(user=self.user_approver)
        own.with_user(self.user_approver).action_psa_submit()
        with self.assertRaises(UserError) as caught:
            own.with_user(self.user_approver).action_psa_approve()
        self.assertIn("Separation of duties", str(caught.exception))
        admin_own = self._log(user=self.user_admin, project=self.project_fixed)
        admin_own.with_user(self.user_admin).action_psa_submit()
        with self.assertRaises(UserError):
            admin_own.with_user(self.user_admin).action_psa_approve()
        self.assertEqual(admin_own.psa_state, "submitted")

    def test_approval_refused_for_billable_time_without_rate(self):
        self.emp.write({"psa_role_ids": [(5,)], "psa_default_role_id": False})
        line = self._log()
        line.with_user(self.user_employee).action_psa_submit()
        with self.assertRaises(UserError) as caught:
            line.with_user(self.user_approver).action_psa_approve()
        self.assertIn("without a rate", str(caught.exception))
        self.assertEqual(line.psa_state, "submitted")

    def test_approver_sees_only_timesheets_of_managed_projects_and_own(self):
        tm = self._log()
        fixed = self._log(project=self.project_fixed, day=DAY + timedelta(days=1))
        own = self._log(user=self.user_approver, project=self.project_fixed)
        visible = (
            self.env["account.analytic.line"]
            .with_user(self.user_approver)
            .search([("id", "in", (tm | fixed | own).ids)])
        )
        self.assertEqual(visible, tm | own)
        billing = (
            self.env["account.analytic.line"]
            .with_user(self.user_billing)
            .search([("id", "in", (tm | fixed | own).ids)])
        )
        self.assertEqual(billing, tm | fixed | own)
        with self.assertRaises(AccessError):
            tm.with_user(self.user_billing).write({"name": "x"})


@tagged("post_install", "-at_install")
class TestTimesheetBadInput(PsaTimesheetCommon):
    def assertRefused(self, exception=ValidationError, **vals):
        count = self.env["account.analytic.line"].search_count([])
        with self.assertRaises(exception) as caught:
            self._log(**vals)
        self.assertEqual(self.env["account.analytic.line"].search_count([]), count)
        return str(caught.exception)

    def test_zero_or_negative_hours(self):
        # Zero hours are accepted at creation (Odoo's own empty lines), refused
        # at submission (test_input_validation); negative ones at creation.
        self.assertIn(self.emp.name, self.assertRefused(hours=-1.0))
        self.assertEqual(self._log(hours=0.0).unit_amount, 0.0)

    def test_more_than_24_hours_a_day(self):
        self._log(hours=20.0)
        message = self.assertRefused(hours=5.0, project=self.project_internal)
        self.assertIn("24 hours", message)
        self._log(hours=4.0, project=self.project_internal)

    def test_archived_project(self):
        self.project_fixed.active = False
        self.assertIn("archived", self.assertRefused(project=self.project_fixed))

    def test_another_companys_project(self):
        # Not even readable by an employee of company A only.
        self.assertRefused(exception=Exception, project=self.project_b)

    def test_intercompany_time_is_billed_by_the_project_company(self):
        # Odoo's own flow: a user of both companies, whose employee is in A,
        # logs time on a project of B; B bills it at the project's rates.
        self.user_admin.company_ids |= self.company_b
        rate = self.env["psa.rate"].create(
            {
                "project_id": self.project_b.id,
                "amount": 70.0,
                "company_id": self.company_b.id,
            }
        )
        line = self._log(user=self.user_admin, project=self.project_b, hours=2.0)
        self.assertEqual(line.company_id, self.company_b)
        self.assertEqual(line.employee_id, self.user_admin.employee_id)
        self.assertEqual(line.employee_id.company_id, self.company)
        self.assertEqual(line.psa_bill_rate, rate.amount)
        self.assertEqual(line.psa_bill_amount, 140.0)

    def test_intercompany_time_refused_when_the_company_says_so(self):
        self.user_admin.company_ids |= self.company_b
        self.company_b.psa_refuse_intercompany_time = True
        message = self.assertRefused(user=self.user_admin, project=self.project_b)
        self.assertIn(self.company_b.name, message)
        self.assertIn(self.company.name, message)
        # Its own employees still log time there.
        line = self._log(user=self.user_employee_b, project=self.project_b)
        self.assertEqual(line.company_id, self.company_b)
