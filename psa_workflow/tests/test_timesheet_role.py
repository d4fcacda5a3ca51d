# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The role a timesheet is billed as, whatever creates or moves it: no role
given (the consultant's form sends ``psa_role_id: False``: it shows no
employee to compute one from) means the expected role, resolved before the
line is priced."""

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .timesheet_common import PsaTimesheetCommon

FORM_VIEW = "hr_timesheet.hr_timesheet_line_form"


@tagged("post_install", "-at_install")
class TestTimesheetRole(PsaTimesheetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The consultant is a Consultant (100.00) by default and a Senior
        # (150.00) on the T&M project's team; a second T&M project has no team.
        cls.senior = cls.env["psa.role"].create(
            {"name": "PSA Test Senior", "default_bill_rate": 150.0}
        )
        cls.emp.psa_role_ids = [Command.link(cls.senior.id)]
        cls.env["psa.project.member"].create(
            {
                "project_id": cls.project_tm.id,
                "employee_id": cls.emp.id,
                "role_id": cls.senior.id,
            }
        )
        cls.project_tm2 = cls.env["project.project"].create(
            {
                "name": "PSA Test T&M Project 2",
                "partner_id": cls.customer.id,
                "user_id": cls.user_approver.id,
                "psa_billing_type": "time_material",
                "privacy_visibility": "employees",
            }
        )
        cls.Line = cls.env["account.analytic.line"]

    def assertPricedAs(self, line, role, rate, hours=2.0):
        """The line is billed as ``role`` at ``rate``, stored (read back from
        the database), and its amount comes from that rate."""
        line = line.with_env(self.env)
        self.env.flush_all()
        line.invalidate_recordset()
        self.assertEqual(line.psa_role_id, role)
        self.assertTrue(line.psa_billable)
        self.assertEqual(line.psa_rate_scope, "role_default")
        self.assertEqual(line.psa_bill_rate, rate)
        self.assertEqual(line.psa_bill_amount, rate * hours)
        self.assertFalse(line.psa_rate_missing)

    def _form_create(self, project, hours=2.0):
        form = Form(self.Line.with_user(self.user_employee), view=FORM_VIEW)
        form.project_id = project
        form.name = "From the form"
        form.unit_amount = hours
        return form.save()

    def test_form_without_employee_gets_the_team_role(self):
        form = Form(self.Line.with_user(self.user_employee), view=FORM_VIEW)
        self.assertNotIn("employee_id", form._view["fields"])
        form.project_id = self.project_tm
        form.name = "From the form"
        form.unit_amount = 2.0
        # What the client sends: no role (no employee to compute it from).
        self.assertFalse(form.psa_role_id)
        line = form.save()
        self.assertEqual(line.employee_id, self.emp)
        self.assertPricedAs(line, self.senior, 150.0)

    def test_form_without_team_gets_the_default_role(self):
        line = self._form_create(self.project_tm2)
        self.assertPricedAs(line, self.role, 100.0)

    def test_list_create_with_no_role(self):
        # The editable list sends the field, empty, like the form.
        lines = self.Line.with_user(self.user_employee).create(
            [
                {
                    "project_id": project.id,
                    "name": "From the list",
                    "unit_amount": 2.0,
                    "psa_role_id": False,
                }
                for project in (self.project_tm, self.project_tm2)
            ]
        )
        self.assertPricedAs(lines[0], self.senior, 150.0)
        self.assertPricedAs(lines[1], self.role, 100.0)

    def test_rpc_create_without_the_field(self):
        line = self.Line.with_user(self.user_employee).create(
            {"project_id": self.project_tm.id, "name": "API", "unit_amount": 2.0}
        )
        self.assertPricedAs(line, self.senior, 150.0)

    def test_explicit_allowed_role_is_kept(self):
        line = self.Line.with_user(self.user_employee).create(
            {
                "project_id": self.project_tm.id,
                "name": "As a consultant",
                "unit_amount": 2.0,
                "psa_role_id": self.role.id,
            }
        )
        self.assertPricedAs(line, self.role, 100.0)

    def test_import_gets_the_expected_role(self):
        result = self.Line.with_user(self.user_employee).load(
            ["project_id", "name", "unit_amount"],
            [
                [self.project_tm.name, "Imported", "2"],
                [self.project_tm2.name, "Imported", "2"],
            ],
        )
        self.assertFalse(result["messages"])
        lines = self.Line.browse(result["ids"])
        self.assertPricedAs(lines[0], self.senior, 150.0)
        self.assertPricedAs(lines[1], self.role, 100.0)

    def test_import_with_an_empty_role_column(self):
        result = self.Line.with_user(self.user_employee).load(
            ["project_id", "name", "unit_amount", "psa_role_id"],
            [[self.project_tm.name, "Imported", "2", ""]],
        )
        self.assertFalse(result["messages"])
        self.assertPricedAs(self.Line.browse(result["ids"]), self.senior, 150.0)

    def test_moving_to_another_project_with_no_role(self):
        line = self._log(project=self.project_tm2)
        self.assertPricedAs(line, self.role, 100.0)
        # The form sends the role its onchange left empty with the project.
        line.with_user(self.user_employee).write(
            {"project_id": self.project_tm.id, "psa_role_id": False}
        )
        self.assertPricedAs(line, self.senior, 150.0)

    def test_changing_the_employee_with_no_role(self):
        line = self._log()
        self.assertPricedAs(line, self.senior, 150.0)
        # The approver is not on the team: their default role.
        line.write({"employee_id": self.approver_emp.id, "psa_role_id": False})
        self.assertEqual(line.user_id, self.user_approver)
        self.assertPricedAs(line, self.role, 100.0)

    def test_clearing_the_role_takes_the_expected_one(self):
        line = self._log(psa_role_id=self.role.id)
        self.assertPricedAs(line, self.role, 100.0)
        line.with_user(self.user_employee).write({"psa_role_id": False})
        self.assertPricedAs(line, self.senior, 150.0)

    def test_a_locked_line_keeps_its_role(self):
        line = self._log(psa_role_id=self.role.id)
        line.with_user(self.user_employee).action_psa_submit()
        line.with_user(self.user_admin).action_psa_approve()
        with self.assertRaises(UserError):
            line.with_user(self.user_admin).write({"psa_role_id": False})
        self.assertPricedAs(line, self.role, 100.0)

    def test_roles_resolved_in_batch(self):
        """The roles of many lines created without one take a fixed number of
        queries, whatever their number."""
        today = fields.Date.today()

        def create(count):
            vals_list = [
                {
                    "project_id": (self.project_tm, self.project_tm2)[i % 2].id,
                    "name": "Batch",
                    "unit_amount": 0.25,
                    "date": today,
                    "psa_role_id": False,
                }
                for i in range(count)
            ]
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            lines = self.Line.with_user(self.user_employee).create(vals_list)
            self.env.flush_all()
            return lines, self.env.cr.sql_log_count - before

        create(2)  # warm the caches
        _few, few_queries = create(2)
        many, many_queries = create(20)
        self.assertEqual(many_queries, few_queries)
        self.assertEqual(set(many[0::2].mapped("psa_role_id")), {self.senior})
        self.assertEqual(set(many[1::2].mapped("psa_role_id")), {self.role})
