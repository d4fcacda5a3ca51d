# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import format_amount, mute_logger

from .common import PsaCommon


@tagged("post_install", "-at_install")
class TestExpensePolicy(PsaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Expense = cls.env["hr.expense"]
        cls.Sheet = cls.env["hr.expense.sheet"]
        product_vals = {
            "type": "service",
            "can_be_expensed": True,
            "standard_price": 0.0,
            "supplier_taxes_id": [Command.clear()],
        }
        cls.product_meal, cls.product_travel, cls.product_misc = cls.env[
            "product.product"
        ].create(
            [
                {"name": "PSA Test Meals", **product_vals},
                {"name": "PSA Test Travel", **product_vals},
                {"name": "PSA Test Sundries", **product_vals},
            ]
        )
        Policy = cls.env["psa.expense.policy"].with_user(cls.user_admin)
        cls.policy_meal = Policy.create(
            {
                "product_id": cls.product_meal.id,
                "max_amount": 150.0,
                "receipt_required": True,
                "receipt_required_above": 25.0,
                "auto_approve_below": 50.0,
                "action": "warn",
            }
        )
        cls.policy_travel = Policy.create(
            {
                "product_id": cls.product_travel.id,
                "max_amount": 1000.0,
                "receipt_required": True,
                "receipt_required_above": 0.0,
                "auto_approve_below": 0.0,
                "action": "block",
            }
        )
        cls.currency = cls.company.currency_id

    def _amount(self, amount):
        return format_amount(self.env, amount, self.currency)

    def _expense(self, name, product, amount, user=None, **vals):
        return self._create_expense(
            name, amount=amount, product=product, user=user, **vals
        )

    def _attach_receipt(self, expense):
        return (
            self.env["ir.attachment"]
            .with_user(self.user_employee)
            .create(
                {
                    "name": f"receipt-{expense.id}.txt",
                    "datas": base64.b64encode(b"PSA receipt"),
                    "res_model": "hr.expense",
                    "res_id": expense.id,
                }
            )
        )

    def _sheet(self, expenses):
        return self._create_expense_sheet(expenses)

    # Maximum

    def test_over_the_maximum_is_refused_with_block(self):
        with self.assertRaises(ValidationError) as error:
            self._expense("Flight to Lisbon", self.product_travel, 1200.0)
        self.assertEqual(
            error.exception.args[0],
            f"The expense Flight to Lisbon ({self._amount(1200.0)}) is over the "
            f"maximum of {self._amount(1000.0)} for PSA Test Travel.",
        )
        self.assertFalse(self.Expense.search([("name", "=", "Flight to Lisbon")]))

        # At the maximum is fine; going over it later is refused too.
        expense = self._expense("Flight to Porto", self.product_travel, 1000.0)
        with self.assertRaises(ValidationError) as error:
            expense.write({"total_amount_currency": 1000.01})
        self.assertIn("Flight to Porto", error.exception.args[0])
        expense.invalidate_recordset()
        self.assertEqual(expense.total_amount_currency, 1000.0)
        self.assertEqual(expense.total_amount, 1000.0)

        # Nor can an expense move to the category whose maximum it breaks.
        meal = self._expense("Group dinner", self.product_meal, 1100.0)
        with self.assertRaises(ValidationError):
            meal.write({"product_id": self.product_travel.id})
        meal.invalidate_recordset()
        self.assertEqual(meal.product_id, self.product_meal)

    def test_over_the_maximum_warns_with_warn(self):
        expense = self._expense("Team dinner", self.product_meal, 180.0)
        self.assertEqual(expense.psa_policy_id, self.policy_meal)
        self.assertEqual(
            expense.psa_policy_violation,
            f"Over the maximum of {self._amount(150.0)} for PSA Test Meals\n"
            f"Receipt required above {self._amount(25.0)} for PSA Test Meals",
        )
        self.assertTrue(expense.psa_has_policy_violation)
        self.assertFalse(expense.psa_policy_blocking)
        self.assertEqual(
            self.Expense.search(
                [("psa_has_policy_violation", "=", True), ("id", "=", expense.id)]
            ),
            expense,
        )

        # A warning does not stop the submission, but no automatic approval.
        sheet = self._sheet(expense)
        sheet.action_submit_sheet()
        self.assertEqual(sheet.state, "submit")

    def test_violation_in_the_form(self):
        with Form(self.Expense.with_user(self.user_employee)) as form:
            form.name = "Lunch"
            form.product_id = self.product_meal
            form.total_amount_currency = 20.0
            self.assertFalse(form.psa_policy_violation)
            form.total_amount_currency = 160.0
            self.assertIn("Over the maximum", form.psa_policy_violation)
            self.assertFalse(form.psa_policy_blocking)
        self.assertTrue(form.record.psa_has_policy_violation)

    # Receipts

    def test_missing_receipt_refused_at_submission(self):
        expense = self._expense("Train to Lyon", self.product_travel, 300.0)
        self.assertEqual(
            expense.psa_policy_violation, "Receipt required for PSA Test Travel"
        )
        self.assertTrue(expense.psa_policy_blocking)

        # Odoo's "Create Report" from the expense.
        with self.assertRaises(UserError) as error:
            expense.with_user(self.user_employee).action_submit_expenses()
        self.assertEqual(
            error.exception.args[0],
            "These expenses break a blocking expense policy; nothing was submitted:\n"
            "- Train to Lyon: Receipt required for PSA Test Travel",
        )
        self.assertFalse(expense.sheet_id)
        self.assertFalse(
            self.Sheet.search([("employee_id", "=", expense.employee_id.id)])
        )

        # Submitting a report.
        sheet = self._sheet(expense)
        with self.assertRaises(UserError) as error:
            sheet.with_user(self.user_employee).action_submit_sheet()
        self.assertIn("- Train to Lyon: Receipt required", error.exception.args[0])
        sheet.invalidate_recordset()
        self.assertEqual(sheet.state, "draft")
        self.assertEqual(expense.state, "reported")

        # With the receipt attached, it goes.
        self._attach_receipt(expense)
        self.assertFalse(expense.psa_has_policy_violation)
        self.assertFalse(expense.psa_policy_blocking)
        self.assertFalse(expense.psa_policy_violation)
        sheet.with_user(self.user_employee).action_submit_sheet()
        self.assertEqual(sheet.state, "submit")
        self.assertEqual(expense.state, "submitted")

    def test_submission_lists_every_blocking_expense(self):
        train = self._expense("Train to Lyon", self.product_travel, 300.0)
        taxi = self._expense("Taxi in Lyon", self.product_travel, 40.0)
        lunch = self._expense("Lunch in Lyon", self.product_meal, 40.0)
        sheet = self._sheet(train | taxi | lunch)
        with self.assertRaises(UserError) as error:
            sheet.with_user(self.user_employee).action_submit_sheet()
        message = error.exception.args[0]
        self.assertIn("- Train to Lyon: Receipt required for PSA Test Travel", message)
        self.assertIn("- Taxi in Lyon: Receipt required for PSA Test Travel", message)
        # The meal policy only warns: not listed.
        self.assertNotIn("Lunch in Lyon", message)
        self.assertEqual(sheet.state, "draft")

    def test_receipt_threshold(self):
        below = self._expense("Coffee", self.product_meal, 25.0)
        above = self._expense("Sandwich", self.product_meal, 25.01)
        self.assertFalse(below.psa_has_policy_violation)
        self.assertEqual(
            above.psa_policy_violation,
            f"Receipt required above {self._amount(25.0)} for PSA Test Meals",
        )
        # No receipt ever needed once unticked.
        self.policy_meal.with_user(self.user_admin).receipt_required = False
        self.assertFalse(above.psa_has_policy_violation)
        self.assertFalse(above.psa_policy_violation)
        # Removing the receipt brings the violation back.
        self.policy_travel.with_user(self.user_admin).action = "warn"
        train = self._expense("Train", self.product_travel, 80.0)
        receipt = self._attach_receipt(train)
        self.assertFalse(train.psa_has_policy_violation)
        receipt.unlink()
        self.assertTrue(train.psa_has_policy_violation)

    # Auto-approval

    def test_auto_approval_below_the_threshold(self):
        breakfast = self._expense("Breakfast", self.product_meal, 20.0)
        lunch = self._expense("Lunch", self.product_meal, 45.5)
        self._attach_receipt(lunch)
        sheet = self._sheet(breakfast | lunch)
        sheet.with_user(self.user_employee).action_submit_sheet()
        self.assertEqual(sheet.state, "approve")
        self.assertEqual((breakfast | lunch).mapped("state"), ["approved", "approved"])
        self.assertTrue(
            any("Approved automatically" in str(m.body) for m in sheet.message_ids)
        )

    def test_auto_approval_that_fails_leaves_the_report_submitted(self):
        # Odoo needs the employee's work email to approve: a manager will fix it.
        self.user_employee.employee_id.work_email = False
        breakfast = self._expense("Breakfast", self.product_meal, 20.0)
        sheet = self._sheet(breakfast)
        sheet.with_user(self.user_employee).action_submit_sheet()
        self.assertEqual(sheet.state, "submit")
        self.assertEqual(breakfast.state, "submitted")
        self.assertFalse(sheet.sudo().account_move_ids)
        self.assertTrue(
            any("Not approved automatically" in str(m.body) for m in sheet.message_ids)
        )

    def test_no_auto_approval_at_or_above_the_threshold(self):
        breakfast = self._expense("Breakfast", self.product_meal, 20.0)
        lunch = self._expense("Lunch", self.product_meal, 50.0)
        self._attach_receipt(lunch)
        sheet = self._sheet(breakfast | lunch)
        sheet.with_user(self.user_employee).action_submit_sheet()
        self.assertEqual(sheet.state, "submit")
        self.assertEqual(lunch.state, "submitted")

    def test_no_auto_approval_with_a_violation_or_without_policy(self):
        # Below the threshold, but missing its receipt (a warning).
        lunch = self._expense("Lunch", self.product_meal, 30.0)
        sheet = self._sheet(lunch)
        sheet.with_user(self.user_employee).action_submit_sheet()
        self.assertEqual(sheet.state, "submit")

        # A category without a policy: a manager approves.
        breakfast = self._expense("Breakfast", self.product_meal, 10.0)
        pens = self._expense("Pens", self.product_misc, 5.0)
        sheet = self._sheet(breakfast | pens)
        sheet.with_user(self.user_employee).action_submit_sheet()
        self.assertEqual(sheet.state, "submit")

        # A policy without auto-approval amount.
        train = self._expense("Train", self.product_travel, 5.0)
        self._attach_receipt(train)
        sheet = self._sheet(train)
        sheet.with_user(self.user_employee).action_submit_sheet()
        self.assertEqual(sheet.state, "submit")

    # Policies created, changed, archived later

    def test_policy_changes_apply_to_existing_expenses(self):
        pens = self._expense("Pens", self.product_misc, 80.0)
        self.assertFalse(pens.psa_policy_id)
        policy = (
            self.env["psa.expense.policy"]
            .with_user(self.user_admin)
            .create(
                {
                    "product_id": self.product_misc.id,
                    "max_amount": 50.0,
                    "receipt_required": False,
                    "action": "warn",
                }
            )
        )
        self.assertEqual(pens.psa_policy_id, policy)
        self.assertTrue(pens.psa_has_policy_violation)
        self.assertEqual(
            pens.psa_policy_violation,
            f"Over the maximum of {self._amount(50.0)} for PSA Test Sundries",
        )
        self.assertEqual(
            self.Expense.search([("psa_has_policy_violation", "=", True)]) & pens, pens
        )
        policy.max_amount = 100.0
        self.assertFalse(pens.psa_has_policy_violation)
        policy.max_amount = 60.0
        self.assertTrue(pens.psa_has_policy_violation)
        policy.action = "block"
        self.assertTrue(pens.psa_policy_blocking)
        policy.active = False
        self.assertFalse(pens.psa_policy_id)
        self.assertFalse(pens.psa_has_policy_violation)
        self.assertFalse(pens.psa_policy_blocking)
        policy.active = True
        self.assertEqual(pens.psa_policy_id, policy)
        policy.unlink()
        self.assertFalse(pens.psa_policy_id)
        self.assertFalse(pens.psa_has_policy_violation)

    def test_policy_applies_to_users_outside_the_psa_groups(self):
        # Odoo's expense users need not be PSA users, nor read the policies.
        user = new_test_user(self.env, login="psa_plain_user", groups="base.group_user")
        self.env["hr.employee"].create({"name": "Plain User", "user_id": user.id})
        self.assertFalse(user.has_group("psa_workflow.group_psa_user"))
        with Form(self.Expense.with_user(user)) as form:
            form.name = "Dinner"
            form.product_id = self.product_meal
            form.total_amount_currency = 170.0
            self.assertIn("Over the maximum", form.psa_policy_violation)
        expense = form.record
        self.assertTrue(expense.psa_has_policy_violation)
        self.assertEqual(expense.sudo().psa_policy_id, self.policy_meal)
        with self.assertRaises(ValidationError):
            self._expense("Flight", self.product_travel, 5000.0, user=user)

    def test_policy_per_company(self):
        expense_b = self._expense(
            "Dinner in B", self.product_meal, 500.0, user=self.user_employee_b
        )
        self.assertFalse(expense_b.psa_policy_id)
        self.assertFalse(expense_b.psa_has_policy_violation)

    # Configuration

    def test_one_policy_per_category_and_company(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
        ):
            self.env["psa.expense.policy"].create({"product_id": self.product_meal.id})
        with self.assertRaises(ValidationError):
            self.env["psa.expense.policy"].create(
                {
                    "product_id": self.env["product.product"]
                    .create({"name": "PSA Test Widget", "can_be_expensed": False})
                    .id
                }
            )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["psa.expense.policy"].create(
                {"product_id": self.product_misc.id, "max_amount": -1.0}
            )
        self.assertFalse(
            self.env["psa.expense.policy"].search(
                [("product_id", "=", self.product_misc.id)]
            )
        )

    def test_policy_access(self):
        Policy = self.env["psa.expense.policy"]
        # Employees read the policies, cannot create or change them.
        self.assertEqual(
            Policy.with_user(self.user_employee)
            .search([("id", "=", self.policy_meal.id)])
            .max_amount,
            150.0,
        )
        with self.assertRaises(AccessError):
            Policy.with_user(self.user_employee).create(
                {"product_id": self.product_misc.id}
            )
        with self.assertRaises(AccessError):
            self.policy_meal.with_user(self.user_employee).write({"max_amount": 1.0})
        with self.assertRaises(AccessError):
            self.policy_meal.with_user(self.user_approver).write({"max_amount": 1.0})
        with self.assertRaises(AccessError):
            self.policy_meal.with_user(self.user_employee).unlink()
        self.assertEqual(self.policy_meal.max_amount, 150.0)
        self.assertFalse(Policy.search([("product_id", "=", self.product_misc.id)]))

        # Administrators do.
        policy = Policy.with_user(self.user_admin).create(
            {"product_id": self.product_misc.id, "max_amount": 30.0}
        )
        policy.max_amount = 35.0
        self.assertEqual(policy.max_amount, 35.0)
        self.policy_meal.with_user(self.user_admin).max_amount = 160.0
        self.assertEqual(self.policy_meal.max_amount, 160.0)

        # Company B sees none of company A's policies.
        self.assertFalse(
            Policy.with_user(self.user_employee_b).search(
                [("id", "in", (self.policy_meal | policy).ids)]
            )
        )
