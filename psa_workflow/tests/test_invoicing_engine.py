# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from psycopg2.errors import UniqueViolation

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY, PsaTimesheetCommon


@tagged("post_install", "-at_install")
class TestInvoicingEngine(PsaInvoicingCommon):
    def test_time_and_materials_end_to_end(self):
        lines = self._approved(2.0, 1.5, 0.25)
        draft = self._log(day=DAY + timedelta(days=5))
        internal = self._log(project=self.project_internal, day=DAY + timedelta(days=6))
        move, skipped = self._invoice()
        self.assertFalse(skipped)
        self.assertEqual(len(move), 1)
        self.assertEqual(
            (move.move_type, move.state, move.partner_id, move.currency_id),
            ("out_invoice", "draft", self.customer, self.company.currency_id),
        )
        [invoice_line] = move.invoice_line_ids
        self.assertEqual(
            (invoice_line.quantity, invoice_line.price_unit), (3.75, 100.0)
        )
        self.assertEqual(invoice_line.price_subtotal, 375.0)
        self.assertEqual(
            invoice_line.analytic_distribution,
            {str(self.project_tm.account_id.id): 100},
        )
        self.assertEqual(set(lines.mapped("psa_state")), {"invoiced"})
        self.assertEqual((draft.psa_state, internal.psa_state), ("draft", "draft"))
        self.assertEqual(move.psa_link_ids.timesheet_id, lines)
        self.assertEqual(sum(move.psa_link_ids.mapped("amount")), 375.0)
        self.assertEqual(move.psa_timesheet_count, 3)
        # Invoiced entries are locked like approved ones.
        with self.assertRaises(UserError):
            lines[0].with_user(self.user_admin).unit_amount = 9.0

    def test_running_twice_never_bills_twice(self):
        self._approved(2.0)
        first, _skipped = self._invoice()
        second, _skipped = self._invoice()
        self.assertEqual(len(first), 1)
        self.assertFalse(second)
        # Even the database refuses a second live link for the same entry.
        link = first.psa_link_ids
        with (
            self.assertRaises(UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            link.copy({"move_line_id": link.move_line_id.id})

    def test_shares_add_up_to_the_cent(self):
        self.env["psa.rate"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.emp.id,
                "amount": 133.33,
            }
        )
        self._approved(0.33, 0.33, 0.33)
        move, _skipped = self._invoice()
        line = move.invoice_line_ids
        self.assertEqual((line.quantity, line.price_subtotal), (0.99, 132.0))
        self.assertEqual(sorted(move.psa_link_ids.mapped("amount")), [44.0, 44.0, 44.0])

    def test_deleting_or_cancelling_a_draft_returns_the_entries(self):
        lines = self._approved(2.0)
        move, _skipped = self._invoice()
        move.with_user(self.user_billing).unlink()
        self.assertEqual(lines.psa_state, "approved")
        move, _skipped = self._invoice()
        self.assertEqual(lines.psa_state, "invoiced")
        move.with_user(self.user_billing).button_cancel()
        self.assertEqual(lines.psa_state, "approved")
        self.assertEqual(move.psa_link_ids.state, "cancelled")
        # Back to draft: the entries are billed by it again...
        move.with_user(self.user_billing).button_draft()
        self.assertEqual(lines.psa_state, "invoiced")
        self.assertEqual(move.psa_link_ids.state, "invoiced")
        # ...unless they were invoiced elsewhere meanwhile.
        move.with_user(self.user_billing).button_cancel()
        other, _skipped = self._invoice()
        self.assertTrue(other)
        with self.assertRaises(UserError):
            move.with_user(self.user_billing).button_draft()

    def test_full_credit_note_returns_the_entries(self):
        lines = self._approved(2.0, 1.0)
        move, _skipped = self._invoice()
        self._post(move)
        credit = self._credit(move)
        self.assertEqual(set(lines.mapped("psa_state")), {"approved"})
        self.assertEqual(set(move.psa_link_ids.mapped("state")), {"credited"})
        self.assertEqual(move.psa_link_ids.credit_move_id, credit)
        again, _skipped = self._invoice()
        self.assertEqual(again.invoice_line_ids.price_subtotal, 300.0)

    def test_partial_credit_note_releases_nothing_and_asks_for_review(self):
        lines = self._approved(2.0, 1.0)
        move, _skipped = self._invoice()
        self._post(move)
        self._credit(move, quantity=1.0)
        self.assertTrue(move.psa_needs_review)
        self.assertEqual(set(lines.mapped("psa_state")), {"invoiced"})
        again, _skipped = self._invoice()
        self.assertFalse(again)

    def test_a_bad_project_is_skipped_and_reported_the_others_invoiced(self):
        orphan = self.env["project.project"].create(
            {
                "name": "PSA No Customer",
                "company_id": self.company.id,
                "user_id": self.user_approver.id,
            }
        )
        self._approved(1.0)
        self._approved(1.0, project=orphan, user=self.user_employee)
        moves, skipped = self._invoice(self.project_tm | orphan)
        self.assertEqual(len(moves), 1)
        self.assertIn("has no customer", skipped[orphan])
        action = self.env["psa.invoicing.engine"]._result_action(
            {"moves": moves, "skipped": skipped}
        )
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn(orphan.name, action["params"]["message"])

    def test_only_billing_users_invoice(self):
        self._approved(1.0)
        for user in (self.user_employee, self.user_approver):
            with self.assertRaises(AccessError):
                self.Engine.with_user(user)._invoice_projects(self.project_tm)
        moves, _skipped = self._invoice()
        self.assertEqual(len(moves), 1)

    def test_foreign_currency_customer_is_invoiced_in_its_currency(self):
        self._eur_rate(DAY - timedelta(days=30), 0.5)
        project = self._eur_project("PSA EUR T&M")
        self._approved(2.0, project=project)
        move, _skipped = self._invoice(project)
        self.assertEqual(move.currency_id, self.currency_eur)
        self.assertEqual(move.invoice_line_ids.price_subtotal, 100.0)  # 2 h x 50.00 EUR

    def test_expenses_are_rebilled_with_their_markup(self):
        product = self.env.ref("hr_expense.expense_product_meal")
        expense = self.env["hr.expense"].create(
            {
                "name": "Client dinner",
                "employee_id": self.emp.id,
                "product_id": product.id,
                "total_amount_currency": 80.0,
                "tax_ids": [Command.clear()],  # re-billed on the untaxed cost
                "date": DAY,
                "psa_project_id": self.project_tm.id,
                "psa_rebill_method": "markup",
                "psa_markup_percent": 10.0,
            }
        )
        sheet = self.env["hr.expense.sheet"].create(
            {
                "name": "Trip",
                "employee_id": self.emp.id,
                "expense_line_ids": [Command.set(expense.ids)],
            }
        )
        sheet.action_submit_sheet()
        sheet.with_user(self.user_admin).action_approve_expense_sheets()
        self.assertEqual(expense.psa_billing_state, "to_invoice")
        move, _skipped = self._invoice()
        self.assertEqual(move.invoice_line_ids.price_subtotal, 88.0)
        self.assertEqual(expense.psa_billing_state, "invoiced")
        move.with_user(self.user_billing).unlink()
        self.assertEqual(expense.psa_billing_state, "to_invoice")

    def _rebillable_expenses(self, *amounts):
        product = self.env.ref("hr_expense.expense_product_meal")
        expenses = self.env["hr.expense"].create(
            [
                {
                    "name": f"Meal {amount}",
                    "employee_id": self.emp.id,
                    "product_id": product.id,
                    "total_amount_currency": amount,
                    "tax_ids": [Command.clear()],
                    "date": DAY,
                    "psa_project_id": self.project_tm.id,
                }
                for amount in amounts
            ]
        )
        sheet = self.env["hr.expense.sheet"].create(
            {
                "name": "Meals",
                "employee_id": self.emp.id,
                "expense_line_ids": [Command.set(expenses.ids)],
            }
        )
        sheet.action_submit_sheet()
        sheet.with_user(self.user_admin).action_approve_expense_sheets()
        return expenses

    def test_create_invoices_from_selected_timesheets(self):
        lines = self._approved(2.0, 1.0, 4.0)
        draft = self._log(hours=3.0, day=DAY + timedelta(days=9))
        expense = self._rebillable_expenses(40.0)
        action = self.env.ref(
            "psa_workflow.account_analytic_line_server_action_invoice"
        )
        self.assertEqual(action.binding_model_id.model, "account.analytic.line")
        selection = (lines[:2] | draft).with_user(self.user_billing)
        result = selection.action_psa_create_invoices()
        # The draft one is reported; the invoice opens after the notice.
        self.assertIn("1 of the selected entries", result["params"]["message"])
        move = self.env["account.move"].browse(result["params"]["next"]["res_id"])
        self.assertEqual(move.psa_link_ids.timesheet_id, lines[:2])
        self.assertEqual(move.amount_untaxed, 300.0)
        self.assertEqual(
            lines.mapped("psa_state"), ["invoiced", "invoiced", "approved"]
        )
        self.assertEqual(expense.psa_billing_state, "to_invoice")
        self.assertFalse(self.project_tm.psa_last_invoice_date)
        with self.assertRaises(AccessError):
            lines[2].with_user(self.user_employee).action_psa_create_invoices()

    def test_create_invoices_from_selected_expenses(self):
        first, second = self._rebillable_expenses(40.0, 25.0)
        line = self._approved(1.0)
        result = first.with_user(self.user_billing).action_psa_create_invoices()
        move = self.env["account.move"].browse(result["res_id"])
        self.assertEqual(move.psa_link_ids.expense_id, first)
        self.assertEqual(move.amount_untaxed, 40.0)
        self.assertEqual(
            (first.psa_billing_state, second.psa_billing_state, line.psa_state),
            ("invoiced", "to_invoice", "approved"),
        )

    def test_create_invoices_from_the_projects_action_menu(self):
        self._approved(1.0)
        action = self.env.ref("psa_workflow.psa_invoice_create_action")
        self.assertEqual(action.binding_model_id.model, "project.project")
        wizard = (
            self.env["psa.invoice.create"]
            .with_user(self.user_billing)
            .with_context(
                active_model="project.project", active_ids=self.project_tm.ids
            )
            .create({"date_to": DAY + timedelta(days=60)})
        )
        self.assertEqual(wizard.project_ids, self.project_tm)
        result = wizard.action_create_invoices()
        move = self.env["account.move"].browse(result["res_id"])
        self.assertEqual(move.partner_id, self.customer)
        with Form(move) as form:  # the accountant opens the draft and sees the lines
            self.assertEqual(len(form.invoice_line_ids), 1)
        with self.assertRaises(AccessError):
            self.env["psa.invoice.create"].with_user(self.user_approver).create(
                {"project_ids": [Command.set(self.project_tm.ids)]}
            )

    def test_invoice_and_entries_point_at_each_other_and_wip_empties(self):
        lines = self._approved(2.0, 1.0)
        wip = self.env.ref("psa_workflow.account_analytic_line_action_wip")
        in_progress = self.env["account.analytic.line"].search(
            [*safe_eval(wip.domain), ("id", "in", lines.ids)]
        )
        self.assertEqual(in_progress, lines)
        move, _skipped = self._invoice()
        action = move.with_user(self.user_billing).action_psa_open_entries()
        self.assertEqual(
            self.env["account.analytic.line"].search(action["domain"]), lines
        )
        self.assertEqual(lines.psa_invoice_id, move)
        self.assertEqual(lines[0].action_psa_open_invoice()["res_id"], move.id)
        self.assertFalse(
            self.env["account.analytic.line"].search(
                [*safe_eval(wip.domain), ("id", "in", lines.ids)]
            )
        )

    def test_invoice_line_detail(self):
        other_task = self.env["project.task"].create(
            {"name": "PSA Test Build", "project_id": self.project_tm.id}
        )
        lines = self._log(hours=2.0, task_id=self.task_tm.id) | self._log(
            hours=1.0, task_id=other_task.id, day=DAY + timedelta(days=1)
        )
        lines.with_user(self.user_employee).action_psa_submit()
        lines.with_user(self.user_approver).action_psa_approve()
        move, _skipped = self._invoice(detail="task")
        self.assertEqual(sorted(move.invoice_line_ids.mapped("quantity")), [1.0, 2.0])
        self.assertIn("PSA Test Build", " ".join(move.invoice_line_ids.mapped("name")))
        move.with_user(self.user_billing).unlink()
        self.project_tm.psa_invoice_detail = "summary"
        move, _skipped = self._invoice()
        self.assertEqual(move.invoice_line_ids.quantity, 3.0)
        move.with_user(self.user_billing).unlink()
        move, _skipped = self._invoice(detail="entry")
        self.assertEqual(len(move.invoice_line_ids), 2)

    def test_scheduled_invoicing_by_frequency(self):
        today = fields.Date.today()
        last_week = today - timedelta(days=today.weekday() + 3)
        line = self._log(day=last_week)
        this_week = self._log(day=today, hours=1.0)
        (line | this_week).with_user(self.user_employee).action_psa_submit()
        (line | this_week).with_user(self.user_approver).action_psa_approve()
        self.project_tm.psa_invoice_frequency = "weekly"
        Projects = self.env["project.project"]
        moves = Projects._cron_psa_invoice_due()
        self.assertEqual(moves.psa_link_ids.timesheet_id, line)
        self.assertEqual(this_week.psa_state, "approved", "the current week waits")
        self.assertEqual(
            self.project_tm.psa_last_invoice_date,
            today - timedelta(days=today.weekday() + 1),
        )
        self.assertFalse(Projects._cron_psa_invoice_due(), "idempotent")


@tagged("post_install", "-at_install")
class TestFixedPriceAndMilestones(PsaTimesheetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Engine = cls.env["psa.invoicing.engine"].with_user(cls.user_billing)
        cls.project_fixed.write(
            {
                "partner_id": cls.customer.id,  # company currency for exact figures
                "psa_contract_amount": 10000.0,
                "psa_installment_ids": [
                    Command.create({"name": "Kick-off", "date": DAY, "percent": 30}),
                    Command.create(
                        {
                            "name": "Go-live",
                            "date": DAY + timedelta(days=60),
                            "percent": 70,
                        }
                    ),
                ],
            }
        )
        cls.project_ms = cls.env["project.project"].create(
            {
                "name": "PSA Test Milestone Project",
                "company_id": cls.company.id,
                "partner_id": cls.customer.id,
                "psa_billing_type": "milestone",
                "allow_milestones": True,
                "psa_contract_amount": 8000.0,
                "milestone_ids": [
                    Command.create({"name": "Design", "psa_amount": 2500.0}),
                    Command.create({"name": "Build", "psa_percent": 50.0}),
                ],
            }
        )

    def _invoice(self, project, day):
        result = self.Engine._invoice_projects(project, date_to=day)
        return result["moves"].with_env(self.env), result["skipped"]

    def test_fixed_price_installments_billed_when_due_once(self):
        installments = self.project_fixed.psa_installment_ids.sorted("date")
        self.assertEqual(installments.mapped("amount"), [3000.0, 7000.0])
        move, skipped = self._invoice(self.project_fixed, DAY)
        self.assertFalse(skipped)
        self.assertEqual(move.invoice_line_ids.price_subtotal, 3000.0)
        self.assertEqual(installments.mapped("psa_invoiced"), [True, False])
        again, _skipped = self._invoice(self.project_fixed, DAY)
        self.assertFalse(again)
        later, _skipped = self._invoice(self.project_fixed, DAY + timedelta(days=60))
        self.assertEqual(later.invoice_line_ids.price_subtotal, 7000.0)
        later.with_user(self.user_billing).unlink()
        self.assertFalse(installments[1].psa_invoiced)

    def test_fixed_price_schedule_must_sum_to_the_contract(self):
        self.project_fixed.psa_installment_ids.sorted("date")[1].percent = 60.0
        moves, skipped = self._invoice(self.project_fixed, DAY)
        self.assertFalse(moves)
        self.assertIn("add up to", skipped[self.project_fixed])

    def test_milestones_billed_once_reached(self):
        design, build = self.project_ms.milestone_ids.sorted("name")[::-1]
        self.assertEqual(build.psa_invoice_amount, 4000.0)
        nothing, _skipped = self._invoice(self.project_ms, fields.Date.today())
        self.assertFalse(nothing)
        design.is_reached = True
        move, _skipped = self._invoice(self.project_ms, fields.Date.today())
        self.assertEqual(move.invoice_line_ids.price_subtotal, 2500.0)
        self.assertTrue(design.psa_invoiced)
        build.is_reached = True
        move, _skipped = self._invoice(self.project_ms, fields.Date.today())
        self.assertEqual(move.invoice_line_ids.price_subtotal, 4000.0)

    def test_reached_milestone_without_amount_is_reported(self):
        self.env["project.milestone"].create(
            {"name": "Extra", "project_id": self.project_ms.id, "is_reached": True}
        )
        moves, skipped = self._invoice(self.project_ms, DAY)
        self.assertFalse(moves)
        self.assertIn("has no amount", skipped[self.project_ms])


@tagged("post_install", "-at_install")
class TestTimesheetAnnex(PsaTimesheetCommon):
    def _render(self, move):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", move.ids
        )[0]
        return html.decode() if isinstance(html, bytes) else html

    def test_annex_lists_the_billed_timesheets_when_the_project_asks(self):
        lines = self._log(hours=2.0, name="Data model review") | self._log(
            hours=1.5, day=DAY + timedelta(days=1), name="Pipeline tests"
        )
        lines.with_user(self.user_employee).action_psa_submit()
        lines.with_user(self.user_approver).action_psa_approve()
        result = (
            self.env["psa.invoicing.engine"]
            .with_user(self.user_billing)
            ._invoice_projects(self.project_tm, date_to=DAY + timedelta(days=30))
        )
        move = result["moves"].with_env(self.env)
        self.assertFalse(move.psa_invoice_annex)
        self.assertNotIn("Timesheet Annex", self._render(move))
        # Switched on the draft invoice (the project setting is only its default).
        move.with_user(self.user_billing).psa_invoice_annex = True
        html = self._render(move)
        self.assertIn("Timesheet Annex", html)
        self.assertIn("Data model review", html)
        self.assertIn("Pipeline tests", html)
        self.assertIn(self.emp.name, html)
        self.assertIn("350.00", html)  # 3.5 h x 100.00


@tagged("post_install", "-at_install")
class TestNotToExceedCap(PsaTimesheetCommon):
    def _approved(self, *hours):
        lines = self.env["account.analytic.line"]
        for index, amount in enumerate(hours):
            lines |= self._log(hours=amount, day=DAY + timedelta(days=index))
        lines.with_user(self.user_employee).action_psa_submit()
        lines.with_user(self.user_approver).action_psa_approve()
        return lines

    def _invoice(self):
        result = (
            self.env["psa.invoicing.engine"]
            .with_user(self.user_billing)
            ._invoice_projects(self.project_tm, date_to=DAY + timedelta(days=30))
        )
        return result["moves"].with_env(self.env)

    def test_time_beyond_an_hours_cap_is_held_until_a_decision(self):
        self.project_tm.write({"psa_cap_type": "hours", "psa_cap_hours": 5.0})
        first, second, third = self._approved(2.0, 2.0, 3.0)
        move = self._invoice()
        self.assertEqual(move.invoice_line_ids.quantity, 4.0)
        self.assertEqual((first | second).mapped("psa_state"), ["invoiced", "invoiced"])
        self.assertTrue(third.psa_cap_held)
        self.assertEqual(third.psa_state, "approved")
        self.assertFalse(self._invoice(), "still held: nothing more to bill")
        with self.assertRaises(AccessError):
            third.with_user(self.user_approver).action_psa_cap_bill_anyway()
        third.with_user(self.user_billing).action_psa_cap_bill_anyway()
        self.assertEqual(self._invoice().invoice_line_ids.quantity, 3.0)
        self.assertEqual(third.psa_state, "invoiced")

    def test_amount_cap_and_write_off(self):
        self.project_tm.write({"psa_cap_type": "amount", "psa_cap_amount": 250.0})
        first, second = self._approved(2.0, 1.0)  # 200 + 100 > 250
        self.assertEqual(self._invoice().invoice_line_ids.price_subtotal, 200.0)
        self.assertTrue(second.psa_cap_held)
        second.with_user(self.user_billing).action_psa_cap_write_off()
        self.assertEqual(second.psa_cap_decision, "write_off")
        self.assertFalse(self._invoice())
        self.assertEqual(second.psa_state, "approved")
        with self.assertRaises(UserError):
            first.with_user(self.user_billing).action_psa_cap_write_off()


@tagged("post_install", "-at_install")
class TestInvoicingQueryCount(PsaTimesheetCommon):
    """Invoicing issues as many queries for 200 timesheets as for 20: the count
    grows with the invoices, not with the lines."""

    def _approved_lines(self, count):
        lines = self.env["account.analytic.line"].create(
            [
                {
                    "project_id": self.project_tm.id,
                    "employee_id": self.emp.id,
                    "name": f"Line {i}",
                    "unit_amount": 0.25 * (1 + i % 4),
                    "date": DAY + timedelta(days=i // 6),
                }
                for i in range(count)
            ]
        )
        lines._psa_write_state({"psa_state": "approved"})
        return lines

    def _queries(self, count):
        self._approved_lines(count)
        Engine = self.env["psa.invoicing.engine"].with_user(self.user_billing)
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = Engine._invoice_projects(
            self.project_tm, date_to=DAY + timedelta(days=60)
        )
        self.env.flush_all()
        queries = self.env.cr.sql_log_count - before
        self.assertEqual(len(result["moves"]), 1)
        self.assertEqual(len(result["moves"].psa_link_ids), count)
        return queries

    def test_query_count_grows_with_invoices_not_lines(self):
        self._queries(5)  # warm the registry caches
        self.assertEqual(self._queries(20), self._queries(200))
