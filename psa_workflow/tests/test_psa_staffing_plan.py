# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Staffing that keeps the plan (issue #25, item 6): a candidate whose
working days hold fewer hours than requested (the part-timer: Monday to
Thursday) leaves the rest as an open role, keeps the total on them, or plans
fewer hours, as the manager chooses; candidates whose own role it is come
first."""

from datetime import timedelta

from odoo.tests import tagged

from .planning_common import PsaPlanningCommon


@tagged("post_install", "-at_install")
class TestPsaStaffingPlan(PsaPlanningCommon):
    def setUp(self):
        super().setUp()
        # 8 h a day in week 2 (no holiday): 40 h requested.
        self.open_role = self._allocate(
            employee_id=False,
            role_id=self.role_consultant.id,
            hours_per_day=8.0,
            date_from=self.week2,
            date_to=self.week2 + timedelta(days=4),
        )

    def _review(self, employee, choice=None):
        action = self.open_role.action_open_staffing()
        wizard = self.env["psa.allocation.staff"].browse(action["res_id"])
        line = wizard.line_ids.filtered(lambda x: x.employee_id == employee)
        line.action_staff()
        if choice:
            wizard.shortfall_choice = choice
        return wizard

    def _open_roles(self):
        return self.env["psa.allocation"].search(
            [("project_id", "=", self.project_tm.id), ("employee_id", "=", False)]
        )

    def test_the_rest_is_left_as_an_open_role_by_default(self):
        self.assertEqual(self.open_role.allocated_hours, 40.0)
        wizard = self._review(self.emp_part)
        self.assertEqual(wizard.candidate_id, self.emp_part)  # reviewed first
        self.assertEqual((wizard.candidate_hours, wizard.shortfall_hours), (32.0, 8.0))
        self.assertEqual(wizard.shortfall_choice, "open_role")
        wizard.action_staff_confirmed()
        self.assertEqual(
            (self.open_role.employee_id, self.open_role.allocated_hours),
            (self.emp_part, 32.0),
        )
        rest = self._open_roles()
        self.assertEqual(len(rest), 1)
        self.assertEqual(
            (rest.role_id, rest.mode, rest.allocated_hours),
            (self.role_consultant, "total_hours", 8.0),
        )
        self.assertEqual(
            (rest.date_from, rest.date_to, rest.state),
            (self.open_role.date_from, self.open_role.date_to, self.open_role.state),
        )
        # The plan keeps its hours: 32 staffed + 8 open.
        self.assertEqual(self.open_role.allocated_hours + rest.allocated_hours, 40.0)

    def test_the_total_can_stay_on_the_candidate(self):
        wizard = self._review(self.emp_part, "keep_total")
        wizard.action_staff_confirmed()
        self.assertEqual(
            (self.open_role.employee_id, self.open_role.mode),
            (self.emp_part, "total_hours"),
        )
        self.assertEqual(self.open_role.allocated_hours, 40.0)
        self.assertFalse(self._open_roles())

    def test_or_fewer_hours_be_planned(self):
        wizard = self._review(self.emp_part, "fewer")
        wizard.action_staff_confirmed()
        self.assertEqual(self.open_role.allocated_hours, 32.0)
        self.assertFalse(self._open_roles())

    def test_no_choice_when_nothing_is_short(self):
        # A full-timer holds the 40 h: staffed at once, nothing left open.
        wizard = self._review(self.emp_admin)
        self.assertFalse(wizard.shortfall_hours)
        self.assertEqual(
            (self.open_role.employee_id, self.open_role.allocated_hours),
            (self.emp_admin, 40.0),
        )
        self.assertFalse(self._open_roles())

    def test_candidates_whose_role_it_is_come_first(self):
        # The full-timer holds the role, but is an architect.
        self.emp_full.psa_default_role_id = self.role_architect
        action = self.open_role.action_open_staffing()
        wizard = self.env["psa.allocation.staff"].browse(action["res_id"])
        ranking = wizard.line_ids.mapped("employee_id")
        self.assertEqual(ranking[-1], self.emp_full)
        # Among those, the most hours they can cover first: 40 h, then 32 h.
        self.assertEqual(ranking[:-1], self.emp_admin | self.emp_part)
