# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .invoicing_common import PsaInvoicingCommon


@tagged("post_install", "-at_install")
class TestInvoiceCredit(PsaInvoicingCommon):
    """Crediting chosen entries of a posted invoice returns exactly those
    entries to "to invoice", to the cent."""

    def _posted_invoice(self, *hours):
        lines = self._approved(*hours)
        move, _skipped = self._invoice()
        self._post(move)
        return lines, move

    def _credit_entries(self, move, lines, reason="Not agreed"):
        form = Form(
            self.env["psa.invoice.credit"]
            .with_user(self.user_billing)
            .with_context(active_id=move.id)
        )
        form.reason = reason
        # The invoice's entries are listed, none ticked: tick those to credit.
        for index in range(len(form.line_ids)):
            with form.line_ids.edit(index) as row:
                row.selected = row.link_id.timesheet_id in lines
        action = form.save().action_credit()
        return self.env["account.move"].browse(action["res_id"])

    def test_credited_entries_and_only_they_become_billable_again(self):
        lines, move = self._posted_invoice(2.0, 1.0, 0.5)
        credit = self._credit_entries(move, lines[1])
        self.assertEqual(
            (credit.move_type, credit.state, credit.reversed_entry_id),
            ("out_refund", "draft", move),
        )
        [credit_line] = credit.invoice_line_ids
        self.assertEqual(
            (credit_line.quantity, credit_line.price_unit, credit_line.price_subtotal),
            (1.0, 100.0, 100.0),
        )
        self.assertEqual(credit_line.tax_ids, move.invoice_line_ids.tax_ids)
        self.assertIn("Not agreed", credit.ref)
        # A draft credit note credits nothing yet.
        self.assertEqual(set(lines.mapped("psa_state")), {"invoiced"})
        credit.with_user(self.user_billing).action_post()
        self.assertEqual(
            lines.mapped("psa_state"), ["invoiced", "approved", "invoiced"]
        )
        link = move.psa_link_ids.filtered(lambda k: k.timesheet_id == lines[1])
        self.assertEqual(
            (link.state, link.credit_move_id, link.credit_amount),
            ("credited", credit, 100.0),
        )
        self.assertFalse(move.psa_needs_review)
        again, _skipped = self._invoice()
        self.assertEqual(again.psa_link_ids.timesheet_id, lines[1])
        self.assertEqual(again.amount_untaxed, 100.0)

    def test_credits_in_pieces_add_up_to_the_invoice_to_the_cent(self):
        self.env["psa.rate"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.emp.id,
                "amount": 100.01,
            }
        )
        lines, move = self._posted_invoice(0.25, 0.25, 0.25)
        self.assertEqual(move.amount_untaxed, 75.01)
        self.assertEqual(
            sorted(move.psa_link_ids.mapped("amount")), [25.0, 25.0, 25.01]
        )
        # 0.25 h at 100.01 is 25.00, not the 25.01 this entry was invoiced for:
        # the credit line says the hours and credits the invoiced amount.
        last = move.psa_link_ids.filtered(lambda k: k.amount == 25.01).timesheet_id
        first_credit = self._credit_entries(move, last)
        self.assertEqual(first_credit.amount_untaxed, 25.01)
        self.assertTrue(
            first_credit.invoice_line_ids.name.startswith("Credit: 0.25 h of 0.75 h")
        )
        first_credit.with_user(self.user_billing).action_post()
        second_credit = self._credit_entries(move, lines - last)
        self.assertEqual(second_credit.amount_untaxed, 50.0)
        # 0.5 h at 100.01 would be 50.01: again the invoiced amount is credited.
        self.assertTrue(
            second_credit.invoice_line_ids.name.startswith("Credit: 0.50 h of 0.75 h")
        )
        second_credit.with_user(self.user_billing).action_post()
        self.assertEqual(
            first_credit.amount_total + second_credit.amount_total, move.amount_total
        )
        self.assertEqual(set(lines.mapped("psa_state")), {"approved"})
        self.assertEqual(set(move.psa_link_ids.mapped("state")), {"credited"})

    def test_crediting_every_entry_credits_the_invoice_exactly(self):
        lines, move = self._posted_invoice(2.0, 1.5)
        credit = self._credit_entries(move, lines)
        self.assertEqual(
            credit.invoice_line_ids.mapped("quantity"),
            move.invoice_line_ids.mapped("quantity"),
        )
        self.assertEqual(credit.amount_total, move.amount_total)
        self.assertEqual(credit.amount_tax, move.amount_tax)

    def test_an_entry_is_credited_once(self):
        lines, move = self._posted_invoice(2.0, 1.0)
        credit = self._credit_entries(move, lines[0])
        with self.assertRaisesRegex(UserError, "another credit note"):
            move.with_user(self.user_billing)._psa_create_credit_note(
                move.psa_link_ids.filtered(lambda k: k.timesheet_id == lines[0])
            )
        # Cancelling the draft credit note frees the entry for another one.
        credit.with_user(self.user_billing).button_cancel()
        again = self._credit_entries(move, lines[0])
        again.with_user(self.user_billing).action_post()
        self.assertEqual(lines.mapped("psa_state"), ["approved", "invoiced"])
        with self.assertRaisesRegex(UserError, "another credit note"):
            self._credit_entries(move, lines[0])

    def test_an_edited_credit_note_is_refused_and_releases_nothing(self):
        lines, move = self._posted_invoice(2.0, 1.0)
        credit = self._credit_entries(move, lines[0])
        credit.invoice_line_ids.quantity = 0.5
        with self.assertRaisesRegex(UserError, "instead of the 200.0"):
            credit.with_user(self.user_billing).action_post()
        self.assertEqual(set(lines.mapped("psa_state")), {"invoiced"})

    def test_a_full_reversal_after_crediting_entries_asks_for_review(self):
        lines, move = self._posted_invoice(2.0, 1.0)
        self._credit_entries(move, lines[0]).with_user(self.user_billing).action_post()
        self.assertFalse(move.psa_needs_review)
        self._credit(move)
        self.assertTrue(move.psa_needs_review)
        self.assertEqual(set(move.psa_link_ids.mapped("state")), {"credited"})

    def test_only_posted_invoices_and_billing_users(self):
        lines = self._approved(2.0)
        move, _skipped = self._invoice()
        with self.assertRaisesRegex(UserError, "Only posted customer invoices"):
            move.with_user(self.user_billing)._psa_create_credit_note(move.psa_link_ids)
        self._post(move)
        with self.assertRaises(AccessError):
            self.env["psa.invoice.credit"].with_user(self.user_employee).create(
                {"move_id": move.id, "link_ids": [(6, 0, move.psa_link_ids.ids)]}
            )
        self.assertEqual(lines.psa_state, "invoiced")
