# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Time that has not happened yet (issue #25, item 1): an entry dated after
today may be drafted (unless the company forbids it), but is not submitted,
approved, invoiced or counted in utilization until its day."""

from contextlib import contextmanager
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .invoicing_common import PsaInvoicingCommon


@tagged("post_install", "-at_install")
class TestFutureTime(PsaInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The entries' today: their employee's, whoever writes them.
        cls.today = cls.user_employee.employee_id._psa_today()

    @contextmanager
    def _refused(self, exception, text):
        """Refused with ``text`` in the message, and rolled back (Odoo's
        ``assertRaises`` wraps a savepoint, ``assertRaisesRegex`` does not)."""
        with self.assertRaises(exception) as refused:
            yield refused
        self.assertIn(text, str(refused.exception))

    def _monday(self, day):
        return day - timedelta(days=day.weekday())

    def _legacy(self, line, state, day):
        """An entry taken further, then dated after today, as a database from
        before the rule may hold (the ORM refuses both now)."""
        self.env.cr.execute(
            "UPDATE account_analytic_line SET psa_state = %s, date = %s WHERE id = %s",
            (state, day, line.id),
        )
        line.invalidate_recordset(["psa_state", "date"])

    def test_a_draft_after_today_is_not_submitted_before_its_day(self):
        tomorrow = self._log(3.0, day=self.today + timedelta(days=1))
        self.assertTrue(tomorrow.with_user(self.user_employee).psa_is_future)
        with self._refused(UserError, "Dated after today") as refused:
            tomorrow.with_user(self.user_employee).action_psa_submit()
        self.assertIn("Timesheet of", str(refused.exception))  # names it
        self.assertEqual(tomorrow.psa_state, "draft")
        # Whatever writes it (here the server itself): still refused.
        with self._refused(ValidationError, "Dated after today"):
            tomorrow.write({"psa_state": "submitted"})
        # Nor can a submitted entry be moved after today.
        today = self._log(2.0, day=self.today)
        today.with_user(self.user_employee).action_psa_submit()
        with self._refused(ValidationError, "Dated after today"):
            today.write({"date": self.today + timedelta(days=3)})

    def test_submitting_a_week_leaves_the_days_to_come_as_drafts(self):
        Week = self.env["psa.timesheet.week"].with_user(self.user_employee)
        today = self._log(2.0, day=self.today)
        later = self._log(1.5, day=self.today + timedelta(days=1))
        weeks = sorted({self._monday(line.date) for line in today | later})
        read = [Week.read_week(fields.Date.to_string(monday)) for monday in weeks]
        self.assertEqual(sum(week["future_count"] for week in read), 1)
        self.assertEqual(sum(week["can_submit_count"] for week in read), 1)
        future_days = [
            day["date"] for week in read for day in week["days"] if day["future"]
        ]
        self.assertIn(fields.Date.to_string(later.date), future_days)
        self.assertNotIn(fields.Date.to_string(today.date), future_days)
        results = [Week.submit_week(fields.Date.to_string(monday)) for monday in weeks]
        self.assertEqual(sum(result["submitted"] for result in results), 1)
        self.assertEqual(sum(result["waiting"] for result in results), 1)
        self.assertEqual((today.psa_state, later.psa_state), ("submitted", "draft"))
        # The timesheets' own "Submit Week" skips them too.
        Line = self.env["account.analytic.line"].with_user(self.user_employee)
        self.assertEqual(Line.psa_submit_week(fields.Date.to_string(later.date)), 0)
        self.assertEqual(later.psa_state, "draft")

    def test_an_entry_after_today_is_not_approved(self):
        line = self._log(2.0, day=self.today - timedelta(days=1))
        line.with_user(self.user_employee).action_psa_submit()
        self._legacy(line, "submitted", self.today + timedelta(days=2))
        with self._refused(UserError, "Dated after today") as refused:
            line.with_user(self.user_approver).action_psa_approve()
        self.assertIn("Timesheet of", str(refused.exception))
        self.assertEqual(line.psa_state, "submitted")

    def test_an_entry_after_today_is_not_invoiced(self):
        [past, future] = self._approved(2.0, 3.0)
        self._legacy(future, "approved", self.today + timedelta(days=2))
        move, _skipped = self._invoice(
            date_to=self.today + timedelta(days=30)  # a period's end ahead
        )
        self.assertEqual(move.psa_link_ids.timesheet_id, past)
        self.assertEqual((past.psa_state, future.psa_state), ("invoiced", "approved"))

    def test_a_company_can_forbid_time_after_today(self):
        self.company.psa_forbid_future_time = True
        with self._refused(ValidationError, "takes no time dated after today"):
            self._log(1.0, day=self.today + timedelta(days=1))
        line = self._log(1.0, day=self.today)
        with self._refused(ValidationError, "takes no time dated after today"):
            line.with_user(self.user_employee).date = self.today + timedelta(days=7)
        line.invalidate_recordset(["date"])
        self.assertEqual(line.date, self.today)

    def test_utilization_counts_time_from_its_day(self):
        # Yesterday and the day after tomorrow: on either side of today
        # whatever the user's time zone.
        yesterday = self.today - timedelta(days=1)
        self._log(2.0, day=yesterday)
        self._log(8.0, day=self.today + timedelta(days=2))
        Report = self.env["psa.utilization.report"].with_user(self.user_billing)
        domain = [
            ("employee_id", "=", self.emp.id),
            ("timesheet_id", "!=", False),
            ("date", ">=", yesterday),
        ]
        [[logged, billable]] = Report._read_group(
            domain, [], ["logged_hours:sum", "billable_hours:sum"]
        )
        self.assertEqual((logged, billable), (2.0, 2.0))

    def test_search_entries_after_today(self):
        later = self._log(1.0, day=self.today + timedelta(days=1))
        before = self._log(1.0, day=self.today)
        Line = self.env["account.analytic.line"].with_user(self.user_employee)
        mine = [("id", "in", (later | before).ids)]
        self.assertEqual(Line.search([*mine, ("psa_is_future", "=", True)]), later)
        self.assertEqual(Line.search([*mine, ("psa_is_future", "!=", True)]), before)

    def test_an_entrys_today_is_its_employees_whoever_writes_it(self):
        # 23:30 in London is already tomorrow in Brussels and still today in
        # New York: the entries follow their employee's clock (Brussels).
        self.user_employee.employee_id.tz = "Europe/Brussels"
        self.user_approver.tz = "America/New_York"
        with freeze_time("2026-03-10 23:30:00"):
            brussels_today = fields.Date.to_date("2026-03-11")
            self.assertEqual(
                self.user_employee.employee_id._psa_today(), brussels_today
            )
            today = self._log(2.0, day=brussels_today)
            later = self._log(1.0, day=brussels_today + timedelta(days=1))
            Line = self.env["account.analytic.line"].with_user(self.user_approver)
            mine = [("id", "in", (today | later).ids)]
            self.assertEqual(Line.search([*mine, ("psa_is_future", "=", True)]), later)
            self.assertEqual(Line.browse(today.ids).mapped("psa_is_future"), [False])
            today.with_user(self.user_employee).action_psa_submit()
            # Approved from New York, where it is still the 10th.
            today.with_user(self.user_approver).action_psa_approve()
            self.assertEqual(today.psa_state, "approved")
            # Written by the server (its own clock): still refused tomorrow's.
            with self._refused(ValidationError, "Dated after today (2026-03-11)"):
                later.with_user(self.user_approver).sudo().write(
                    {"psa_state": "submitted"}
                )
