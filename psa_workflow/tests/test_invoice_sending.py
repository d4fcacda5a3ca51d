# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sending invoices digitally: Odoo's *Send & Print* sends a psa_workflow
invoice with the work it bills as a PDF annex and the portal link, one
invoice or many at once; a project may send its invoices when posted."""

from odoo import fields
from odoo.tests import tagged

from .invoicing_common import PsaInvoicingCommon


@tagged("post_install", "-at_install")
class TestInvoiceSending(PsaInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "ap@psa-test-customer.example.com"
        cls.user_billing.email = "billing@psa-test.example.com"

    def _posted_invoice(self, *hours, project=None):
        self._approved(*hours, project=project)
        move, _skipped = self._invoice(project or self.project_tm)
        self._post(move)
        return move

    def _sent_message(self, move):
        return move.message_ids.filtered(
            lambda message: (
                message.message_type in ("comment", "email") and message.attachment_ids
            )
        )[:1]

    def test_send_and_print_attaches_the_work(self):
        move = self._posted_invoice(2.0, 1.5)
        wizard = (
            self.env["account.move.send.wizard"]
            .with_user(self.user_billing)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"sending_methods": ["email"]})
        )
        work_name = f"{move.name.replace('/', '_')}_work.pdf"
        self.assertIn(
            work_name, [item["name"] for item in wizard.mail_attachments_widget]
        )
        wizard.action_send_and_print()
        self.assertTrue(move.is_move_sent)
        message = self._sent_message(move)
        self.assertIn(work_name, message.attachment_ids.mapped("name"))
        self.assertIn(self.customer, message.partner_ids)
        # The customer's e-mail links to the invoice in the portal.
        mails = (
            self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        )
        self.assertTrue(mails)
        self.assertTrue(
            any(
                f"/my/invoices/{move.id}" in (mail.body_html or "")
                or "access_token" in (mail.body_html or "")
                for mail in mails
            ),
            mails.mapped("body_html"),
        )
        work = message.attachment_ids.filtered(lambda a: a.name == work_name)
        # Tests render reports as HTML (Odoo's test mode): the annex's rows.
        self.assertIn(b"Work billed by", work.raw)
        self.assertIn(b"350.00", work.raw)

    def test_an_invoice_without_psa_work_sends_no_annex(self):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    (0, 0, {"name": "Licence", "quantity": 1, "price_unit": 10.0})
                ],
            }
        )
        move.action_post()
        self.assertFalse(move._psa_work_attachment())
        extras = self.env["account.move.send"]._get_invoice_extra_attachments(move)
        self.assertFalse(extras.filtered(lambda a: a.name.endswith("_work.pdf")))

    def test_a_credit_makes_the_annex_again(self):
        move = self._posted_invoice(2.0, 1.5)
        first = move._psa_work_attachment()
        self.assertEqual(move._psa_work_attachment(), first)
        self._credit(move)  # posted
        again = move._psa_work_attachment()
        self.assertNotEqual(again, first)
        self.assertFalse(first.exists())
        self.assertIn(b"Credited by", again.raw)

    def test_many_invoices_at_once(self):
        first = self._posted_invoice(2.0)
        second = self._posted_invoice(1.0)
        wizard = (
            self.env["account.move.send.batch.wizard"]
            .with_user(self.user_billing)
            .with_context(active_model="account.move", active_ids=(first | second).ids)
            .create({})
        )
        wizard.action_send_and_print(force_synchronous=True)
        for move in first | second:
            self.assertTrue(move.is_move_sent, move.name)
            self.assertIn(
                f"{move.name.replace('/', '_')}_work.pdf",
                self._sent_message(move).attachment_ids.mapped("name"),
            )

    def test_a_project_sends_its_invoices_when_posted(self):
        self.project_tm.psa_invoice_auto_send = True
        move = self._posted_invoice(2.0)
        self.assertTrue(move.sending_data)
        self.env["account.move"]._cron_account_move_send()
        self.assertTrue(move.is_move_sent)
        self.assertFalse(move.sending_data)
        self.assertIn(
            f"{move.name.replace('/', '_')}_work.pdf",
            self._sent_message(move).attachment_ids.mapped("name"),
        )
        # Without the setting, posting sends nothing.
        self.project_tm.psa_invoice_auto_send = False
        other = self._posted_invoice(1.0)
        self.assertFalse(other.sending_data)
        self.assertFalse(other.is_move_sent)
