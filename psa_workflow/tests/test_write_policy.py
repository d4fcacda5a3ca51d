# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The write policy of money fields, separation of duties, and an invoicing
engine that derives what it bills from the facts, not from stored values."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY


@tagged("post_install", "-at_install")
class TestWritePolicy(PsaInvoicingCommon):
    def test_employee_cannot_write_the_billing_of_own_timesheet(self):
        line = self._log(hours=1.0).with_user(self.user_employee)
        for fname, value in (
            ("psa_billed_hours", 40.0),
            ("psa_rate_missing", True),
            ("psa_cap_decision", "bill"),
            ("psa_cap_held", True),
            ("psa_state", "approved"),
            ("psa_approved_by_id", self.user_approver.id),
        ):
            with self.subTest(fname=fname):
                with self.assertRaises(AccessError) as caught:
                    line.write({fname: value})
                self.assertIn(fname, str(caught.exception))
        self.assertEqual(line.psa_billed_hours, 1.0)
        self.assertEqual(line.psa_state, "draft")

    def test_even_billing_users_cannot_write_derived_timesheet_billing(self):
        line = self._approved(1.0)
        with self.assertRaises(AccessError) as caught:
            line.with_user(self.user_admin).write({"psa_billed_hours": 40.0})
        self.assertIn("computed by the server", str(caught.exception))

    def test_creating_a_timesheet_with_billing_values_is_refused(self):
        Line = self.env["account.analytic.line"].with_user(self.user_employee)
        vals = {
            "project_id": self.project_tm.id,
            "name": "Work",
            "unit_amount": 1.0,
        }
        with self.assertRaises(AccessError) as caught:
            Line.create({**vals, "psa_billed_hours": 40.0})
        self.assertIn("psa_billed_hours", str(caught.exception))
        with self.assertRaises(AccessError):
            Line.create({**vals, "psa_state": "approved"})
        # The values the web client sends back unchanged pass.
        line = Line.create({**vals, "psa_state": "draft", "psa_cap_held": False})
        self.assertEqual(line.psa_state, "draft")

    def test_unchanged_values_sent_back_pass(self):
        line = self._log(hours=1.0)
        line.with_user(self.user_employee).write(
            {"name": "Renamed", "psa_billed_hours": 1.0, "psa_state": "draft"}
        )
        self.assertEqual(line.name, "Renamed")

    def test_employee_cannot_make_a_draft_expense_billable(self):
        expense = self._expense_draft(120.0)
        for fname, value in (
            ("psa_billing_state", "to_invoice"),
            ("psa_rebill_amount", 9999.0),
            ("psa_invoiced", True),
            ("psa_markup_percent", 50.0),
            ("psa_rebill_method", "markup"),
        ):
            with self.subTest(fname=fname):
                with self.assertRaises(AccessError) as caught:
                    expense.with_user(self.user_employee).write({fname: value})
                self.assertIn(fname, str(caught.exception))
        # Billing users set the commercial terms of re-billing.
        expense.with_user(self.user_billing).write(
            {"psa_rebill_method": "markup", "psa_markup_percent": 10.0}
        )
        self.assertEqual(expense.psa_rebill_amount, 132.0)

    def test_engine_bills_only_expenses_of_approved_reports_at_derived_amount(self):
        draft = self._expense_draft(50.0)
        approved = self._approved_expense(80.0)
        # Stored values tampered with behind the ORM's back (an old database,
        # a bad script): the engine does not trust them.
        self.env.cr.execute(
            "UPDATE hr_expense SET psa_billing_state = 'to_invoice',"
            " psa_rebill_amount = 9999 WHERE id IN %s",
            [(draft.id, approved.id)],
        )
        self.env.invalidate_all()
        moves, _skipped = self._invoice()
        billed = moves.psa_link_ids.expense_id
        self.assertEqual(billed, approved)
        self.assertEqual(moves.amount_untaxed, 80.0)

    def test_consultant_cannot_write_milestone_amounts(self):
        project = self.env["project.project"].create(
            {
                "name": "PSA Test Milestones",
                "partner_id": self.customer.id,
                "user_id": self.user_approver.id,
                "psa_billing_type": "milestone",
                "allow_milestones": True,
                "psa_contract_amount": 1000.0,
            }
        )
        milestone = self.env["project.milestone"].create(
            {"name": "Go-live", "project_id": project.id, "psa_amount": 500.0}
        )
        for fname, value in (("psa_amount", 5000.0), ("psa_percent", 100.0)):
            with self.subTest(fname=fname):
                with self.assertRaises(AccessError) as caught:
                    milestone.with_user(self.user_employee).write({fname: value})
                self.assertIn(fname, str(caught.exception))
        # Reaching a milestone is project work, not a billing decision.
        milestone.with_user(self.user_approver).write({"is_reached": True})
        with self.assertRaises(AccessError):
            milestone.with_user(self.user_employee).read(["psa_amount"])
        milestone.with_user(self.user_billing).write({"psa_amount": 600.0})
        self.assertEqual(milestone.psa_invoice_amount, 600.0)

    def test_installments_read_and_written_by_their_owners_only(self):
        self.project_fixed.psa_contract_amount = 1000.0
        installment = self.env["psa.project.installment"].create(
            {
                "project_id": self.project_fixed.id,
                "date": "2026-01-31",
                "amount": 1000.0,
            }
        )
        with self.assertRaises(AccessError):
            installment.with_user(self.user_employee).read(["amount"])
        with self.assertRaises(AccessError):
            self.project_fixed.with_user(self.user_employee).read(
                ["psa_contract_amount"]
            )
        # user_approver does not manage the fixed-price project.
        with self.assertRaises(AccessError):
            installment.with_user(self.user_approver).read(["amount"])
        with self.assertRaises(AccessError):
            installment.with_user(self.user_approver).write({"amount": 5.0})
        self.project_fixed.user_id = self.user_approver
        self.assertEqual(installment.with_user(self.user_approver).amount, 1000.0)
        with self.assertRaises(AccessError):
            installment.with_user(self.user_approver).write({"amount": 5.0})
        installment.with_user(self.user_billing).write({"amount": 900.0})
        self.assertEqual(installment.amount, 900.0)

    def test_contract_terms_changed_by_billing_users_only(self):
        manager = new_test_user(
            self.env,
            login="psa_plain_manager",
            groups="project.group_project_manager",
        )
        for fname, value in (
            ("psa_billing_type", "non_billable"),
            ("psa_cap_type", "hours"),
            ("psa_cap_hours", 1000.0),
            ("psa_rounding_minutes", 60),
            ("psa_last_invoice_date", "2026-01-01"),
        ):
            with self.subTest(fname=fname):
                with self.assertRaises(AccessError) as caught:
                    self.project_tm.with_user(manager).write({fname: value})
                self.assertIn(fname, str(caught.exception))
        self.project_tm.with_user(manager).write({"name": "PSA Test Renamed"})
        self.project_tm.with_user(self.user_billing).write({"psa_cap_type": "hours"})
        self.assertEqual(self.project_tm.psa_cap_type, "hours")

    def test_plain_project_manager_duplicates_a_project_with_its_terms(self):
        manager = new_test_user(
            self.env,
            login="psa_plain_manager",
            groups="project.group_project_manager",
        )
        self.project_fixed.write(
            {
                "psa_contract_amount": 1000.0,
                "psa_rounding_minutes": 15,
                "psa_installment_ids": [
                    Command.create({"date": "2026-01-31", "amount": 1000.0})
                ],
            }
        )
        # Nothing in cache: the copy reads what the manager may not read.
        self.env.invalidate_all()
        copy = self.project_fixed.with_user(manager).copy()
        self.assertEqual(copy.psa_billing_type, "fixed_price")
        self.assertEqual(copy.psa_contract_amount, 1000.0)
        self.assertEqual(copy.psa_rounding_minutes, 15)
        self.assertEqual(copy.sudo().psa_installment_ids.mapped("amount"), [1000.0])
        # What the caller passes for the copy is a change: checked.
        with self.assertRaises(AccessError):
            self.project_fixed.with_user(manager).copy({"psa_contract_amount": 1.0})

    def test_milestones_duplicated_with_their_amounts_when_allowed(self):
        manager = new_test_user(
            self.env,
            login="psa_plain_manager",
            groups="project.group_project_manager",
        )
        project = self.env["project.project"].create(
            {
                "name": "PSA Test Milestones",
                "partner_id": self.customer.id,
                "psa_billing_type": "milestone",
                "allow_milestones": True,
                "milestone_ids": [Command.create({"name": "Go", "psa_amount": 500.0})],
            }
        )
        milestone = project.milestone_ids
        self.env.invalidate_all()
        copy = project.with_user(manager).copy()
        self.assertEqual(copy.milestone_ids.sudo().mapped("psa_amount"), [500.0])
        # A milestone duplicated alone by someone who may not set amounts:
        # the copy has none, and no access error.
        self.env.invalidate_all()
        alone = milestone.with_user(self.user_employee).copy()
        self.assertEqual(alone.sudo().psa_amount, 0.0)
        alone = milestone.with_user(self.user_billing).copy()
        self.assertEqual(alone.sudo().psa_amount, 500.0)

    def _expense_draft(self, amount):
        return self._create_expense(
            "Hotel",
            amount=amount,
            product=self._expense_product("PSA Test Hotel"),
            project=self.project_tm,
            date=DAY,
        ).with_env(self.env)


@tagged("post_install", "-at_install")
class TestSeparationOfDuties(PsaInvoicingCommon):
    def test_approver_cannot_approve_time_they_entered_for_someone_else(self):
        line = self._log(user=self.user_approver, employee_id=self.emp.id)
        self.assertEqual(line.employee_id, self.emp)
        line.with_user(self.user_approver).action_psa_submit()
        with self.assertRaises(UserError) as caught:
            line.with_user(self.user_approver).action_psa_approve()
        self.assertIn("Separation of duties", str(caught.exception))
        self.assertEqual(line.psa_state, "submitted")
        # Another approver (here a PSA administrator) approves it.
        line.with_user(self.user_admin).action_psa_approve()
        self.assertEqual(line.psa_state, "approved")

    def test_administrators_do_not_approve_their_own_time_either(self):
        line = self._log(user=self.user_admin, project=self.project_fixed)
        line.with_user(self.user_admin).action_psa_submit()
        with self.assertRaises(UserError):
            line.with_user(self.user_admin).action_psa_approve()

    def test_approval_prices_again_from_the_facts(self):
        line = self._log(hours=2.0)
        line.with_user(self.user_employee).action_psa_submit()
        # A stale price (written behind the ORM's back) is not what is frozen.
        self.env.cr.execute(
            "UPDATE account_analytic_line SET psa_billed_hours = 40,"
            " psa_bill_amount = 4000 WHERE id = %s",
            [line.id],
        )
        self.env.invalidate_all()
        line.with_user(self.user_approver).action_psa_approve()
        self.assertEqual(line.psa_billed_hours, 2.0)
        self.assertEqual(line.psa_bill_amount, 200.0)

    def test_billing_user_reads_project_expenses_and_cannot_invoice_unreadable(self):
        expense = self._approved_expense(30.0)
        Expense = self.env["hr.expense"].with_user(self.user_billing)
        self.assertIn(expense, Expense.search([]))
        foreign = self._log(project=self.project_b, user=self.user_employee_b)
        with self.assertRaises(AccessError):
            foreign.with_user(self.user_billing).action_psa_create_invoices()
