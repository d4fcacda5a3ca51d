# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools.misc import format_date

from .planning_common import PsaPlanningCommon


@tagged("post_install", "-at_install")
class TestPsaStaffingWeeks(PsaPlanningCommon):
    """Week 1 has a public holiday on Tuesday (company calendar: 4 days, 32 h);
    the part-timer works Monday-Thursday and is off on week 1's Wednesday.

    ========= ============================ ==================== ===========
    candidate booked elsewhere             free W1 / W2         can cover
    ========= ============================ ==================== ===========
    emp_part  4 h/day in week 2 (16)       16 / 16              16 + 16
    emp_admin 8 h/day in week 1 (32)       0 / 40               0 + 20
    emp_full  6 h/day both weeks (24, 30)  8 / 10               8 + 10
    ========= ============================ ==================== ===========

    The open consultant role needs 4 h/day: 16 h in week 1, 20 h in week 2.
    """

    def setUp(self):
        super().setUp()
        self.week2_end = self.week2 + timedelta(days=4)
        self._allocate(
            employee_id=self.emp_part.id,
            project_id=self.project_fixed.id,
            hours_per_day=4.0,
            date_from=self.week2,
            date_to=self.week2_end,
        )
        self._allocate(
            employee_id=self.emp_admin.id,
            project_id=self.project_fixed.id,
            hours_per_day=8.0,
        )
        self._allocate(
            employee_id=self.emp_full.id,
            project_id=self.project_fixed.id,
            hours_per_day=6.0,
            date_to=self.week2_end,
        )
        self.open_role = self._allocate(
            employee_id=False,
            role_id=self.role_consultant.id,
            hours_per_day=4.0,
            date_to=self.week2_end,
        )

    def _wizard(self, allocation=None):
        action = (allocation or self.open_role).action_open_staffing()
        return self.env["psa.allocation.staff"].browse(action["res_id"])

    def _week(self, day):
        return f"W{day.isocalendar()[1]:02d}"

    def test_week_by_week_free_hours_of_each_candidate(self):
        wizard = self._wizard()
        w1, w2 = self._week(self.monday), self._week(self.week2)
        self.assertEqual(wizard.needed_strip, f"{w1} 16 h · {w2} 20 h")
        strips = {line.employee_id: line.week_strip for line in wizard.line_ids}
        self.assertEqual(
            strips,
            {
                self.emp_part: f"{w1} 16 h · {w2} 16 h",
                self.emp_admin: f"{w1} 0 h · {w2} 40 h",
                self.emp_full: f"{w1} 8 h · {w2} 10 h",
            },
        )
        # Another 4 h on the full-timer's week 2 Monday: a negative week.
        self._allocate(
            employee_id=self.emp_full.id,
            project_id=self.project_fixed.id,
            hours_per_day=12.0,
            date_from=self.week2,
            date_to=self.week2,
        )
        wizard = self._wizard()
        line = wizard.line_ids.filtered(lambda x: x.employee_id == self.emp_full)
        self.assertEqual(line.week_strip, f"{w1} 8 h · {w2} \N{MINUS SIGN}2 h")
        self.assertEqual(line.free_hours, 6.0)
        self.assertEqual(line.covered_hours, 8.0)  # a negative week covers nothing

    def test_ranked_by_the_hours_they_can_cover_not_total_free(self):
        wizard = self._wizard()
        ranking = [
            (line.employee_id, line.free_hours, line.covered_hours)
            for line in wizard.line_ids
        ]
        # emp_admin has the most free hours (40) but none in week 1.
        self.assertEqual(
            ranking,
            [
                (self.emp_part, 32.0, 32.0),
                (self.emp_admin, 40.0, 20.0),
                (self.emp_full, 18.0, 18.0),
            ],
        )
        flags = {line.employee_id: line.is_overallocated for line in wizard.line_ids}
        # Spread over their own days, the role fits the part-timer only.
        self.assertEqual(
            flags,
            {self.emp_part: False, self.emp_admin: True, self.emp_full: True},
        )

    def test_over_allocation_warned_before_staffing_then_confirmed(self):
        wizard = self._wizard()
        admin_line = wizard.line_ids.filtered(lambda x: x.employee_id == self.emp_admin)
        action = admin_line.action_staff()
        # Not staffed: the review step opens on the same wizard with a warning.
        self.assertTrue(self.open_role.is_open_role)
        self.assertEqual(action["res_model"], "psa.allocation.staff")
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(wizard.candidate_id, self.emp_admin)
        self.assertTrue(wizard.candidate_overallocated)
        # The week's Monday in the user's date format, not ISO; 32 + 16 > 32.
        self.assertIn(
            format_date(self.env, self.monday), wizard.candidate_overallocation
        )
        self.assertNotIn(
            fields.Date.to_string(self.monday), wizard.candidate_overallocation
        )
        self.assertIn("48 h planned for 32 h", wizard.candidate_overallocation)
        self.assertEqual(len(wizard.candidate_overallocation.splitlines()), 1)
        wizard.action_back()
        self.assertFalse(wizard.candidate_id)
        self.assertTrue(self.open_role.is_open_role)
        admin_line.action_staff()
        wizard.action_staff_confirmed()
        self.assertEqual(self.open_role.employee_id, self.emp_admin)
        self.assertTrue(self.open_role.is_overallocated)

    def test_nothing_to_say_staffs_in_one_click(self):
        free_role = self._allocate(
            employee_id=False,
            role_id=self.role_consultant.id,
            hours_per_day=4.0,
            date_from=self.week2 + timedelta(weeks=1),
            date_to=self.week2 + timedelta(weeks=1, days=4),
        )
        wizard = self._wizard(free_role)
        first = wizard.line_ids[0]
        self.assertEqual(first.covered_hours, 20.0)
        self.assertFalse(first.is_overallocated)
        action = first.action_staff()
        self.assertEqual(action["type"], "ir.actions.act_window_close")
        self.assertEqual(free_role.employee_id, first.employee_id)


@tagged("post_install", "-at_install")
class TestPsaStaffingRole(PsaPlanningCommon):
    """emp_full holds consultant (default, 100/h) and architect (180/h)."""

    def _open_architect(self, weeks=2):
        start = self.week2 + timedelta(weeks=weeks)
        return self._allocate(
            employee_id=False,
            role_id=self.role_architect.id,
            hours_per_day=4.0,
            date_from=start,
            date_to=start + timedelta(days=4),
        )

    def _pick(self, allocation, employee):
        action = allocation.action_open_staffing()
        wizard = self.env["psa.allocation.staff"].browse(action["res_id"])
        line = wizard.line_ids.filtered(lambda x: x.employee_id == employee)
        return wizard, line, line.action_staff()

    def test_requested_role_and_revenue_kept_unless_chosen(self):
        allocation = self._open_architect()
        self.assertEqual(sum(allocation.line_ids.mapped("planned_revenue")), 3600.0)
        wizard, line, action = self._pick(allocation, self.emp_full)
        self.assertEqual(line.employee_role_id, self.role_consultant)
        self.assertTrue(line.role_differs)
        # A different role: the review step says so, nothing is written yet.
        self.assertEqual(action["res_id"], wizard.id)
        self.assertTrue(allocation.is_open_role)
        self.assertTrue(wizard.role_differs)
        self.assertFalse(wizard.candidate_overallocated)
        self.assertEqual(wizard.candidate_role_id, self.role_consultant)
        self.assertEqual(wizard.revenue_current, 3600.0)
        self.assertEqual(wizard.revenue_staffed, 3600.0)
        self.assertEqual((wizard.rate_current, wizard.rate_staffed), (180.0, 180.0))
        self.assertIn("180.00", wizard.role_change_summary)
        self.assertIn("100.00", wizard.role_change_summary)
        self.assertIn("2,000.00", wizard.role_change_summary)
        wizard.action_staff_confirmed()
        self.assertEqual(allocation.employee_id, self.emp_full)
        self.assertEqual(allocation.role_id, self.role_architect)
        self.assertEqual(sum(allocation.line_ids.mapped("planned_revenue")), 3600.0)
        self.assertEqual(set(allocation.line_ids.role_id), {self.role_architect})

    def test_candidate_role_only_when_chosen(self):
        allocation = self._open_architect(weeks=3)
        wizard, _line, _action = self._pick(allocation, self.emp_full)
        wizard.use_candidate_role = True
        self.assertEqual(wizard.revenue_staffed, 2000.0)
        self.assertEqual((wizard.rate_current, wizard.rate_staffed), (180.0, 100.0))
        wizard.action_staff_confirmed()
        self.assertEqual(allocation.role_id, self.role_consultant)
        self.assertEqual(sum(allocation.line_ids.mapped("planned_revenue")), 2000.0)
