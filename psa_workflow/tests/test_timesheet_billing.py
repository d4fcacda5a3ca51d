# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .timesheet_common import DAY, PsaTimesheetCommon


@tagged("post_install", "-at_install")
class TestTimesheetBilling(PsaTimesheetCommon):
    def test_billable_defaults_from_task_then_project(self):
        self.assertTrue(self._log().psa_billable)
        self.assertFalse(self._log(project=self.project_internal).psa_billable)
        self.task_tm.psa_billable = False
        self.assertFalse(self._log(task_id=self.task_tm.id).psa_billable)

    def test_never_billable_on_a_non_billable_project(self):
        count = self.env["account.analytic.line"].search_count([])
        with self.assertRaises(ValidationError) as caught:
            self._log(project=self.project_internal, psa_billable=True)
        self.assertIn(self.project_internal.name, str(caught.exception))
        self.assertEqual(self.env["account.analytic.line"].search_count([]), count)
        with self.assertRaises(ValidationError):
            self.env["project.task"].create(
                {
                    "name": "x",
                    "project_id": self.project_internal.id,
                    "psa_billable": True,
                }
            )

    def test_rate_chain_amount_and_cost_stays_odoos(self):
        line = self._log(hours=2.5)
        self.assertEqual(
            (line.psa_bill_rate, line.psa_rate_scope, line.psa_bill_amount),
            (100.0, "role_default", 250.0),
        )
        self.assertEqual(line.psa_currency_id, self.company.currency_id)
        self.assertAlmostEqual(line.amount, -2.5 * self.emp.hourly_cost)
        self.env["psa.rate"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.emp.id,
                "amount": 130.0,
            }
        )
        self.assertEqual((line.psa_bill_rate, line.psa_bill_amount), (130.0, 325.0))

    def test_customer_rate_card_prices_every_project_of_the_customer(self):
        Rate = self.env["psa.rate"]
        other = self.env["res.partner"].create({"name": "PSA Test Other Customer"})
        contact = self.env["res.partner"].create(
            {"name": "PSA Test Buyer", "parent_id": self.customer.id}
        )
        self.project_tm.partner_id = contact  # the rate card is the company's
        line = self._log(hours=2.0)
        card = Rate.create({"partner_id": self.customer.id, "amount": 130.0})
        self.assertEqual(card.scope, "customer")
        # A new rate card re-prices open time of the customer's projects.
        self.assertEqual(
            (line.psa_bill_rate, line.psa_rate_scope, line.psa_bill_amount),
            (130.0, "customer", 260.0),
        )
        # The project's own rate comes first.
        project_rate = Rate.create({"project_id": self.project_tm.id, "amount": 120.0})
        self.assertEqual((line.psa_bill_rate, line.psa_rate_scope), (120.0, "project"))
        project_rate.unlink()
        self.assertEqual(line.psa_bill_rate, 130.0)
        # Another customer on the project: its open time leaves the card.
        self.project_tm.partner_id = other
        self.assertEqual(
            (line.psa_bill_rate, line.psa_rate_scope), (100.0, "role_default")
        )

    def test_rates_are_date_effective_and_frozen_on_approval(self):
        Rate = self.env["psa.rate"]
        scope = {"project_id": self.project_tm.id, "employee_id": self.emp.id}
        Rate.create(dict(scope, amount=120.0, date_to=DAY + timedelta(days=1)))
        new_rate = Rate.create(
            dict(scope, amount=140.0, date_from=DAY + timedelta(days=2))
        )
        before = self._log(day=DAY + timedelta(days=1))
        after = self._log(day=DAY + timedelta(days=2))
        self.assertEqual((before.psa_bill_rate, after.psa_bill_rate), (120.0, 140.0))
        after.with_user(self.user_employee).action_psa_submit()
        after.with_user(self.user_approver).action_psa_approve()
        draft = self._log(day=DAY + timedelta(days=3))
        new_rate.amount = 150.0
        self.assertEqual(after.psa_bill_rate, 140.0, "approved history keeps its rate")
        self.assertEqual(after.psa_bill_amount, 280.0)
        self.assertEqual(draft.psa_bill_rate, 150.0, "open entries follow the new rate")
        self.assertEqual(before.psa_bill_rate, 120.0)

    def test_missing_rate_is_flagged_not_billed_at_zero_silently(self):
        self.emp.write({"psa_role_ids": [(5,)], "psa_default_role_id": False})
        line = self._log()
        self.assertTrue(line.psa_rate_missing)
        self.assertEqual(line.psa_bill_amount, 0.0)
        found = self.env["account.analytic.line"].search(
            [("psa_rate_missing", "=", True)]
        )
        self.assertIn(line, found)
        self.env["psa.rate"].create({"project_id": self.project_tm.id, "amount": 90.0})
        self.assertFalse(line.psa_rate_missing)
        self.assertEqual(line.psa_bill_amount, 180.0)

    def test_billing_rounding_changes_billed_hours_never_logged_hours(self):
        self.project_tm.write({"psa_rounding_minutes": 15, "psa_rounding_method": "up"})
        line = self._log(hours=65 / 60)
        self.assertAlmostEqual(line.unit_amount, 65 / 60, places=4)
        self.assertEqual(line.psa_billed_hours, 1.25)
        self.assertEqual(line.psa_bill_amount, 125.0)
        self.project_tm.psa_rounding_method = "nearest"
        self.assertEqual(line.psa_billed_hours, 1.0)
        exact = self._log(hours=1.5, day=DAY + timedelta(days=1))
        self.assertEqual(exact.psa_billed_hours, 1.5)
        with self.assertRaises(ValidationError):
            self.project_tm.psa_rounding_minutes = -5

    def test_foreign_currency_project_bills_in_the_customers_currency(self):
        self.env["res.currency.rate"].create(
            {
                "currency_id": self.currency_eur.id,
                "name": DAY - timedelta(days=30),
                "rate": 0.5,
                "company_id": self.company.id,
            }
        )
        line = self._log(project=self.project_fixed, hours=2.0)
        self.assertEqual(line.psa_currency_id, self.currency_eur)
        # Role default of 100.00 in company currency = 50.00 EUR at that rate.
        self.assertEqual((line.psa_bill_rate, line.psa_bill_amount), (50.0, 100.0))
        self.assertEqual(line.psa_bill_amount_company, 200.0)
        self.env["psa.rate"].create(
            {"project_id": self.project_fixed.id, "amount": 80.0}
        )
        self.assertEqual((line.psa_bill_rate, line.psa_bill_amount), (80.0, 160.0))

    def test_lines_inserted_in_sql_are_priced_in_both_currencies(self):
        """Lines an import wrote in SQL (without Odoo's stored company
        currency) get their billable amount and its company-currency value."""
        line = self._log(hours=1.0)
        self.env.flush_all()
        self.env.cr.execute(
            "INSERT INTO account_analytic_line (name, date, unit_amount, amount,"
            " project_id, employee_id, account_id, company_id, psa_billable,"
            " psa_role_id, psa_state) SELECT 'Imported', date, 2.5, 0, project_id,"
            " employee_id, account_id, company_id, TRUE, psa_role_id, 'draft'"
            " FROM account_analytic_line"
            " WHERE id = %s RETURNING id",
            [line.id],
        )
        imported = line.browse(self.env.cr.fetchone()[0])
        imported._psa_update_billing()
        self.assertEqual(
            (imported.psa_bill_amount, imported.psa_bill_amount_company),
            (250.0, 250.0),
        )

    def test_project_made_non_billable_stops_billing_open_time(self):
        line = self._log()
        self.project_tm.psa_billing_type = "non_billable"
        self.assertFalse(line.psa_billable)
        self.assertEqual(line.psa_bill_amount, 0.0)

    def test_employee_cannot_read_rates_or_amounts(self):
        line = self._log()
        with self.assertRaises(AccessError):
            line.with_user(self.user_employee).read(["psa_bill_rate"])
        with self.assertRaises(AccessError):
            line.with_user(self.user_employee).read(["psa_bill_amount"])
        with self.assertRaises(AccessError):
            line.with_user(self.user_employee).read(["psa_bill_amount_company"])
        self.assertEqual(line.with_user(self.user_employee).psa_billed_hours, 2.0)
        self.assertEqual(line.with_user(self.user_billing).psa_bill_amount, 200.0)

    def test_overrun_on_projects_and_tasks(self):
        self.project_tm.allocated_hours = 5.0
        self.task_tm.allocated_hours = 3.0
        self._log(hours=4.0, task_id=self.task_tm.id)
        self.assertTrue(self.task_tm.psa_is_over_budget)
        self.assertFalse(self.project_tm.psa_is_over_budget)
        self.assertEqual(self.project_tm.psa_consumed_percent, 80.0)
        self._log(hours=2.0, day=DAY + timedelta(days=1))
        self.assertTrue(self.project_tm.psa_is_over_budget)
        self.assertEqual(self.project_tm.psa_logged_hours, 6.0)
        over = self.env["project.project"].search([("psa_is_over_budget", "=", True)])
        self.assertIn(self.project_tm, over)
        over_tasks = self.env["project.task"].search(
            [("psa_is_over_budget", "=", True)]
        )
        self.assertIn(self.task_tm, over_tasks)
