# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The work behind each invoice, in the customer portal: the customer's
contact (logged in, or through the access token of the invoice e-mail) sees
every entry the invoice bills under its line, downloads it as CSV and as a
PDF, and a receipt when the project shares receipts; a contact of another
customer gets none of it."""

import base64
import csv
import io
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import PsaHttpCommon
from .timesheet_common import DAY


class PortalInvoiceWorkCommon(PsaHttpCommon):
    """A posted invoice of the customer: 2.0 h ("Workshop") and 1.5 h (no
    note) at 100.00, and a re-billed train ticket of 80.00 with its receipt;
    ``user_customer``, a portal contact of the customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_outsiders()
        cls._bill_at_role(cls.user_employee.employee_id, "PSA Portal Consultant")
        lines = cls.env["account.analytic.line"]
        for index, (hours, note) in enumerate(((2.0, "Workshop"), (1.5, ""))):
            lines |= (
                cls.env["account.analytic.line"]
                .with_user(cls.user_employee)
                .create(
                    {
                        "project_id": cls.project_tm.id,
                        "name": note or "/",
                        "unit_amount": hours,
                        "date": DAY + timedelta(days=index),
                    }
                )
            )
        cls.lines = lines.with_env(cls.env)
        cls.lines.with_user(cls.user_employee).action_psa_submit()
        cls.lines.with_user(cls.user_approver).action_psa_approve()
        cls.expense = cls._create_expense(
            "Train to the customer", amount=80.0, project=cls.project_tm, date=DAY
        )
        cls.env["ir.attachment"].create(
            {
                "name": "ticket.pdf",
                "res_model": "hr.expense",
                "res_id": cls.expense.id,
                "datas": base64.b64encode(b"%PDF-1.4 the ticket"),
            }
        )
        sheet = cls._create_expense_sheet(cls.expense, "PSA Portal Expenses")
        sheet.action_submit_sheet()
        sheet.with_user(cls.user_admin).action_approve_expense_sheets()
        result = (
            cls.env["psa.invoicing.engine"]
            .with_user(cls.user_billing)
            ._invoice_projects(cls.project_tm, date_to=fields.Date.today())
        )
        cls.invoice = result["moves"].with_env(cls.env)
        cls.invoice.invoice_date = fields.Date.today()
        cls.invoice.with_user(cls.user_billing).action_post()
        cls.user_customer = cls._portal_contact(cls.customer, "psa_portal_customer")
        cls.page = f"/my/invoices/{cls.invoice.id}"

    def _get(self, path, login=None, token=None):
        # A session of ``login``, or a visitor's (the e-mail's link).
        self.authenticate(login, login)
        if token:
            path += f"?access_token={token}"
        return self.url_open(path, allow_redirects=False)

    def _tour(self):
        self.start_tour(
            self.page, "psa_portal_invoice_work_tour", login="psa_portal_customer"
        )


@tagged("post_install", "-at_install")
class TestPortalInvoiceWork(PortalInvoiceWorkCommon):
    def test_the_work_adds_up_to_the_invoice(self):
        work = self.invoice._psa_portal_work()
        rows = [row for section in work["sections"] for row in section["rows"]]
        self.assertEqual(
            sorted((row["kind"], row["amount"]) for row in rows),
            [("expense", 80.0), ("time", 150.0), ("time", 200.0)],
        )
        self.assertEqual(work["total"], self.invoice.amount_untaxed)
        for section in work["sections"]:
            self.assertEqual(section["total"], section["subtotal"])
        [time] = [row for row in rows if row["hours"] == 2.0]
        self.assertEqual(
            (time["consultant"], time["description"], time["rate"]),
            (self.user_employee.employee_id.name, "Workshop", 100.0),
        )
        # An entry without a note is named by its task, else its project.
        [unnamed] = [row for row in rows if row["hours"] == 1.5]
        self.assertNotEqual(unnamed["description"], "/")
        self.assertTrue(unnamed["description"])

    def test_the_customer_sees_each_entry_under_its_line(self):
        response = self._get(self.page, login="psa_portal_customer")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("The work behind this invoice", html)
        self.assertEqual(html.count("psa_work_row "), 3)
        self.assertIn("Workshop", html)
        self.assertIn("Train to the customer", html)
        self.assertIn("430.00", html)  # the work's total, as the invoice's
        # Costs and internal figures never reach the customer.
        cost = f"{self.user_employee.employee_id.hourly_cost:.2f}"
        self.assertNotIn(f">{cost}<", html)
        self.assertNotIn("Margin", html)
        self.assertNotIn("Receipt</a>", html)  # the project does not share them
        self.assertIn(f"/my/invoices/{self.invoice.id}/work.csv", html)

    def test_another_customer_gets_nothing(self):
        for path in (
            self.page,
            f"{self.page}/work.csv",
            f"{self.page}/work.pdf",
            f"{self.page}/receipt/{self.expense.id}",
        ):
            with self.subTest(path=path):
                response = self._get(path, login="psa_portal_other")
                self.assertEqual(response.status_code, 303)
                self.assertTrue(response.headers["Location"].endswith("/my"))
        # Nor through its models.
        answer = self._execute_kw(
            "psa_portal_other", "psa.invoice.link", "search_read", [[]], {}
        )
        self.assertIn("error", answer)

    def test_the_link_of_the_invoice_email_opens_the_work(self):
        token = self.invoice._portal_ensure_token()
        response = self._get(self.page, token=token)
        self.assertEqual(response.status_code, 200)
        self.assertIn("The work behind this invoice", response.text)
        self.assertIn(f"work.csv?access_token={token}", response.text)
        for wrong in ("nope", None):
            with self.subTest(token=wrong):
                response = self._get(f"{self.page}/work.csv", token=wrong)
                self.assertEqual(response.status_code, 303)

    def test_the_work_as_csv(self):
        token = self.invoice._portal_ensure_token()
        response = self._get(f"{self.page}/work.csv", token=token)
        self.assertEqual(response.status_code, 200)
        self.assertIn("text/csv", response.headers["Content-Type"])
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 3)
        self.assertEqual(sum(float(row["Amount"]) for row in rows), 430.0)
        self.assertEqual(
            sorted(row["Hours"] for row in rows if row["Kind"] == "Time"),
            ["1.50", "2.00"],
        )
        self.assertEqual({row["Currency"] for row in rows}, {"USD"})

    def test_a_note_is_never_a_formula_in_the_csv(self):
        self.lines[0].sudo().name = '=HYPERLINK("http://evil.example","x")'
        rows = list(csv.DictReader(io.StringIO(self.invoice._psa_portal_csv())))
        [note] = [
            row["Description"] for row in rows if "HYPERLINK" in row["Description"]
        ]
        self.assertTrue(note.startswith("'="))

    def test_the_work_as_pdf(self):
        token = self.invoice._portal_ensure_token()
        response = self._get(f"{self.page}/work.pdf", token=token)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        # Tests render reports as HTML (Odoo's test mode): the annex's rows.
        self.assertIn(b"Work billed by", response.content)
        self.assertIn(b"Workshop", response.content)
        self.assertIn(b"430.00", response.content)

    def test_receipts_only_where_the_project_shares_them(self):
        token = self.invoice._portal_ensure_token()
        receipt = f"{self.page}/receipt/{self.expense.id}"
        self.assertEqual(self._get(receipt, token=token).status_code, 404)
        self.project_tm.psa_portal_receipts = True
        page = self._get(self.page, token=token).text
        self.assertIn("Receipt</a>", page)
        response = self._get(receipt, token=token)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"%PDF-1.4 the ticket")
        # Only the receipts of the entries this invoice bills.
        other = self._create_expense("Not billed", amount=5.0, project=self.project_tm)
        response = self._get(f"{self.page}/receipt/{other.id}", token=token)
        self.assertEqual(response.status_code, 404)

    def test_credited_entries_say_so_and_drafts_show_nothing(self):
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.user_billing)
            .with_context(active_model="account.move", active_ids=self.invoice.ids)
            .create(
                {"journal_id": self.invoice.journal_id.id, "date": fields.Date.today()}
            )
        )
        credit = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        credit.with_user(self.user_billing).action_post()
        work = self.invoice._psa_portal_work()
        rows = [row for section in work["sections"] for row in section["rows"]]
        self.assertEqual({row["credited"] for row in rows}, {credit.name})
        self.assertEqual(work["total"], self.invoice.amount_untaxed)
        self.assertEqual(credit._psa_portal_work()["sections"], [])

    def test_tour_the_customer_reads_the_work(self):
        self._tour()


@tagged("post_install", "-at_install")
class TestPortalInvoicePayment(PortalInvoiceWorkCommon):
    """Odoo's online payment on a psa_workflow invoice, from its portal page,
    with Odoo's demo provider (payment_demo, installed with the tests)."""

    def test_the_customer_pays_the_invoice_online(self):
        provider = self.env.ref("payment.payment_provider_demo")
        self.assertEqual(provider.state, "test")
        method = self.env.ref("payment_demo.payment_method_demo")
        token = self.invoice._portal_ensure_token()
        self.authenticate(None, None)  # the e-mail's link, not logged in
        page = self.url_open(f"{self.page}?access_token={token}")
        self.assertIn("The work behind this invoice", page.text)
        self.assertIn("Pay Now", page.text)
        processing = self.make_jsonrpc_request(
            f"/invoice/transaction/{self.invoice.id}",
            params={
                "access_token": token,
                "amount": self.invoice.amount_residual,
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "token_id": None,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": self.invoice.access_url,
            },
        )
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            params={
                "reference": processing["reference"],
                "payment_details": "4242",
                "simulated_state": "done",
            },
        )
        transaction = self.env["payment.transaction"].search(
            [("reference", "=", processing["reference"])]
        )
        self.assertEqual(transaction.state, "done")
        transaction._post_process()
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(transaction.payment_id.amount, self.invoice.amount_total)
        # Client Profitability's collections: paid on the payment's day (the
        # invoice's, or the next around midnight: the two follow different
        # clocks).
        total = self.invoice.amount_untaxed
        days = (transaction.payment_id.date - self.invoice.invoice_date).days
        self.assertIn(days, (0, 1))
        self.assertEqual(self._collections(), (total, total, 0.0, float(days)))

    def _collections(self):
        today = fields.Date.today()
        wizard = (
            self.env["psa.report.print"]
            .with_user(self.user_billing)
            .create(
                {
                    "report": "profitability",
                    "date_from": today - timedelta(days=30),
                    "date_to": today,
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

    def test_collections_before_payment(self):
        total = self.invoice.amount_untaxed
        self.assertEqual(self._collections(), (total, 0.0, total, None))


@tagged("post_install", "-at_install")
class TestPortalInvoiceWorkPhone(PortalInvoiceWorkCommon):
    """The same page on a phone."""

    browser_size = "390x844"
    touch_enabled = True

    def test_tour_the_customer_reads_the_work_on_a_phone(self):
        self._tour()
