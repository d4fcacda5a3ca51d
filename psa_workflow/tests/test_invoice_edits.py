# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .invoicing_common import PsaInvoicingCommon


@tagged("post_install", "-at_install")
class TestInvoiceEdits(PsaInvoicingCommon):
    """The draft invoice is the accountant's: what they do to its lines, the
    entries follow, to the cent, and nothing billable is lost."""

    def _draft(self, *hours):
        lines = self._approved(*hours)
        move, _skipped = self._invoice()
        return lines, move

    def _live_links(self, move):
        return move.psa_link_ids.filtered(lambda link: link.state == "invoiced")

    def test_deleting_a_line_of_a_draft_returns_its_entries(self):
        lines, move = self._draft(2.0, 1.0)
        self.assertEqual(set(lines.mapped("psa_state")), {"invoiced"})
        move.with_user(self.user_billing).write(
            {"invoice_line_ids": [Command.delete(move.invoice_line_ids.id)]}
        )
        self.assertEqual(set(lines.mapped("psa_state")), {"approved"})
        self.assertFalse(self._live_links(move))
        # Billable again, on a new invoice, once.
        again, _skipped = self._invoice()
        self.assertEqual(again.psa_link_ids.timesheet_id, lines)
        self.assertEqual(again.amount_untaxed, 300.0)

    def test_a_cut_line_reshares_over_its_entries_and_records_the_writedown(self):
        _lines, move = self._draft(2.0, 1.0)
        with (
            Form(move.with_user(self.user_billing)) as form,
            form.invoice_line_ids.edit(0) as row,
        ):
            row.quantity = 1.5
        links = self._live_links(move).sorted(lambda k: k.timesheet_id.date)
        self.assertEqual(links.mapped("hours"), [1.0, 0.5])
        self.assertEqual(links.mapped("amount"), [100.0, 50.0])
        self.assertEqual(links.mapped("standard_amount"), [200.0, 100.0])
        self.assertEqual(links.mapped("writedown_amount"), [100.0, 50.0])
        self.assertEqual(sum(links.mapped("amount")), move.amount_untaxed)
        # A price raised is a write-up, shared the same way, to the cent.
        move.invoice_line_ids.with_user(self.user_billing).price_unit = 110.01
        self.assertEqual(links.mapped("amount"), [110.01, 55.01])
        self.assertEqual(sum(links.mapped("amount")), move.amount_untaxed)
        self.assertEqual(links.mapped("writedown_amount"), [89.99, 44.99])

    def test_an_edit_after_reset_to_draft_is_what_is_posted_and_annexed(self):
        lines, move = self._draft(2.0)
        move.psa_invoice_annex = True
        self._post(move)
        move.with_user(self.user_billing).button_draft()
        move.invoice_line_ids.with_user(self.user_billing).quantity = 0.5
        self._post(move)
        [link] = self._live_links(move)
        self.assertEqual((link.hours, link.amount), (0.5, 50.0))
        self.assertEqual(link.writedown_amount, 150.0)
        self.assertEqual(lines.psa_state, "invoiced")
        annex = move._psa_annex_links()
        self.assertEqual(sum(annex.mapped("amount")), move.amount_untaxed)

    def test_a_posted_invoice_keeps_its_annex_after_a_credit_of_entries(self):
        _lines, move = self._draft(2.0, 1.0)
        move.psa_invoice_annex = True
        self._post(move)
        first = move.psa_link_ids.sorted(lambda k: k.timesheet_id.date)[0]
        credit = move._psa_create_credit_note(first.with_user(self.user_billing))
        credit.with_user(self.user_billing).action_post()
        annex = move._psa_annex_links()
        self.assertEqual(len(annex), 2)
        self.assertEqual(sum(annex.mapped("hours")), 3.0)
        self.assertEqual(sum(annex.mapped("amount")), move.amount_untaxed)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", move.ids)[0]
            .decode()
        )
        self.assertIn("Credited by", html)
        self.assertIn(credit.name, html)

    def test_invoiced_installments_and_milestones_keep_their_amount(self):
        self.project_fixed.psa_contract_amount = 10000.0
        installment, _rest = self.env["psa.project.installment"].create(
            [
                {
                    "project_id": self.project_fixed.id,
                    "name": "Kick-off",
                    "date": fields.Date.to_date("2019-01-01"),
                    "percent": 30.0,
                },
                {
                    "project_id": self.project_fixed.id,
                    "name": "Go-live",
                    "date": fields.Date.to_date("2031-01-01"),
                    "percent": 70.0,
                },
            ]
        )
        _move, skipped = self._invoice(self.project_fixed)
        self.assertFalse(skipped)
        self.assertTrue(installment.psa_invoiced)
        self.assertEqual(installment.amount, 3000.0)
        # The contract grows: the billed installment does not.
        self.project_fixed.with_user(self.user_billing).psa_contract_amount = 20000.0
        self.assertEqual(installment.amount, 3000.0)
        with self.assertRaisesRegex(UserError, "already invoiced"):
            installment.with_user(self.user_billing).amount = 5000.0
        with self.assertRaisesRegex(UserError, "Kick-off"):
            installment.with_user(self.user_billing).percent = 50.0
        installment.with_user(self.user_billing).name = "Kick-off (signed)"

        project = self._milestone_project(psa_contract_amount=10000.0)
        design = project.milestone_ids.filtered(lambda m: m.name == "Design")
        design.write({"psa_amount": 0.0, "psa_percent": 25.0, "is_reached": True})
        self._invoice(project)
        self.assertTrue(design.psa_invoiced)
        project.with_user(self.user_billing).psa_contract_amount = 40000.0
        self.assertEqual(design.psa_invoice_amount, 2500.0)
        with self.assertRaisesRegex(UserError, "already invoiced"):
            design.with_user(self.user_billing).psa_percent = 10.0

    def test_a_billing_user_prints_and_sends(self):
        self.customer.email = "billing@customer.example.com"
        _lines, move = self._draft(2.0)
        self._post(move)
        self.assertFalse(self.customer.invoice_sending_method)
        wizard = (
            self.env["account.move.send.wizard"]
            .with_user(self.user_billing)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
        )
        wizard.sending_methods = ["email"]
        wizard.action_send_and_print()
        self.assertTrue(move.is_move_sent)
        self.assertEqual(self.customer.invoice_sending_method, "email")

    def test_the_invariants_hold_and_say_what_breaks_them(self):
        Invariant = self.env["psa.invoice.invariant"]
        lines, move = self._draft(2.0, 1.0)
        move.invoice_line_ids.quantity = 2.5
        self._post(move)
        self.assertEqual(Invariant._violations(), [])
        # What the old engine let happen: a line deleted from the links' side.
        self.env.cr.execute(
            "DELETE FROM psa_invoice_link WHERE timesheet_id = %s", [lines[0].id]
        )
        self.env["psa.invoice.link"].invalidate_model()
        violations = Invariant._violations()
        self.assertIn(
            f"timesheets {lines[0].id}: invoiced without a live invoice link",
            violations,
        )
        self.assertTrue(
            any(
                f"of {move.name}: subtotal 250.0" in violation
                for violation in violations
            ),
            violations,
        )

    def test_a_billing_user_sends_invoices_in_bulk(self):
        self.customer.email = "billing@customer.example.com"
        moves = self.env["account.move"]
        for hours in (2.0, 3.0):
            self._approved(hours)
            move, _skipped = self._invoice()
            self._post(move)
            moves |= move
        wizard = (
            self.env["account.move.send.batch.wizard"]
            .with_user(self.user_billing)
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({})
        )
        wizard.action_send_and_print(force_synchronous=True)
        self.assertEqual(moves.mapped("is_move_sent"), [True, True])
