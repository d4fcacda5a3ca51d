# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PsaCommon


@tagged("post_install", "-at_install")
class TestPsaSecurity(PsaCommon):
    def _has(self, user, *xmlids):
        return [user.has_group(xmlid) for xmlid in xmlids]

    def test_employee_group_maps_to_odoo_user_groups(self):
        self.assertEqual(
            self._has(
                self.user_employee,
                "base.group_user",
                "project.group_project_user",
                "hr_timesheet.group_hr_timesheet_user",
            ),
            [True, True, True],
        )
        # An employee approves nothing, bills nothing and administers nothing.
        self.assertEqual(
            self._has(
                self.user_employee,
                "psa_workflow.group_psa_approver",
                "psa_workflow.group_psa_billing",
                "psa_workflow.group_psa_admin",
                "hr_timesheet.group_hr_timesheet_approver",
                "account.group_account_invoice",
                "project.group_project_manager",
            ),
            [False] * 6,
        )

    def test_approver_group_maps_to_odoo_approver_groups(self):
        self.assertEqual(
            self._has(
                self.user_approver,
                "psa_workflow.group_psa_user",
                "hr_timesheet.group_hr_timesheet_user",
                "hr_expense.group_hr_expense_team_approver",
            ),
            [True, True, True],
        )
        # Not Odoo's "all timesheets": record rules limit them to their projects.
        self.assertFalse(
            self.user_approver.has_group("hr_timesheet.group_hr_timesheet_approver")
        )
        self.assertEqual(
            self._has(
                self.user_approver,
                "psa_workflow.group_psa_billing",
                "account.group_account_invoice",
                "psa_workflow.group_psa_admin",
            ),
            [False] * 3,
        )

    def test_billing_group_maps_to_invoicing(self):
        self.assertEqual(
            self._has(
                self.user_billing,
                "psa_workflow.group_psa_user",
                "account.group_account_invoice",
            ),
            [True, True],
        )
        self.assertEqual(
            self._has(
                self.user_billing,
                "psa_workflow.group_psa_approver",
                "hr_timesheet.group_hr_timesheet_approver",
            ),
            [False, False],
        )

    def test_admin_group_implies_every_psa_role_and_app_admin(self):
        self.assertTrue(
            all(
                self._has(
                    self.user_admin,
                    "psa_workflow.group_psa_user",
                    "psa_workflow.group_psa_approver",
                    "psa_workflow.group_psa_billing",
                    "project.group_project_manager",
                    "hr_timesheet.group_timesheet_manager",
                    "hr_expense.group_hr_expense_manager",
                    "account.group_account_invoice",
                )
            )
        )

    def test_only_project_administrators_create_projects(self):
        for user in (self.user_employee, self.user_approver, self.user_billing):
            with self.assertRaises(AccessError, msg=user.login):
                self.env["project.project"].with_user(user).create(
                    {"name": "Not allowed", "psa_billing_type": "fixed_price"}
                )
        project = (
            self.env["project.project"]
            .with_user(self.user_admin)
            .create({"name": "Allowed", "psa_billing_type": "fixed_price"})
        )
        self.assertEqual(project.psa_billing_type, "fixed_price")

    def test_only_billing_users_create_customer_invoices(self):
        vals = {"move_type": "out_invoice", "partner_id": self.customer.id}
        for user in (self.user_employee, self.user_approver):
            with self.assertRaises(AccessError, msg=user.login):
                self.env["account.move"].with_user(user).create(vals)
        invoice = self.env["account.move"].with_user(self.user_billing).create(vals)
        self.assertEqual(invoice.state, "draft")

    def test_projects_of_another_company_are_invisible(self):
        Project = self.env["project.project"]
        visible_a = Project.with_user(self.user_employee).search([])
        self.assertIn(self.project_tm, visible_a)
        self.assertNotIn(self.project_b, visible_a)
        visible_b = Project.with_user(self.user_employee_b).search([])
        self.assertIn(self.project_b, visible_b)
        self.assertNotIn(self.project_tm, visible_b)
        with self.assertRaises(AccessError):
            self.project_b.with_user(self.user_employee).read(["name"])

    def test_menus_follow_the_groups(self):
        Menu = self.env["ir.ui.menu"]
        menus = {
            xmlid: self.env.ref(f"psa_workflow.{xmlid}").id
            for xmlid in (
                "menu_psa_root",
                "menu_psa_projects",
                "menu_psa_my_timesheets",
                "menu_psa_all_timesheets",
                "menu_psa_billing",
                "menu_psa_configuration",
                "menu_invoicing_psa_billable_projects",
                "menu_psa_allocations",
                "menu_psa_workload",
                "menu_psa_open_roles",
                "menu_psa_forecast",
                "menu_psa_config_rates",
            )
        }
        expected = {
            self.user_employee: {
                "menu_psa_root",
                "menu_psa_projects",
                "menu_psa_my_timesheets",
                "menu_psa_allocations",
                "menu_psa_workload",
            },
            self.user_approver: {
                "menu_psa_root",
                "menu_psa_projects",
                "menu_psa_my_timesheets",
                "menu_psa_all_timesheets",
                "menu_psa_allocations",
                "menu_psa_workload",
                "menu_psa_open_roles",
                "menu_psa_forecast",
            },
            self.user_billing: {
                "menu_psa_root",
                "menu_psa_projects",
                "menu_psa_my_timesheets",
                "menu_psa_billing",
                "menu_invoicing_psa_billable_projects",
                "menu_psa_allocations",
                "menu_psa_workload",
                "menu_psa_forecast",
            },
            self.user_admin: set(menus),
        }
        for user, visible in expected.items():
            visible_ids = Menu.with_user(user)._visible_menu_ids()
            seen = {xmlid for xmlid, menu_id in menus.items() if menu_id in visible_ids}
            self.assertEqual(seen, visible, user.login)

    def test_report_menus_open_for_read_only_users(self):
        # Server actions on a read-only model need their groups set to run.
        for xmlid, users in (
            ("psa_workload_report_server_action", self.user_employee),
            (
                "psa_forecast_report_server_action",
                self.user_approver | self.user_billing,
            ),
        ):
            action = self.env.ref(f"psa_workflow.{xmlid}")
            for user in users:
                result = action.with_user(user).run()
                self.assertEqual(result["type"], "ir.actions.act_window", user.login)
        with self.assertRaises(AccessError):
            self.env.ref("psa_workflow.psa_forecast_report_server_action").with_user(
                self.user_employee
            ).run()
