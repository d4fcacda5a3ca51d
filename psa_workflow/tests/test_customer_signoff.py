# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer's approval before invoicing (issue #24, item 3): approved
time is sent to the customer's approver once per sending, approved or
disputed entry by entry; disputes go back to the approvers, who correct,
send again or write off; only customer-approved time is invoiced; reminders
and automatic approval by the scheduled job; every answer logged."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .invoicing_common import PsaInvoicingCommon


class SignoffCommon:
    @classmethod
    def _setup_signoff(cls):
        cls.user_contact = cls._portal_contact(cls.customer, "psa_signoff_customer")
        cls.contact = cls.user_contact.partner_id
        cls.contact.email = "grace@customer.example.com"
        cls.project_tm.write(
            {
                "psa_customer_signoff": True,
                "psa_signoff_partner_id": cls.contact.id,
            }
        )
        cls.Approval = cls.env["psa.customer.approval"]


@tagged("post_install", "-at_install")
class TestCustomerSignoff(SignoffCommon, PsaInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_signoff()

    def _sent(self, *hours):
        lines = self._approved(*hours)
        self.assertEqual(set(lines.mapped("psa_customer_state")), {"to_send"})
        request = self.Approval._psa_send(self.project_tm)
        self.assertEqual(len(request), 1)
        return lines, request

    def _invoiced_entries(self):
        moves, _skipped = self._invoice()
        return moves.psa_link_ids.timesheet_id

    def test_approved_time_is_invoiced_once_the_customer_approves_it(self):
        lines = self._approved(2.0, 3.0)
        self.assertFalse(self._invoiced_entries())  # not sent yet
        request = self.Approval._psa_send(self.project_tm)
        # One request for the project's time, e-mailed to its approver with
        # the portal link.
        self.assertEqual(request.line_ids, lines)
        self.assertEqual(set(lines.mapped("psa_customer_state")), {"waiting"})
        self.assertEqual(
            (request.partner_id, request.customer_id), (self.contact, self.customer)
        )
        self.assertEqual(
            (request.date_from, request.date_to),
            (min(lines.mapped("date")), max(lines.mapped("date"))),
        )
        mail = request.message_ids.filtered(lambda m: self.contact in m.partner_ids)
        self.assertEqual(len(mail), 1)
        self.assertIn(
            f"/my/approvals/{request.id}?access_token={request.access_token}", mail.body
        )
        self.assertFalse(self.Approval._psa_send(self.project_tm))  # nothing new
        self.assertFalse(self._invoiced_entries())  # waiting
        approved = request.psa_customer_approve(self.contact)
        self.assertEqual(approved, lines)
        self.assertEqual(set(lines.mapped("psa_customer_state")), {"approved"})
        self.assertEqual(request.state, "done")
        self.assertEqual(
            sorted(
                request.log_ids.mapped(
                    lambda log: (log.line_id.id, log.action, log.partner_id.id)
                )
            ),
            sorted((line.id, "approved", self.contact.id) for line in lines),
        )
        self.assertEqual(self._invoiced_entries(), lines)

    def test_a_disputed_entry_is_corrected_and_approved_again(self):
        (kept, wrong), request = self._sent(2.0, 3.0)
        request.psa_customer_dispute(
            wrong.id, "  We agreed on 2 hours.  ", self.contact
        )
        self.assertEqual(
            (wrong.psa_customer_state, wrong.psa_customer_comment),
            ("disputed", "We agreed on 2 hours."),
        )
        # Back to the project's approvers: an activity, the comment on the project.
        activity = self.project_tm.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("psa_workflow.mail_activity_type_customer_dispute")
            )
        )
        self.assertEqual(activity.user_id, self.user_approver)
        self.assertIn("We agreed on 2 hours.", str(activity.note))
        self.assertIn("We agreed on 2 hours.", self.project_tm.message_ids[0].body)
        self.assertEqual(request.state, "waiting")  # the other entry still waits
        request.psa_customer_approve(self.contact)
        self.assertEqual(request.state, "done")
        self.assertEqual(self._invoiced_entries(), kept)
        # The approver sends it back to its employee, who corrects it.
        wrong.with_user(self.user_approver).action_psa_reject(
            "The customer agreed on 2 hours."
        )
        self.assertFalse(wrong.psa_customer_state)
        self.assertFalse(
            self.project_tm.activity_ids.filtered(
                lambda a: a.activity_type_id.name == "Time Disputed by the Customer"
            )
        )
        wrong.with_user(self.user_employee).unit_amount = 2.0
        wrong.with_user(self.user_employee).action_psa_submit()
        wrong.with_user(self.user_approver).action_psa_approve()
        self.assertEqual(wrong.psa_customer_state, "to_send")
        second = self.Approval._psa_send(self.project_tm)
        self.assertEqual(second.line_ids, wrong)
        second.psa_customer_approve(self.contact)
        self.assertEqual(self._invoiced_entries(), wrong)
        self.assertEqual(wrong.psa_invoice_id.invoice_line_ids.quantity, 2.0)
        # The trail: who disputed what, why, and who approved it since.
        self.assertEqual(
            (request.log_ids | second.log_ids)
            .filtered(lambda entry: entry.line_id == wrong)
            .sorted("id")
            .mapped("action"),
            ["disputed", "approved"],
        )

    def test_send_again_as_it_is_or_write_off(self):
        (again, off), request = self._sent(2.0, 3.0)
        request.psa_customer_dispute(again.id, "Which meeting?", self.contact)
        request.psa_customer_dispute(off.id, "Not ours.", self.contact)
        self.assertEqual(request.state, "done")
        with self.assertRaises(UserError):  # not their project
            again.with_user(self.user_employee).action_psa_signoff_send_again()
        with self.assertRaises(UserError):  # not disputed
            self._approved(1.0).with_user(
                self.user_approver
            ).action_psa_signoff_write_off()
        again.with_user(self.user_approver).action_psa_signoff_send_again()
        self.assertEqual(again.psa_customer_state, "waiting")
        self.assertNotEqual(again.psa_signoff_id, request)
        off.with_user(self.user_approver).action_psa_signoff_write_off()
        self.assertEqual(off.psa_cap_decision, "write_off")
        self.assertFalse(self.project_tm.activity_ids)  # nothing disputed left
        again.psa_signoff_id.psa_customer_approve(self.contact)
        self.assertEqual(self._invoiced_entries(), again)

    def test_bad_answers_are_refused_and_change_nothing(self):
        (first, second), request = self._sent(2.0, 3.0)
        for comment in ("", "   ", None, 42):
            with self.assertRaises(ValidationError):
                request.psa_customer_dispute(first.id, comment, self.contact)
        with self.assertRaises(ValidationError):
            request.psa_customer_dispute(first.id, "x" * 2001, self.contact)
        other = self._approved(1.0)
        with self.assertRaises(UserError):  # not an entry of this request
            request.psa_customer_dispute(other.id, "Not ours.", self.contact)
        self.assertEqual(
            set((first | second).mapped("psa_customer_state")), {"waiting"}
        )
        self.assertFalse(request.log_ids)
        request.psa_customer_approve(self.contact)
        with self.assertRaises(UserError):  # the same request twice
            request.psa_customer_approve(self.contact)
        with self.assertRaises(UserError):
            request.psa_customer_dispute(first.id, "Too late?", self.contact)
        self._invoiced_entries()
        self.assertEqual(first.psa_state, "invoiced")
        self.assertEqual(len(request.log_ids), 2)

    def test_reminder_then_automatic_approval_by_the_scheduled_job(self):
        self.project_tm.write(
            {"psa_signoff_reminder_days": 2, "psa_signoff_auto_days": 5}
        )
        lines = self._approved(2.0, 3.0)
        sent = datetime(2026, 3, 2, 8, 0)
        with freeze_time(sent):
            self.Approval._cron_psa_customer_approval()
        request = lines.psa_signoff_id
        self.assertEqual(len(request), 1)
        with freeze_time(sent + timedelta(days=1)):
            self.Approval._cron_psa_customer_approval()
        self.assertFalse(request.reminder_date)
        with freeze_time(sent + timedelta(days=2, hours=1)):
            self.Approval._cron_psa_customer_approval()
            self.Approval._cron_psa_customer_approval()  # once
        self.assertTrue(request.reminder_date)
        reminders = request.message_ids.filtered(
            lambda m: m.subject and m.subject.startswith("Reminder")
        )
        self.assertEqual(len(reminders), 1)
        self.assertIn(self.contact, reminders.partner_ids)
        self.assertEqual(set(lines.mapped("psa_customer_state")), {"waiting"})
        with freeze_time(sent + timedelta(days=5, hours=1)):
            self.Approval._cron_psa_customer_approval()
        self.assertEqual(set(lines.mapped("psa_customer_state")), {"approved"})
        self.assertEqual(set(request.log_ids.mapped("action")), {"auto"})
        self.assertEqual(request.state, "done")
        self.assertEqual(self._invoiced_entries(), lines)

    def test_work_in_progress_shows_the_time_awaiting_the_customer(self):
        _sent, request = self._sent(2.0, 3.0)
        self._approved(1.0)  # to send
        Wip = self.env["psa.wip.report"].with_user(self.user_billing)
        rows = Wip.search([("project_id", "=", self.project_tm.id)])
        self.assertEqual(rows.mapped("source"), ["time_customer"])
        self.assertEqual(rows.hours, 6.0)
        entries = self.env["account.analytic.line"].search(
            rows._psa_wip_entries()["time_customer"][1]
        )
        self.assertEqual(len(entries), 3)
        request.psa_customer_approve(self.contact)
        self.env.invalidate_all()  # the report is a view: read it again
        rows = Wip.search([("project_id", "=", self.project_tm.id)])
        self.assertEqual(
            sorted((row.source, row.hours) for row in rows),
            [("time", 5.0), ("time_customer", 1.0)],
        )

    def test_a_project_no_longer_asking_releases_its_time(self):
        lines, request = self._sent(2.0, 3.0)
        self.project_tm.psa_customer_signoff = False
        self.assertEqual(request.state, "cancel")
        self.assertEqual(set(lines.mapped("psa_customer_state")), {False})
        self.assertEqual(self._invoiced_entries(), lines)
        # Invoiced since: the withdrawn request takes no answer.
        for answer in (
            lambda: request.psa_customer_approve(self.contact),
            lambda: request.psa_customer_dispute(lines[0].id, "Late.", self.contact),
        ):
            with self.assertRaises(UserError):
                answer()
        self.assertFalse(request.log_ids)

    def test_time_approved_before_the_project_asked_waits_too(self):
        self.project_tm.psa_customer_signoff = False
        lines = self._approved(2.0)
        self.assertFalse(lines.psa_customer_state)
        self.project_tm.psa_customer_signoff = True
        self.assertEqual(lines.psa_customer_state, "to_send")
        self.assertFalse(self._invoiced_entries())

    def test_no_client_writes_the_customers_answer(self):
        lines, request = self._sent(2.0)
        for user in (self.user_approver, self.user_billing, self.user_admin):
            with self.assertRaises(AccessError):
                lines.with_user(user).write({"psa_customer_state": "approved"})
        with self.assertRaises(AccessError):
            self.Approval.with_user(self.user_contact).search([])
        with self.assertRaises(AccessError):
            self.Approval.with_user(self.user_employee).search([])
        # Approvers read the requests of the projects they approve; billing all.
        mine = [("project_id", "in", (self.project_tm | self.project_fixed).ids)]
        Approval = self.Approval.with_user(self.user_approver)
        self.assertEqual(Approval.search(mine), request)
        self.project_tm.user_id = self.user_admin
        self.assertNotIn(self.user_approver, self.project_tm.psa_approver_ids)
        self.env.flush_all()
        self.assertFalse(Approval.search(mine))
        self.assertIn(request, self.Approval.with_user(self.user_billing).search([]))

    def test_the_approver_is_a_contact_of_the_customer_with_an_e_mail(self):
        stranger = self.env["res.partner"].create(
            {"name": "Stranger", "email": "s@example.com"}
        )
        with self.assertRaises(ValidationError):
            self.project_tm.psa_signoff_partner_id = stranger
        self.contact.email = False
        with self.assertRaises(ValidationError):
            self.project_tm.psa_signoff_partner_id = self.contact
        with self.assertRaises(ValidationError):
            self.project_tm.psa_signoff_auto_days = -1
