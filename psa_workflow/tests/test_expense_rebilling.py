# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PsaCommon


@tagged("post_install", "-at_install")
class TestExpenseRebilling(PsaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Expense = cls.env["hr.expense"]
        cls.product_taxi = cls._expense_product()
        cls.other_account = cls.env["account.analytic.account"].create(
            {
                "name": "PSA Test Cost Centre",
                "plan_id": cls.project_tm.account_id.plan_id.id,
            }
        )

    def _expense(self, name, amount, user=None, **vals):
        return self._create_expense(
            name, amount=amount, product=self.product_taxi, user=user, **vals
        )

    def _approve(self, expenses):
        """Report, submit (as the employee) and approve (as the admin)."""
        sheet = self._create_expense_sheet(expenses)
        sheet.action_submit_sheet()
        self.assertEqual(sheet.state, "submit")
        sheet.with_user(self.user_admin).action_approve_expense_sheets()
        self.assertEqual(sheet.state, "approve")
        return sheet

    def _distribution(self, *account_shares):
        return {str(account.id): share for account, share in account_shares}

    # Project <-> analytic distribution

    def test_project_sets_analytic_distribution_and_back(self):
        expense = self._expense(
            "Taxi to client", 42.0, psa_project_id=self.project_tm.id
        )
        self.assertEqual(
            expense.analytic_distribution,
            self._distribution((self.project_tm.account_id, 100)),
        )
        self.assertEqual(expense.psa_project_id, self.project_tm)

        # Another project: the whole distribution moves to its account.
        expense.psa_project_id = self.project_fixed
        self.assertEqual(
            expense.analytic_distribution,
            self._distribution((self.project_fixed.account_id, 100)),
        )

        # From the distribution: the project with the largest share wins.
        expense.analytic_distribution = self._distribution(
            (self.project_tm.account_id, 30),
            (self.project_fixed.account_id, 45),
            (self.other_account, 25),
        )
        self.assertEqual(expense.psa_project_id, self.project_fixed)
        expense.analytic_distribution = self._distribution(
            (self.other_account, 60), (self.project_tm.account_id, 40)
        )
        self.assertEqual(expense.psa_project_id, self.project_tm)
        expense.analytic_distribution = self._distribution((self.other_account, 100))
        self.assertFalse(expense.psa_project_id)
        expense.analytic_distribution = False
        self.assertFalse(expense.psa_project_id)

    def test_project_and_custom_distribution_together_keep_the_distribution(self):
        # The form sends both when the user sets the project, then splits it.
        split = self._distribution(
            (self.project_tm.account_id, 70), (self.other_account, 30)
        )
        expense = self._expense(
            "Shared taxi",
            30.0,
            psa_project_id=self.project_tm.id,
            analytic_distribution=split,
        )
        self.assertEqual(expense.analytic_distribution, split)
        self.assertEqual(expense.psa_project_id, self.project_tm)

    def test_clearing_the_project_removes_its_account(self):
        expense = self._expense(
            "Taxi",
            30.0,
            analytic_distribution=self._distribution(
                (self.project_tm.account_id, 70), (self.other_account, 30)
            ),
        )
        self.assertEqual(expense.psa_project_id, self.project_tm)
        expense.psa_project_id = False
        self.assertEqual(
            expense.analytic_distribution,
            self._distribution((self.other_account, 30)),
        )
        self.assertFalse(expense.psa_project_id)

    def test_project_in_the_form(self):
        with Form(self.Expense.with_user(self.user_employee)) as form:
            form.name = "Taxi from the station"
            form.product_id = self.product_taxi
            form.total_amount_currency = 25.0
            form.psa_project_id = self.project_tm
            self.assertTrue(form.psa_rebillable)
            self.assertEqual(form.psa_rebill_amount, 25.0)
        expense = form.record
        self.assertEqual(expense.psa_project_id, self.project_tm)
        self.assertEqual(
            expense.analytic_distribution,
            self._distribution((self.project_tm.account_id, 100)),
        )
        self.assertTrue(expense.psa_rebillable)

    def test_project_of_another_company_is_refused(self):
        with self.assertRaises(UserError) as error:
            self._expense("Taxi in B", 20.0, psa_project_id=self.project_b.id)
        self.assertIn("Incompatible companies", error.exception.args[0])
        self.assertFalse(self.Expense.search([("name", "=", "Taxi in B")]))

    # Re-billable

    def test_rebillable_defaults_from_the_project(self):
        billable = self._expense("Taxi T&M", 20.0, psa_project_id=self.project_tm.id)
        internal = self._expense(
            "Taxi internal", 20.0, psa_project_id=self.project_internal.id
        )
        self.assertTrue(billable.psa_rebillable)
        self.assertFalse(internal.psa_rebillable)
        self.assertEqual(internal.psa_rebill_amount, 0.0)

        # A billable expense may be kept off the invoice.
        billable.psa_rebillable = False
        self.assertFalse(billable.psa_rebillable)
        self.assertEqual(billable.psa_rebill_amount, 0.0)

        # Moving an expense to the internal project makes it not re-billable.
        billable.psa_rebillable = True
        billable.psa_project_id = self.project_internal
        self.assertFalse(billable.psa_rebillable)

    def test_rebillable_refused_on_a_non_billable_project(self):
        internal = self._expense(
            "Taxi internal", 20.0, psa_project_id=self.project_internal.id
        )
        with self.assertRaises(ValidationError) as error:
            internal.write({"psa_rebillable": True})
        self.assertIn("Taxi internal", error.exception.args[0])
        self.assertIn("PSA Test Internal Project", error.exception.args[0])
        internal.invalidate_recordset()
        self.assertFalse(internal.psa_rebillable)

        with self.assertRaises(ValidationError):
            self._expense(
                "Taxi internal rebilled",
                20.0,
                psa_project_id=self.project_internal.id,
                psa_rebillable=True,
            )
        with self.assertRaises(ValidationError):
            self._expense("Taxi nowhere", 20.0, psa_rebillable=True)
        self.assertFalse(
            self.Expense.search(
                [("name", "in", ["Taxi internal rebilled", "Taxi nowhere"])]
            )
        )

    # Re-bill amount

    def test_rebill_amount_at_cost_and_with_markup(self):
        expense = self._expense("Taxi", 33.33, psa_project_id=self.project_tm.id)
        self.assertEqual(expense.psa_rebill_method, "at_cost")
        self.assertEqual(expense.psa_rebill_amount, 33.33)

        # 33.33 * 1.15 = 38.3295, rounded in the currency. Billing users set
        # the markup; the employee's own changes re-price it.
        billing = expense.with_user(self.user_billing)
        billing.write({"psa_rebill_method": "markup", "psa_markup_percent": 15.0})
        self.assertEqual(expense.psa_rebill_amount, 38.33)
        billing.psa_markup_percent = 12.5  # 37.49625
        self.assertEqual(expense.psa_rebill_amount, 37.5)
        expense.total_amount_currency = 100.0
        self.assertEqual(expense.psa_rebill_amount, 112.5)

        # The markup only counts with the markup method.
        billing.psa_rebill_method = "at_cost"
        self.assertEqual(expense.psa_rebill_amount, 100.0)

    def test_rebill_amount_in_the_expense_currency(self):
        expense = self._expense(
            "Taxi in Paris",
            33.33,
            psa_project_id=self.project_tm.id,
            currency_id=self.currency_eur.id,
        )
        expense.with_user(self.user_billing).write(
            {"psa_rebill_method": "markup", "psa_markup_percent": 15.0}
        )
        self.assertEqual(expense.currency_id, self.currency_eur)
        self.assertEqual(expense.psa_rebill_amount, 38.33)

    def test_negative_markup_is_refused(self):
        expense = self._expense("Taxi", 10.0, psa_project_id=self.project_tm.id)
        with self.assertRaises(ValidationError) as error:
            expense.with_user(self.user_billing).write(
                {"psa_rebill_method": "markup", "psa_markup_percent": -5.0}
            )
        self.assertIn("Taxi", error.exception.args[0])
        expense.invalidate_recordset()
        self.assertEqual(expense.psa_markup_percent, 0.0)
        self.assertEqual(expense.psa_rebill_method, "at_cost")

    # Billing state

    def test_billing_state_follows_the_approval(self):
        billable = self._expense("Taxi T&M", 20.0, psa_project_id=self.project_tm.id)
        internal = self._expense(
            "Taxi internal", 15.0, psa_project_id=self.project_internal.id
        )
        expenses = billable | internal
        # Re-billed (the flag) once approved: the status says so, not "Not
        # Re-billed" beside a ticked "Re-bill to Customer".
        self.assertEqual(
            expenses.mapped("psa_billing_state"), ["to_approve", "not_billable"]
        )
        sheet = self._approve(expenses)
        self.assertEqual(expenses.mapped("state"), ["approved", "approved"])
        self.assertEqual(billable.psa_billing_state, "to_invoice")
        self.assertEqual(internal.psa_billing_state, "not_billable")
        to_invoice = self.Expense.search(
            [("psa_billing_state", "=", "to_invoice"), ("id", "in", expenses.ids)]
        )
        self.assertEqual(to_invoice, billable)

        # Reset to draft: to invoice only once approved again.
        sheet.with_user(self.user_admin).action_reset_expense_sheets()
        self.assertEqual(billable.state, "reported")
        self.assertEqual(billable.psa_billing_state, "to_approve")

    def test_submitted_awaits_approval_refused_is_not_billable(self):
        expense = self._expense("Taxi T&M", 20.0, psa_project_id=self.project_tm.id)
        sheet = self._create_expense_sheet(expense)
        sheet.action_submit_sheet()
        self.assertEqual(expense.state, "submitted")
        self.assertEqual(expense.psa_billing_state, "to_approve")
        sheet.with_user(self.user_admin)._do_refuse("Duplicate")
        self.assertEqual(expense.state, "refused")
        self.assertEqual(expense.psa_billing_state, "not_billable")

    # Invoiced lock

    def test_invoiced_expense_is_locked(self):
        expense = self._expense(
            "Taxi T&M",
            20.0,
            psa_project_id=self.project_tm.id,
            description="To the client site",
        )
        self._approve(expense)
        expense.sudo().psa_invoiced = True
        self.assertEqual(expense.psa_billing_state, "invoiced")

        admin_expense = expense.with_user(self.user_admin)
        forbidden = {
            "total_amount_currency": 25.0,
            "total_amount": 25.0,
            "quantity": 2.0,
            "date": "2020-01-01",
            "psa_project_id": self.project_fixed.id,
            "analytic_distribution": self._distribution((self.other_account, 100)),
            "psa_rebillable": False,
            "psa_rebill_method": "markup",
            "psa_markup_percent": 10.0,
            "employee_id": self.user_approver.employee_id.id,
            "product_id": self.env.ref("hr_expense.expense_product_meal").id,
        }
        for fname, value in forbidden.items():
            with self.subTest(field=fname), self.assertRaises(UserError) as error:
                admin_expense.write({fname: value})
            self.assertIn("Taxi T&M", error.exception.args[0])
            self.assertIn("invoiced", error.exception.args[0])
        expense.invalidate_recordset()
        self.assertEqual(expense.total_amount_currency, 20.0)
        self.assertEqual(expense.psa_project_id, self.project_tm)
        self.assertEqual(expense.psa_rebill_amount, 20.0)
        self.assertEqual(expense.employee_id, self.user_employee.employee_id)

        # The notes and the description stay editable.
        admin_expense.write({"description": "To the client site, return"})
        self.assertEqual(expense.description, "To the client site, return")
        admin_expense.name = "Taxi T&M (client site)"
        self.assertEqual(expense.name, "Taxi T&M (client site)")

    def test_invoiced_expense_cannot_be_deleted(self):
        expense = self._expense("Taxi T&M", 20.0, psa_project_id=self.project_tm.id)
        sheet = self._approve(expense)
        expense.sudo().psa_invoiced = True
        # Even back in a draft report, the invoiced expense stays.
        sheet.with_user(self.user_admin).action_reset_expense_sheets()
        self.assertEqual(expense.state, "reported")
        self.assertEqual(expense.psa_billing_state, "invoiced")
        with self.assertRaises(UserError) as error:
            expense.with_user(self.user_employee).unlink()
        self.assertIn("Taxi T&M", error.exception.args[0])
        self.assertTrue(expense.exists())

        # Not invoiced, the same expense can go.
        expense.sudo().psa_invoiced = False
        self.assertEqual(expense.psa_billing_state, "to_approve")
        expense.with_user(self.user_employee).unlink()
        self.assertFalse(expense.exists())

    def test_only_invoicing_marks_invoiced(self):
        expense = self._expense("Taxi T&M", 20.0, psa_project_id=self.project_tm.id)
        # The field is read-only in the views, and refused through the ORM too,
        # naming the field: invoicing sets it, no user does.
        self.assertTrue(self.Expense._fields["psa_invoiced"].readonly)
        for user in (self.user_employee, self.user_approver, self.user_billing):
            with self.assertRaises(AccessError) as error:
                expense.with_user(user).write({"psa_invoiced": True})
            self.assertIn("psa_invoiced", error.exception.args[0])
        with self.assertRaises(AccessError):
            self._expense("Taxi pre-invoiced", 20.0, psa_invoiced=True)
        expense.invalidate_recordset()
        self.assertFalse(expense.psa_invoiced)
        self.assertFalse(self.Expense.search([("name", "=", "Taxi pre-invoiced")]))
        self._approve(expense)
        expense.sudo().psa_invoiced = True
        self.assertEqual(expense.psa_billing_state, "invoiced")
        self.assertFalse(expense.copy().psa_invoiced)

    # Odoo's own expense UI

    def test_minimal_expense_gets_defaults(self):
        expense = self._expense("Parking", 12.5)
        self.assertRecordValues(
            expense,
            [
                {
                    "psa_project_id": False,
                    "psa_rebillable": False,
                    "psa_rebill_method": "at_cost",
                    "psa_markup_percent": 0.0,
                    "psa_rebill_amount": 0.0,
                    "psa_invoiced": False,
                    "psa_billing_state": "not_billable",
                    "psa_policy_id": False,
                    "psa_policy_violation": False,
                    "psa_has_policy_violation": False,
                    "psa_policy_blocking": False,
                    "total_amount": 12.5,
                    "state": "draft",
                }
            ],
        )
        # Odoo's own "Create Report" still works on it.
        action = expense.with_user(self.user_employee).action_submit_expenses()
        self.assertEqual(expense.sheet_id.id, action["res_id"])
