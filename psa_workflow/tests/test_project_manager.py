# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Project managers (PSA approvers) manage their projects from the project
form: team, allocations and budget, not on another manager's project;
consultants cannot. Budget burn in hours and money with its colour bands;
the PSA app opens on the dashboard."""

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..models.project_project_burn import budget_band
from .timesheet_common import DAY, PsaTimesheetCommon


@tagged("post_install", "-at_install")
class TestProjectManager(PsaTimesheetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_other_approver = cls._psa_user("psa_pm_other", "approver", 60.0)
        cls.other_project = cls.env["project.project"].create(
            {
                "name": "PSA Test Other Manager's Project",
                "partner_id": cls.customer.id,
                "user_id": cls.user_other_approver.id,
                "privacy_visibility": "employees",
            }
        )

    def _allocation_vals(self, project):
        return {
            "project_id": project.id,
            "employee_id": self.emp.id,
            "date_from": "2019-03-04",
            "date_to": "2019-03-08",
            "hours_per_day": 2.0,
        }

    # ------------------------------------------------------------------
    # Who manages what
    # ------------------------------------------------------------------
    def test_approver_manages_team_allocations_and_budget_of_their_project(self):
        project = self.project_tm.with_user(self.user_approver)
        self.assertTrue(project.psa_can_manage)
        self.assertTrue(project.psa_can_edit_team)
        self.assertTrue(project.psa_can_edit_allocations)
        # Rates are the PSA administrators' (write policy): read-only here.
        self.assertFalse(project.psa_can_edit_rates)
        project.write(
            {
                "allocated_hours": 120.0,
                "psa_budget_amount": 15000.0,
                "psa_member_ids": [
                    Command.create(
                        {"employee_id": self.emp.id, "role_id": self.role.id}
                    )
                ],
                "psa_allocation_ids": [
                    Command.create(self._allocation_vals(self.project_tm))
                ],
            }
        )
        self.assertEqual(self.project_tm.allocated_hours, 120.0)
        self.assertEqual(self.project_tm.psa_budget_amount, 15000.0)
        self.assertEqual(self.project_tm.psa_member_ids.employee_id, self.emp)
        allocation = self.project_tm.psa_allocation_ids
        self.assertEqual(allocation.employee_id, self.emp)
        self.assertEqual(allocation.allocated_hours, 10.0)
        # And the rows themselves, as the allocation form saves them.
        # Not whom the project bills.
        with self.assertRaisesRegex(AccessError, "partner_id"):
            project.write({"partner_id": self.customer_eur.id})
        project.write({"partner_id": self.customer.id})  # unchanged: no change
        # Nor where its revenue and costs are booked.
        other_account = self.project_fixed.account_id
        with self.assertRaisesRegex(AccessError, "account_id"):
            project.write({"account_id": other_account.id})
        self.assertFalse(project.psa_can_edit_customer)
        self.assertTrue(
            self.project_tm.with_user(self.user_billing).psa_can_edit_customer
        )
        self.env["psa.allocation"].with_user(self.user_approver).create(
            dict(
                self._allocation_vals(self.project_tm),
                date_from="2019-03-11",
                date_to="2019-03-15",
            )
        )
        self.assertEqual(len(self.project_tm.psa_allocation_ids), 2)

    def test_approver_cannot_manage_another_managers_project(self):
        project = self.other_project.with_user(self.user_approver)
        self.assertFalse(project.psa_can_manage)
        self.assertFalse(project.psa_can_edit_team)
        self.assertFalse(project.psa_can_edit_allocations)
        with self.assertRaisesRegex(AccessError, "only change the projects you manage"):
            project.write({"psa_budget_amount": 1.0})
        with self.assertRaises(AccessError):
            project.write({"allocated_hours": 1.0})
        with self.assertRaises(AccessError):
            self.env["psa.project.member"].with_user(self.user_approver).create(
                {"project_id": self.other_project.id, "employee_id": self.emp.id}
            )
        with self.assertRaises(AccessError):
            self.env["psa.allocation"].with_user(self.user_approver).create(
                self._allocation_vals(self.other_project)
            )
        self.assertFalse(self.other_project.psa_member_ids)
        self.assertFalse(self.other_project.psa_budget_amount)
        # Marking it as a favourite is no change of the project.
        project.write({"is_favorite": True})
        self.assertIn(self.user_approver, self.other_project.favorite_user_ids)

    def test_consultant_cannot_manage_a_project(self):
        self.project_tm.user_id = self.user_employee  # even "their" project
        project = self.project_tm.with_user(self.user_employee)
        self.assertFalse(project.psa_can_manage)
        self.assertFalse(project.psa_can_edit_team)
        self.assertFalse(project.psa_can_edit_allocations)
        self.assertFalse(project.psa_can_edit_rates)
        with self.assertRaises(AccessError):
            project.write({"allocated_hours": 10.0})
        with self.assertRaises(AccessError):
            project.write(
                {"psa_member_ids": [Command.create({"employee_id": self.emp.id})]}
            )
        with self.assertRaises(AccessError):
            self.env["psa.allocation"].with_user(self.user_employee).create(
                self._allocation_vals(self.project_tm)
            )

    def test_rates_are_editable_where_the_write_policy_allows(self):
        Rate = self.env["psa.rate"]
        with self.assertRaises(AccessError):
            Rate.with_user(self.user_approver).create(
                {"project_id": self.project_tm.id, "amount": 150.0}
            )
        self.assertFalse(
            self.project_tm.with_user(self.user_billing).psa_can_edit_rates
        )
        admin_project = self.project_tm.with_user(self.user_admin)
        self.assertTrue(admin_project.psa_can_edit_rates)
        admin_project.write(
            {"psa_rate_ids": [Command.create({"role_id": self.role.id, "amount": 150})]}
        )
        self.assertEqual(self.project_tm.psa_rate_ids.amount, 150.0)

    def test_form_is_editable_by_the_manager_and_read_only_for_consultants(self):
        def form(user):
            views = (
                self.env["project.project"]
                .with_user(user)
                .get_views([(False, "form")])["views"]["form"]
            )
            return etree.fromstring(views["arch"])

        arch = form(self.user_approver)
        self.assertNotEqual(arch.get("edit"), "False")
        team = arch.xpath("//field[@name='psa_member_ids']")[0]
        self.assertEqual(team.get("readonly"), "not psa_can_edit_team")
        team_list = team.xpath("./list")[0]
        self.assertEqual(team_list.get("editable"), "bottom")
        for action in ("create", "edit", "delete"):
            self.assertNotEqual(team_list.get(action), "False", action)
        self.assertTrue(arch.xpath("//field[@name='psa_allocation_ids']"))
        budget = arch.xpath("//field[@name='psa_budget_amount']")[0]
        # On the main part of the form, not in a tab.
        self.assertFalse(budget.xpath("ancestor::page"))
        self.assertEqual(budget.get("readonly"), "not psa_can_manage")
        self.assertTrue(arch.xpath("//field[@name='psa_burn_percent']"))
        rates = arch.xpath("//field[@name='psa_rate_ids']")[0]
        self.assertEqual(rates.get("readonly"), "not psa_can_edit_rates")

        arch = form(self.user_employee)
        self.assertEqual(arch.get("edit"), "False")
        team_list = arch.xpath("//field[@name='psa_member_ids']/list")[0]
        self.assertEqual(team_list.get("create"), "False")
        self.assertFalse(arch.xpath("//field[@name='psa_budget_amount']"))

    # ------------------------------------------------------------------
    # Budget burn
    # ------------------------------------------------------------------
    def _entries(self):
        """7.9 h logged at 100.00: 1.9 h draft, 1.0 h approved, 5.0 h invoiced."""
        draft = self._log(1.9)
        approved = self._log(1.0, day=DAY.replace(day=5))
        invoiced = self._log(5.0, day=DAY.replace(day=6))
        approved.sudo().psa_state = "approved"
        invoiced.sudo().psa_state = "invoiced"
        return draft | approved | invoiced

    def test_burn_figures_in_hours_and_money(self):
        self._entries()
        self.project_tm.write({"allocated_hours": 10.0, "psa_budget_amount": 1000.0})
        project = self.project_tm.with_user(self.user_approver)
        self.assertAlmostEqual(project.psa_logged_hours, 7.9)
        self.assertAlmostEqual(project.psa_approved_hours, 6.0)
        self.assertAlmostEqual(project.psa_invoiced_hours, 5.0)
        self.assertAlmostEqual(project.psa_logged_amount, 790.0)
        self.assertAlmostEqual(project.psa_approved_amount, 600.0)
        self.assertAlmostEqual(project.psa_invoiced_amount, 500.0)
        self.assertAlmostEqual(project.psa_consumed_percent, 79.0)
        self.assertAlmostEqual(project.psa_budget_amount_percent, 79.0)
        self.assertAlmostEqual(project.psa_burn_percent, 79.0)
        self.assertEqual(project.psa_burn_band, "ok")
        # Consultants see the burn, not the amounts.
        consultant = self.project_tm.with_user(self.user_employee)
        self.assertEqual(consultant.psa_burn_band, "ok")
        with self.assertRaises(AccessError):
            consultant.read(["psa_logged_amount"])

        self._log(0.1, day=DAY.replace(day=7))
        self.env.invalidate_all()
        self.assertAlmostEqual(project.psa_burn_percent, 80.0)
        self.assertEqual(project.psa_burn_band, "warning")

        self._log(2.2, day=DAY.replace(day=8))
        self.env.invalidate_all()
        self.assertAlmostEqual(project.psa_logged_hours, 10.2)
        self.assertAlmostEqual(project.psa_logged_amount, 1020.0)
        self.assertAlmostEqual(project.psa_burn_percent, 102.0)
        self.assertEqual(project.psa_burn_band, "danger")
        self.assertTrue(project.psa_is_over_budget)

    def test_burn_takes_the_budget_set_and_the_higher_percent(self):
        self._entries()
        project = self.project_tm
        self.assertEqual(project.psa_burn_band, "none")
        project.psa_budget_amount = 790.0 / 1.02  # money only: 102 %
        self.assertAlmostEqual(project.psa_burn_percent, 102.0, places=3)
        self.assertEqual(project.psa_burn_band, "danger")
        project.write({"psa_budget_amount": 10000.0, "allocated_hours": 9.875})
        self.assertAlmostEqual(project.psa_burn_percent, 80.0)  # hours: the higher
        self.assertEqual(project.psa_burn_band, "warning")

    def test_budget_amount_is_not_negative(self):
        with self.assertRaisesRegex(ValidationError, "PSA Test T&M Project"):
            self.project_tm.with_user(self.user_approver).psa_budget_amount = -1.0

    def test_budget_bands(self):
        self.assertEqual(budget_band(0.0, has_budget=False), "none")
        self.assertEqual(budget_band(79.0), "ok")
        self.assertEqual(budget_band(79.994), "ok")
        self.assertEqual(budget_band(79.996), "warning")  # shows as 80.00
        self.assertEqual(budget_band(80.0), "warning")
        self.assertEqual(budget_band(100.0), "warning")
        self.assertEqual(budget_band(102.0), "danger")

    def test_burn_is_read_in_one_batch(self):
        self._entries()
        self._log(1.0, project=self.project_internal)

        def queries(projects):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            projects.read(["psa_logged_hours", "psa_logged_amount", "psa_burn_band"])
            return self.env.cr.sql_log_count - before

        queries(self.project_tm)  # warm the caches of the registry
        one = queries(self.project_tm)
        three = queries(self.project_tm | self.project_internal | self.other_project)
        self.assertLessEqual(three, one)

    # ------------------------------------------------------------------
    # Navigation
    # ------------------------------------------------------------------
    def test_psa_app_opens_on_the_dashboard(self):
        root = self.env.ref("psa_workflow.menu_psa_root")
        dashboard = self.env.ref("psa_workflow.psa_dashboard_action")
        self.assertEqual(root.action, dashboard)
        menus = self.env["ir.ui.menu"].with_user(self.user_approver).load_menus(False)
        self.assertEqual(menus[root.id]["action"], f"ir.actions.client,{dashboard.id}")

    def test_psa_projects_open_on_client_projects_filtered_not_grouped(self):
        action = self.env.ref("psa_workflow.project_project_action")
        self.assertEqual(action.context, "{'search_default_psa_billable': 1}")
        Project = self.env["project.project"]
        search = Project.get_views([(False, "search")])["views"]["search"]["arch"]
        arch = etree.fromstring(search)
        self.assertTrue(arch.xpath("//filter[@name='psa_billable']"))
        self.assertTrue(arch.xpath("//filter[@name='psa_non_billable']"))
        billable = Project.search([("psa_is_billable", "=", True)])
        self.assertIn(self.project_tm, billable)
        self.assertNotIn(self.project_internal, billable)
