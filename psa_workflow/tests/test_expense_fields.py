# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who sees and sets the re-billing fields of an expense, and a billing
status that agrees with "Re-bill to Customer"."""

from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PsaCommon


@tagged("post_install", "-at_install")
class TestExpenseFields(PsaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls._expense_product()

    def _expense(self, amount=20.0, **vals):
        return self._create_expense(
            "PSA Fields Taxi",
            amount=amount,
            product=self.product,
            project=self.project_tm,
            **vals,
        )

    def _sheet(self, expenses):
        sheet = self._create_expense_sheet(expenses, "PSA Fields Report")
        sheet.action_submit_sheet()
        return sheet

    def _form_fields(self, user):
        """``{field name: [its nodes]}`` of the expense form as ``user`` gets it."""
        views = self.env["hr.expense"].with_user(user).get_views([(False, "form")])
        arch = etree.fromstring(views["views"]["form"]["arch"])
        nodes = {}
        for node in arch.iter("field"):
            nodes.setdefault(node.get("name"), []).append(node)
        return nodes, views["models"]["hr.expense"]

    def test_consultant_form_has_no_markup_nor_method(self):
        nodes, fields = self._form_fields(self.user_employee)
        for fname in ("psa_markup_percent", "psa_rebill_method"):
            self.assertNotIn(fname, nodes)
            self.assertNotIn(fname, fields)
        # Re-billing: theirs to propose while they can edit the expense.
        [rebillable] = nodes["psa_rebillable"]
        self.assertIn("not is_editable", rebillable.get("readonly"))
        self.assertIn("psa_billing_state", nodes)

    def test_billing_form_sets_rebilling_until_invoiced(self):
        nodes, _fields = self._form_fields(self.user_billing)
        for fname in ("psa_rebillable", "psa_markup_percent", "psa_rebill_method"):
            [node] = nodes[fname]
            self.assertEqual(
                node.get("readonly"), "psa_billing_state == 'invoiced'", fname
            )

    def test_consultant_cannot_write_markup_or_method(self):
        expense = self._expense()
        for vals in ({"psa_markup_percent": 10.0}, {"psa_rebill_method": "markup"}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                expense.with_user(self.user_employee).write(vals)

    def test_billing_state_agrees_with_the_flag(self):
        expense = self._expense()
        self.assertTrue(expense.psa_rebillable)
        self.assertEqual(expense.psa_billing_state, "to_approve")
        expense.with_user(self.user_employee).psa_rebillable = False
        self.assertEqual(expense.psa_billing_state, "not_billable")
        expense.with_user(self.user_employee).psa_rebillable = True
        self.assertEqual(expense.psa_billing_state, "to_approve")

        sheet = self._sheet(expense)
        self.assertEqual(expense.psa_billing_state, "to_approve")
        sheet.with_user(self.user_admin).action_approve_expense_sheets()
        self.assertEqual(expense.psa_billing_state, "to_invoice")
        # The billing user decides, until invoiced.
        expense.with_user(self.user_billing).psa_rebillable = False
        self.assertEqual(expense.psa_billing_state, "not_billable")
        expense.with_user(self.user_billing).psa_rebillable = True
        self.assertEqual(expense.psa_billing_state, "to_invoice")
        expense.sudo().psa_invoiced = True
        self.assertEqual(expense.psa_billing_state, "invoiced")

        # A refused expense is not re-billed, whatever its flag.
        refused = self._expense()
        self._sheet(refused).with_user(self.user_admin)._do_refuse("Duplicate")
        self.assertTrue(refused.psa_rebillable)
        self.assertEqual(refused.psa_billing_state, "not_billable")

    def test_consultant_changes_the_flag_only_while_editable(self):
        expense = self._expense()
        self._sheet(expense)
        self.assertFalse(expense.with_user(self.user_employee).is_editable)
        with self.assertRaises(UserError) as error:
            expense.with_user(self.user_employee).write({"psa_rebillable": False})
        self.assertIn("PSA Fields Taxi", error.exception.args[0])
        # The same value sent back by the client is no change.
        expense.with_user(self.user_employee).write({"psa_rebillable": True})
        self.assertTrue(expense.psa_rebillable)
        expense.with_user(self.user_billing).write({"psa_rebillable": False})
        self.assertFalse(expense.psa_rebillable)
