# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Approving a person's week in one action (issue #25, item 5): what the
approver may approve of it, its total and the warnings first; the bulk
actions of the screens say what they did."""

from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .timesheet_common import DAY, PsaTimesheetCommon


@tagged("post_install", "-at_install")
class TestWeekApproval(PsaTimesheetCommon):
    def _submitted(self, hours, day=DAY, **vals):
        line = self._log(hours, day=day, **vals)
        line.with_user(self.user_employee).action_psa_submit()
        return line

    def test_a_week_approved_in_one_action_with_its_total_and_warnings(self):
        monday = self._submitted(10.0)  # two hours over the day's eight
        tuesday = self._submitted(3.5, day=DAY + timedelta(days=1))
        draft = self._log(2.0, day=DAY + timedelta(days=2))
        next_week = self._submitted(1.0, day=DAY + timedelta(days=7))
        # The approver's own time that week is never theirs to approve.
        own = self._log(1.0, user=self.user_approver)
        own.with_user(self.user_approver).action_psa_submit()

        action = tuesday.with_user(self.user_approver).action_psa_approve_week()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        wizard = wizard.with_user(self.user_approver)
        self.assertEqual(action["target"], "new")
        self.assertEqual(wizard.employee_id, self.emp)
        self.assertEqual(wizard.week_start, DAY)
        self.assertEqual(wizard.line_ids, monday | tuesday)
        self.assertEqual((wizard.entry_count, wizard.total_hours), (2, 13.5))
        self.assertIn("10:00 logged for 8:00 of working hours", wizard.warnings)
        self.assertIn("1 entries of the week are not submitted yet", wizard.warnings)
        self.assertIn(" - ", wizard.week_label)  # dates, not "W10 2019"

        done = wizard.action_approve()
        self.assertEqual(done["tag"], "display_notification")
        self.assertIn("2 entries, 13:30", done["params"]["message"])
        self.assertEqual(
            (monday | tuesday).mapped("psa_state"), ["approved", "approved"]
        )
        self.assertEqual(draft.psa_state, "draft")
        self.assertEqual(next_week.psa_state, "submitted")
        self.assertEqual(own.psa_state, "submitted")
        # Nothing left to approve in that week: said, not done.
        with self.assertRaises(UserError):
            wizard.invalidate_recordset()
            wizard.action_approve()

    def test_projects_and_tasks_over_their_budget_are_warned(self):
        self.project_tm.allocated_hours = 5.0
        self.task_tm.allocated_hours = 4.0
        line = self._submitted(6.0, task_id=self.task_tm.id)
        action = line.with_user(self.user_approver).action_psa_approve_week()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        warnings = wizard.with_user(self.user_approver).warnings
        self.assertIn(
            f"{self.project_tm.display_name}: 6:00 logged, over its budget of 5:00.",
            warnings,
        )
        self.assertIn(
            f"{self.task_tm.display_name}: 6:00 logged, 2:00 over its budget of 4:00.",
            warnings,
        )

    def test_only_approvers_approve_a_week(self):
        line = self._submitted(2.0)
        with self.assertRaises(UserError):
            line.with_user(self.user_employee).action_psa_approve_week()
        self.assertEqual(line.psa_state, "submitted")

    def test_the_screens_bulk_actions_say_what_they_did(self):
        lines = self._submitted(2.0) | self._submitted(1.5, day=DAY + timedelta(1))
        as_approver = lines.with_user(self.user_approver)
        done = as_approver.with_context(psa_confirm=True).action_psa_approve()
        self.assertEqual(
            (done["tag"], done["params"]["title"]), ("display_notification", "Approved")
        )
        self.assertIn("2 entries, 3:30", done["params"]["message"])
        self.assertEqual(done["params"]["next"]["tag"], "soft_reload")
        # The API keeps its answer.
        as_approver.action_psa_reopen()
        lines.with_user(self.user_employee).action_psa_submit()
        self.assertIs(as_approver.action_psa_approve(), True)

    def test_weeks_are_labelled_by_their_dates(self):
        self._submitted(2.0)
        groups = (
            self.env["account.analytic.line"]
            .with_user(self.user_approver)
            .web_read_group(
                [("employee_id", "=", self.emp.id)],
                ["unit_amount:sum"],
                ["date:week"],
            )["groups"]
        )
        # The week as the language starts it (en_US: Sunday 3 March).
        [group] = groups
        period = group["__range"]["date:week"]
        self.assertEqual(period, {"from": "2019-03-03", "to": "2019-03-10"})
        self.assertEqual(group["date:week"], "3 Mar - 9 Mar 2019")
