# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.misc import format_date

from .planning_common import PsaPlanningCommon


@tagged("post_install", "-at_install")
class TestPsaAllocationSpreading(PsaPlanningCommon):
    def test_hours_per_day_on_working_days_only(self):
        allocation = self._allocate(
            hours_per_day=6.0, date_to=self.week2 + timedelta(days=6)
        )
        days = self._days(allocation)
        # Week 1 without the Tuesday holiday, week 2 Monday to Friday.
        self.assertEqual(len(days), 4 + 5)
        self.assertNotIn(self.monday + timedelta(days=1), days)
        self.assertTrue(all(hours == 6.0 for hours in days.values()))
        self.assertEqual(allocation.allocated_hours, 54.0)

    def test_percent_of_capacity_of_a_part_timer(self):
        allocation = self._allocate(
            employee_id=self.emp_part.id, mode="percent", percent=50.0
        )
        self.assertEqual(
            self._days(allocation),
            {self.monday: 4.0, self.monday + timedelta(days=3): 4.0},
        )
        self.assertEqual(allocation.allocated_hours, 8.0)

    def test_total_hours_spread_exactly_over_capacity(self):
        allocation = self._allocate(
            employee_id=self.emp_full.id,
            mode="total_hours",
            total_hours=10.0,
            date_to=self.monday + timedelta(days=6),
        )
        days = self._days(allocation)
        self.assertEqual(len(days), 4)  # four working days (holiday on Tuesday)
        self.assertEqual(sorted(set(days.values())), [2.5])
        uneven = self._allocate(
            employee_id=self.emp_full.id,
            mode="total_hours",
            total_hours=10.0,
            date_from=self.week2,
            date_to=self.week2 + timedelta(days=2),
        )
        # 10 h over three equal days: 3.33 + 3.33 + 3.34, never a cent lost.
        self.assertEqual(sorted(self._days(uneven).values()), [3.33, 3.33, 3.34])
        self.assertAlmostEqual(uneven.allocated_hours, 10.0)

    def test_open_role_uses_the_company_calendar(self):
        allocation = self._allocate(
            employee_id=False, role_id=self.role_architect.id, hours_per_day=2.0
        )
        self.assertTrue(allocation.is_open_role)
        self.assertEqual(allocation.allocated_hours, 8.0)  # 4 days: holiday on Tuesday

    def test_changing_the_dates_respreads_the_days(self):
        allocation = self._allocate(hours_per_day=4.0)
        allocation.date_to = self.monday
        self.assertEqual(self._days(allocation), {self.monday: 4.0})
        self.assertEqual(
            self.env["psa.allocation.line"].search_count(
                [("allocation_id", "=", allocation.id)]
            ),
            1,
        )
        allocation.state = "confirmed"
        self.assertEqual(allocation.line_ids.state, "confirmed")

    def test_role_comes_from_the_team_then_the_employee(self):
        by_default = self._allocate(hours_per_day=1.0)
        self.assertEqual(by_default.role_id, self.role_consultant)
        self.env["psa.project.member"].create(
            {
                "project_id": self.project_fixed.id,
                "employee_id": self.emp_full.id,
                "role_id": self.role_architect.id,
            }
        )
        on_team = self._allocate(project_id=self.project_fixed.id, hours_per_day=1.0)
        self.assertEqual(on_team.role_id, self.role_architect)

    def test_planned_revenue_uses_the_rate_chain_per_day(self):
        self.env["psa.rate"].create(
            [
                {
                    "project_id": self.project_tm.id,
                    "employee_id": self.emp_full.id,
                    "amount": 150.0,
                    "date_to": self.monday + timedelta(days=2),
                },
                {
                    "project_id": self.project_tm.id,
                    "employee_id": self.emp_full.id,
                    "amount": 160.0,
                    "date_from": self.monday + timedelta(days=3),
                },
            ]
        )
        allocation = self._allocate(hours_per_day=2.0)
        revenue = {line.date: line.planned_revenue for line in allocation.line_ids}
        # Monday and Wednesday at 150, Thursday and Friday at 160.
        self.assertEqual(sum(revenue.values()), 2 * 2 * 150.0 + 2 * 2 * 160.0)
        fixed = self._allocate(project_id=self.project_fixed.id, hours_per_day=2.0)
        self.assertEqual(sum(fixed.line_ids.mapped("planned_revenue")), 0.0)


@tagged("post_install", "-at_install")
class TestPsaAllocationBadInput(PsaPlanningCommon):
    def assertRefused(self, exception=ValidationError, **vals):
        count = self.env["psa.allocation"].search_count([])
        lines = self.env["psa.allocation.line"].search_count([])
        with self.assertRaises(exception) as caught:
            self._allocate(**vals)
        self.assertEqual(self.env["psa.allocation"].search_count([]), count)
        self.assertEqual(self.env["psa.allocation.line"].search_count([]), lines)
        return str(caught.exception)

    def test_end_before_start(self):
        message = self.assertRefused(
            hours_per_day=4.0, date_to=self.monday - timedelta(days=1)
        )
        self.assertIn("ends before it starts", message)
        self.assertIn(self.emp_full.name, message)

    def test_zero_or_negative_effort(self):
        self.assertRefused(hours_per_day=0.0)
        self.assertRefused(hours_per_day=-2.0)
        self.assertRefused(mode="percent", percent=0.0)
        self.assertRefused(mode="total_hours", total_hours=-5.0)

    def test_more_than_full_capacity_only_when_refusal_is_configured(self):
        self.assertTrue(self._allocate(mode="percent", percent=120.0))
        self.company.psa_refuse_overallocation = True
        self.assertIn("100%", self.assertRefused(mode="percent", percent=120.0))
        self.assertRefused(hours_per_day=9.0)
        self.assertRefused(mode="total_hours", total_hours=33.0)
        self.assertTrue(self._allocate(hours_per_day=8.0))

    def test_archived_employee(self):
        self.emp_admin.active = False
        self.assertIn(
            "archived",
            self.assertRefused(employee_id=self.emp_admin.id, hours_per_day=1.0),
        )

    def test_dates_outside_the_project(self):
        self.project_fixed.write(
            {"date_start": self.monday, "date": self.monday + timedelta(days=2)}
        )
        message = self.assertRefused(
            project_id=self.project_fixed.id, hours_per_day=1.0
        )
        self.assertIn("project's dates", message)

    def test_employee_of_another_company(self):
        self.assertRefused(
            UserError,
            employee_id=self.user_employee_b.employee_id.id,
            hours_per_day=1.0,
        )

    def test_no_working_day_in_the_period(self):
        saturday = self.monday + timedelta(days=5)
        message = self.assertRefused(
            hours_per_day=1.0, date_from=saturday, date_to=saturday + timedelta(days=1)
        )
        self.assertIn("no working day", message)

    def test_open_role_needs_a_role(self):
        self.assertRefused(employee_id=False, hours_per_day=1.0)


@tagged("post_install", "-at_install")
class TestPsaOverallocation(PsaPlanningCommon):
    def test_overallocated_week_is_flagged_and_listed(self):
        confirmed = self._allocate(hours_per_day=6.0, state="confirmed")
        self.assertFalse(confirmed.is_overallocated)
        # Another project the same week: 6 + 4 > 8 hours a day.
        tentative = self._allocate(project_id=self.project_fixed.id, hours_per_day=4.0)
        later = self._allocate(
            hours_per_day=8.0, date_from=self.week2, date_to=self.week2
        )
        (confirmed | tentative | later).invalidate_recordset(["is_overallocated"])
        self.assertTrue(confirmed.is_overallocated)
        self.assertTrue(tentative.is_overallocated)
        # The week's Monday in the user's date format, not ISO.
        self.assertEqual(
            tentative.overallocated_weeks, format_date(self.env, self.monday)
        )
        self.assertNotEqual(
            tentative.overallocated_weeks, fields.Date.to_string(self.monday)
        )
        self.assertFalse(later.is_overallocated)
        found = self.env["psa.allocation"].search([("is_overallocated", "=", True)])
        self.assertIn(confirmed, found)
        self.assertIn(tentative, found)
        self.assertNotIn(later, found)
        not_found = self.env["psa.allocation"].search(
            [("is_overallocated", "=", False)]
        )
        self.assertIn(later, not_found)

    def test_confirmation_refused_when_configured(self):
        self._allocate(hours_per_day=6.0, state="confirmed")
        tentative = self._allocate(project_id=self.project_fixed.id, hours_per_day=4.0)
        self.company.psa_refuse_overallocation = True
        with self.assertRaises(ValidationError) as caught:
            tentative.action_confirm()
        self.assertIn("over-allocates", str(caught.exception))
        self.assertEqual(tentative.state, "tentative")
        tentative.hours_per_day = 2.0
        tentative.action_confirm()
        self.assertEqual(tentative.state, "confirmed")


@tagged("post_install", "-at_install")
class TestPsaStaffing(PsaPlanningCommon):
    def test_candidates_ranked_by_free_capacity_and_staffed_in_one_click(self):
        # emp_full is busy 6 h a day; emp_admin is free; emp_part works fewer days.
        self._allocate(employee_id=self.emp_full.id, hours_per_day=6.0)
        open_role = self._allocate(
            employee_id=False, role_id=self.role_consultant.id, hours_per_day=2.0
        )
        action = open_role.action_open_staffing()
        wizard = self.env["psa.allocation.staff"].browse(action["res_id"])
        ranking = [(line.employee_id, line.free_hours) for line in wizard.line_ids]
        self.assertEqual(
            ranking,
            [
                (self.emp_admin, 32.0),
                (self.emp_part, 16.0),
                (self.emp_full, 32.0 - 24.0),
            ],
        )
        wizard.line_ids[0].action_staff()
        self.assertEqual(open_role.employee_id, self.emp_admin)
        self.assertFalse(open_role.is_open_role)
        with self.assertRaises(UserError):
            open_role.action_open_staffing()

    def test_form_flow_for_an_open_role(self):
        with Form(self.env["psa.allocation"]) as form:
            form.project_id = self.project_tm
            form.role_id = self.role_architect
            form.date_from = self.week2
            form.date_to = self.week2 + timedelta(days=4)
            form.hours_per_day = 4.0
        self.assertEqual(form.record.allocated_hours, 20.0)


@tagged("post_install", "-at_install")
class TestPsaAllocationAccess(PsaPlanningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls.env["psa.allocation"].create(
            {
                "project_id": cls.project_fixed.id,
                "employee_id": cls.emp_part.id,
                "date_from": cls.monday,
                "date_to": cls.monday,
                "hours_per_day": 2.0,
            }
        )
        cls.other = cls.env["psa.allocation"].create(
            {
                "project_id": cls.project_fixed.id,
                "employee_id": cls.emp_admin.id,
                "date_from": cls.monday,
                "date_to": cls.monday,
                "hours_per_day": 2.0,
            }
        )
        cls.managed = cls.env["psa.allocation"].create(
            {
                "project_id": cls.project_tm.id,
                "employee_id": cls.emp_admin.id,
                "date_from": cls.monday,
                "date_to": cls.monday,
                "hours_per_day": 2.0,
            }
        )

    def _visible(self, user):
        return (
            self.env["psa.allocation"]
            .with_user(user)
            .search([("id", "in", (self.own | self.other | self.managed).ids)])
        )

    def test_employee_sees_own_allocations_and_cannot_plan(self):
        self.assertEqual(self._visible(self.user_employee), self.own)
        with self.assertRaises(AccessError):
            self.env["psa.allocation"].with_user(self.user_employee).create(
                {
                    "project_id": self.project_tm.id,
                    "employee_id": self.emp_part.id,
                    "date_from": self.week2,
                    "date_to": self.week2,
                    "hours_per_day": 1.0,
                }
            )

    def test_approver_plans_the_projects_they_manage_only(self):
        self.assertEqual(self._visible(self.user_approver), self.managed)
        Allocation = self.env["psa.allocation"].with_user(self.user_approver)
        created = Allocation.create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.emp_part.id,
                "date_from": self.week2,
                "date_to": self.week2,
                "hours_per_day": 1.0,
            }
        )
        self.assertEqual(created.allocated_hours, 1.0)
        with self.assertRaises(AccessError):
            Allocation.create(
                {
                    "project_id": self.project_fixed.id,
                    "employee_id": self.emp_part.id,
                    "date_from": self.week2,
                    "date_to": self.week2,
                    "hours_per_day": 1.0,
                }
            )
        with self.assertRaises(AccessError):
            self.other.with_user(self.user_approver).hours_per_day = 3.0

    def test_admin_and_billing_see_all(self):
        everything = self.own | self.other | self.managed
        self.assertEqual(self._visible(self.user_admin), everything)
        self.assertEqual(self._visible(self.user_billing), everything)
        with self.assertRaises(AccessError):
            self.other.with_user(self.user_billing).hours_per_day = 3.0

    def test_other_company_allocations_are_invisible(self):
        self.assertFalse(self._visible(self.user_employee_b))
