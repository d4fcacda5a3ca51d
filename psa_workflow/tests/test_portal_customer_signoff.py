# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer's approval of time in the portal (issue #24, item 3), over
HTTP as the contacts of two customers, a visitor with the e-mail's link and
an internal user; and the tour on a desktop and a phone."""

import re
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import PsaHttpCommon
from .test_customer_signoff import SignoffCommon
from .timesheet_common import DAY


def csrf_token(case, path):
    """The CSRF token of ``case``'s session, as the page at ``path`` carries
    it (in its forms, or in the page's script)."""
    html = case.url_open(path).text
    return re.search(r'csrf_token(?:" value=|: )"([^"]+)"', html).group(1)


class PortalSignoffCommon(SignoffCommon, PsaHttpCommon):
    """Two entries of the T&M project sent to the customer's approver
    (``user_contact``); ``user_portal`` is a contact of another customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_outsiders()
        cls._setup_signoff()
        cls._bill_at_role(cls.user_employee.employee_id, "PSA Signoff Consultant")
        Line = cls.env["account.analytic.line"].with_user(cls.user_employee)
        cls.lines = Line.create(
            [
                {
                    "project_id": cls.project_tm.id,
                    "task_id": cls.project_tm.task_ids[:1].id,
                    "name": note,
                    "unit_amount": hours,
                    "date": DAY,
                }
                for note, hours in (("Workshop", 2.0), ("Design review", 3.0))
            ]
        ).with_env(cls.env)
        cls.lines.with_user(cls.user_employee).action_psa_submit()
        cls.lines.with_user(cls.user_approver).action_psa_approve()
        cls.request = cls.Approval._psa_send(cls.project_tm)
        cls.page = f"/my/approvals/{cls.request.id}"


@tagged("post_install", "-at_install")
class TestPortalCustomerSignoff(PortalSignoffCommon):
    def _get(self, path, login=None):
        self.authenticate(login, login)
        return self.url_open(path, allow_redirects=False)

    def _csrf(self, path="/my"):
        return csrf_token(self, path)

    def test_the_contact_reads_the_entries_and_nothing_else(self):
        page = self._get(self.page, "psa_signoff_customer")
        self.assertEqual(page.status_code, 200)
        for text in (
            "Workshop",
            "Design review",
            "2.00",
            "3.00",
            "500.00",
            "Approve 2 Entries",
        ):
            self.assertIn(text, page.text)
        for secret in ("cost", "Cost", "margin"):
            self.assertNotIn(secret, page.text)
        listing = self._get("/my/approvals", "psa_signoff_customer")
        self.assertIn(f'href="/my/approvals/{self.request.id}"', listing.text)

    def test_nobody_else_reads_or_answers_it(self):
        for login in ("psa_portal_other", None, "psa_approver"):
            page = self._get(self.page, login)
            self.assertEqual(page.status_code, 303, login)
            self.assertTrue(page.headers["Location"].endswith("/my"), login)
        self.assertNotIn(
            f'href="/my/approvals/{self.request.id}"',
            self._get("/my/approvals", "psa_portal_other").text,
        )
        self.assertEqual(self._get(f"{self.page}?access_token=wrong").status_code, 303)
        # Answers of the other customer's contact: refused, nothing written.
        self.authenticate("psa_portal_other", "psa_portal_other")
        for path, data in (
            (f"{self.page}/approve", {}),
            (f"{self.page}/dispute", {"line_id": self.lines[0].id, "comment": "No"}),
        ):
            answer = self.url_open(
                path, data={"csrf_token": self._csrf(), **data}, allow_redirects=False
            )
            self.assertEqual(answer.status_code, 303)
        self.assertEqual(set(self.lines.mapped("psa_customer_state")), {"waiting"})
        self.assertFalse(self.request.log_ids)
        # Nor through the models, whatever the API.
        for login in ("psa_signoff_customer", "psa_portal_other"):
            answer = self._execute_kw(
                login,
                "psa.customer.approval",
                "search_read",
                [[]],
                {"fields": ["name"]},
            )
            self.assertIn("error", answer)
            answer = self._execute_kw(
                login,
                "psa.customer.approval",
                "psa_customer_approve",
                [self.request.ids, self.contact.id],
            )
            self.assertIn("error", answer)
        self.assertFalse(self.request.log_ids)

    def test_the_e_mails_link_opens_and_answers_it(self):
        token = self.request.access_token
        self.authenticate(None, None)
        page = self.url_open(f"{self.page}?access_token={token}")
        self.assertIn("Design review", page.text)
        csrf = self._csrf(f"{self.page}?access_token={token}")
        answer = self.url_open(
            f"{self.page}/dispute",
            data={
                "csrf_token": csrf,
                "access_token": token,
                "line_id": self.lines[1].id,
                "comment": "It was one hour.",
            },
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 303)
        self.assertEqual(self.lines[1].psa_customer_state, "disputed")
        self.assertEqual(self.request.log_ids.partner_id, self.contact)  # the addressee
        answer = self.url_open(
            f"{self.page}/approve",
            data={"csrf_token": csrf, "access_token": token},
            allow_redirects=False,
        )
        self.assertEqual(
            self.lines.mapped("psa_customer_state"), ["approved", "disputed"]
        )
        self.assertEqual(self.request.state, "done")

    def test_bad_answers_show_why_and_change_nothing(self):
        self.authenticate("psa_signoff_customer", "psa_signoff_customer")
        csrf = self._csrf(self.page)
        for data in (
            {"line_id": self.lines[0].id, "comment": "   "},
            {"line_id": "not a number", "comment": "Why?"},
            {"line_id": 999999, "comment": "Why?"},
        ):
            page = self.url_open(
                f"{self.page}/dispute", data={"csrf_token": csrf, **data}
            )
            self.assertIn("psa_signoff_error", page.text, data)
        self.assertEqual(set(self.lines.mapped("psa_customer_state")), {"waiting"})
        self.url_open(f"{self.page}/approve", data={"csrf_token": csrf})
        self.assertEqual(set(self.lines.mapped("psa_customer_state")), {"approved"})
        # The same request twice: refused, said on the page.
        page = self.url_open(f"{self.page}/approve", data={"csrf_token": csrf})
        self.assertIn("already answered", page.text)
        self.assertEqual(len(self.request.log_ids), 2)


@tagged("post_install", "-at_install")
class TestPortalCustomerSignoffTour(PortalSignoffCommon):
    def test_tour_the_customer_disputes_one_entry_and_approves_the_other(self):
        self.start_tour(
            "/my/home", "psa_portal_signoff_tour", login="psa_signoff_customer"
        )
        self.assertEqual(
            self.lines.mapped("psa_customer_state"), ["disputed", "approved"]
        )
        self.assertEqual(self.lines[0].psa_customer_comment, "We agreed on one hour.")


@tagged("post_install", "-at_install")
class TestPortalCustomerSignoffPhone(PortalSignoffCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_tour_the_customer_answers_on_a_phone(self):
        self.start_tour(
            "/my/home", "psa_portal_signoff_tour", login="psa_signoff_customer"
        )
        self.assertEqual(
            self.lines.mapped("psa_customer_state"), ["disputed", "approved"]
        )


@tagged("post_install", "-at_install")
class TestCustomerSignoffEndToEnd(SignoffCommon, PsaHttpCommon):
    """Issue #24's "Done when", in one go: logged and submitted, approved,
    signed off and disputed in the portal, corrected, approved by the
    customer, invoiced by the scheduled run (only what the customer approved),
    sent with its annex, opened from the e-mail's link, paid online with
    Odoo's demo provider, and collected in Client Profitability."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_signoff()
        cls._bill_at_role(cls.user_employee.employee_id, "PSA E2E Consultant")
        cls.customer.email = "ap@psa-test-customer.example.com"
        cls.project_tm.write(
            {"psa_invoice_frequency": "monthly", "psa_invoice_auto_send": True}
        )

    def _log(self, note, hours, days=0):
        return (
            self.env["account.analytic.line"]
            .with_user(self.user_employee)
            .create(
                {
                    "project_id": self.project_tm.id,
                    "name": note,
                    "unit_amount": hours,
                    "date": DAY + timedelta(days=days),
                }
            )
            .with_env(self.env)
        )

    def _answer(self, approval, action, access_token=None, **data):
        page = f"/my/approvals/{approval.id}"
        query = f"?access_token={access_token}" if access_token else ""
        csrf = csrf_token(self, page + query)
        payload = {"csrf_token": csrf, **data}
        if access_token:
            payload["access_token"] = access_token
        answer = self.url_open(f"{page}/{action}", data=payload, allow_redirects=False)
        self.assertEqual(answer.status_code, 303, answer.text[:500])

    def _pay_online(self, invoice, token):
        """Pay from the invoice's page as its link's visitor: Odoo's payment
        flow with the demo provider, its transaction confirmed."""
        provider = self.env.ref("payment.payment_provider_demo")
        processing = self.make_jsonrpc_request(
            f"/invoice/transaction/{invoice.id}",
            params={
                "access_token": token,
                "amount": invoice.amount_residual,
                "provider_id": provider.id,
                "payment_method_id": self.env.ref(
                    "payment_demo.payment_method_demo"
                ).id,
                "token_id": None,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": invoice.access_url,
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
        self.env["payment.transaction"].search(
            [("reference", "=", processing["reference"])]
        )._post_process()

    def _collections(self, today):
        """The customer's invoiced, collected and outstanding amounts of the
        last 30 days in Client Profitability's collections."""
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
        return (line["invoiced"], line["collected"], line["outstanding"])

    def test_from_the_consultants_week_to_the_customers_payment(self):
        # The consultant logs and submits; the approver approves.
        kept = self._log("Workshop", 2.0)
        wrong = self._log("Design review", 3.0, days=1)
        (kept | wrong).with_user(self.user_employee).action_psa_submit()
        (kept | wrong).with_user(self.user_approver).action_psa_approve()
        # The scheduled job sends them to the customer's approver.
        self.Approval._cron_psa_customer_approval()
        first = kept.psa_signoff_id
        self.assertEqual(first.line_ids, kept | wrong)
        # In the portal the contact disputes one entry and approves the other.
        self.authenticate("psa_signoff_customer", "psa_signoff_customer")
        self._answer(first, "dispute", line_id=wrong.id, comment="It was 2 hours.")
        self._answer(first, "approve")
        self.assertEqual(
            (kept.psa_customer_state, wrong.psa_customer_state),
            ("approved", "disputed"),
        )
        # The approver corrects the disputed entry (back to its employee, who
        # fixes the hours), approves it again; it goes to the customer again.
        wrong.with_user(self.user_approver).action_psa_reject(
            wrong.psa_customer_comment
        )
        wrong.with_user(self.user_employee).unit_amount = 2.0
        wrong.with_user(self.user_employee).action_psa_submit()
        wrong.with_user(self.user_approver).action_psa_approve()
        self.Approval._cron_psa_customer_approval()
        second = wrong.psa_signoff_id
        self.assertNotEqual(second, first)
        # The customer approves it from the e-mail's link.
        self.authenticate(None, None)
        self._answer(second, "approve", access_token=second.access_token)
        self.assertEqual(wrong.psa_customer_state, "approved")
        # Time not approved by the customer: submitted, and approved inside
        # the firm but not sent yet.
        submitted = self._log("Not approved yet", 1.0, days=2)
        submitted.with_user(self.user_employee).action_psa_submit()
        unsent = self._log("Not sent yet", 1.5, days=3)
        unsent.with_user(self.user_employee).action_psa_submit()
        unsent.with_user(self.user_approver).action_psa_approve()
        # The scheduled run invoices only what the customer approved.
        Project = self.env["project.project"]
        today = fields.Date.today()
        period_end = Project._psa_due_periods(today)["monthly"]
        moves, busy = self.project_tm._psa_invoice_scheduled_safely(period_end, today)
        self.assertFalse(busy)
        self.assertEqual(len(moves), 1)
        invoice = moves
        self.assertEqual(invoice.psa_link_ids.timesheet_id, kept | wrong)
        self.assertEqual(invoice.amount_untaxed, 400.0)  # 4 h at 100.00
        # Posted by the accountant, it is sent with its annex.
        invoice.invoice_date = today
        invoice.with_user(self.user_billing).action_post()
        self.env["account.move"]._cron_account_move_send()
        self.assertTrue(invoice.is_move_sent)
        sent = invoice.message_ids.filtered(lambda m: m.attachment_ids)[:1]
        self.assertIn(
            f"{invoice.name.replace('/', '_')}_work.pdf",
            sent.attachment_ids.mapped("name"),
        )
        # The contact opens it from the e-mail's link: every entry is there.
        token = invoice._portal_ensure_token()
        page = self.url_open(f"/my/invoices/{invoice.id}?access_token={token}")
        for text in ("Workshop", "Design review", "Pay Now"):
            self.assertIn(text, page.text)
        for text in ("Not approved yet", "Not sent yet"):
            self.assertNotIn(text, page.text)
        # ... and pays it with Odoo's demo provider.
        self._pay_online(invoice, token)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        # Client Profitability shows it collected.
        self.assertEqual(
            self._collections(today),
            (invoice.amount_untaxed, invoice.amount_untaxed, 0.0),
        )
        # The trail of the customer's answers.
        self.assertEqual(
            (first.log_ids | second.log_ids)
            .sorted("id")
            .mapped(lambda log: (log.line_id, log.action)),
            [(wrong, "disputed"), (kept, "approved"), (wrong, "approved")],
        )
