# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Collections in Client Profitability (issue #24, item 5): the pivot's
collected, outstanding and days to pay, on the invoiced rows, and the PDF
reading the same figures."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .invoicing_common import PsaInvoicingCommon


@tagged("post_install", "-at_install")
class TestCollections(PsaInvoicingCommon):
    def setUp(self):
        super().setUp()
        self._approved(2.0, 3.0)
        self.invoice, _skipped = self._invoice()
        self.invoice_date = fields.Date.today() - timedelta(days=20)
        self.invoice.invoice_date = self.invoice_date
        self.invoice.with_user(self.user_billing).action_post()
        self.Report = self.env["psa.profitability.report"].with_user(self.user_billing)

    def _pay(self, amount, day):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({"amount": amount, "payment_date": day})._create_payments()

    def _pivot(self):
        self.env.invalidate_all()  # the report is a view: read it again
        [row] = self.Report.read_group(
            [("partner_id", "=", self.customer.id), ("source", "=", "invoice")],
            ["revenue_invoiced", "collected", "outstanding", "days_to_pay"],
            ["partner_id"],
        )
        return (
            row["revenue_invoiced"],
            row["collected"],
            row["outstanding"],
            row["days_to_pay"],
        )

    def _pdf(self):
        wizard = (
            self.env["psa.report.print"]
            .with_user(self.user_billing)
            .create(
                {
                    "report": "profitability",
                    "date_from": self.invoice_date - timedelta(days=1),
                    "date_to": fields.Date.today(),
                }
            )
        )
        [line] = [
            line for line in wizard._collections() if line["partner"] == self.customer
        ]
        return (
            line["invoiced"],
            line["collected"],
            line["outstanding"],
            line["days_to_pay"],
        )

    def test_collected_in_proportion_then_the_days_to_pay(self):
        untaxed = self.invoice.amount_untaxed
        self.assertEqual(untaxed, 500.0)
        self.assertEqual(self._pivot(), (untaxed, 0.0, untaxed, None))
        # 40 % of the invoice paid: 40 % of its amount collected, no days yet.
        self._pay(
            self.invoice.amount_total * 0.4, self.invoice_date + timedelta(days=5)
        )
        invoiced, collected, outstanding, days = self._pivot()
        self.assertAlmostEqual(collected, untaxed * 0.4, places=2)
        self.assertAlmostEqual(outstanding, untaxed * 0.6, places=2)
        self.assertIsNone(days)
        # Paid in full ten days after the invoice: its last payment's day.
        self._pay(self.invoice.amount_residual, self.invoice_date + timedelta(days=10))
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))
        invoiced, collected, outstanding, days = self._pivot()
        self.assertEqual((invoiced, collected, outstanding), (untaxed, untaxed, 0.0))
        self.assertEqual(days, 10.0)
        # The PDF prints the pivot's figures.
        self.assertEqual(self._pdf(), self._pivot())
