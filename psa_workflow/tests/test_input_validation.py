# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bad input never reaches a traceback: numbers are finite and within their
documented ranges (in Python and in PostgreSQL), public methods validate
their arguments and return marshallable values."""

import xmlrpc.client
from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .timesheet_common import DAY, PsaTimesheetCommon

NAN = float("nan")
INF = float("inf")


@tagged("post_install", "-at_install")
class TestInputValidation(PsaTimesheetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Line = cls.env["account.analytic.line"]
        cls.product_taxi = cls._expense_product()

    def _refused_by_database(self, query, *params):
        """``query`` is refused by a CHECK constraint."""
        self.env.flush_all()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(query, params)

    # ------------------------------------------------------------------
    # Timesheet hours
    # ------------------------------------------------------------------
    def test_zero_hours_are_accepted_at_creation(self):
        line = self._log(0.0)
        self.assertEqual(line.unit_amount, 0.0)
        self.assertEqual(line.psa_state, "draft")

    def test_zero_hours_are_refused_at_submission(self):
        line = self._log(0.0)
        with self.assertRaises(UserError) as error:
            line.with_user(self.user_employee).action_psa_submit()
        self.assertIn(self.emp.name, error.exception.args[0])
        self.assertEqual(line.psa_state, "draft")
        # The week's submission skips it (nothing to submit), without failing.
        self.assertEqual(
            self.Line.with_user(self.user_employee).psa_submit_week(DAY), 0
        )
        self.assertEqual(line.psa_state, "draft")

    def test_zero_hours_are_refused_at_approval(self):
        line = self._log(2.0)
        line.with_user(self.user_employee).action_psa_submit()
        line.with_user(self.user_employee).write({"unit_amount": 0.0})
        with self.assertRaises(UserError) as error:
            line.with_user(self.user_approver).action_psa_approve()
        self.assertIn(self.emp.name, error.exception.args[0])
        self.assertEqual(line.psa_state, "submitted")

    def test_negative_and_excessive_hours_are_refused(self):
        for hours in (-1.0, 24.5):
            with self.subTest(hours=hours), self.assertRaises(ValidationError) as error:
                self._log(hours)
            self.assertIn(self.emp.name, error.exception.args[0])

    def test_nan_and_infinite_hours_are_refused(self):
        line = self._log(2.0)
        for hours in (NAN, INF, -INF):
            with self.subTest(hours=hours), self.assertRaises(ValidationError) as error:
                line.write({"unit_amount": hours})
            self.assertIn(self.emp.name, error.exception.args[0])
        line.invalidate_recordset()
        self.assertEqual(line.unit_amount, 2.0)

    def test_database_refuses_nan_hours_and_billing(self):
        line = self._log(2.0)
        for value in ("NaN", "Infinity", "-Infinity"):
            self._refused_by_database(
                "UPDATE account_analytic_line SET unit_amount = %s::float8 "
                "WHERE id = %s",
                value,
                line.id,
            )
        for column in (
            "psa_billed_hours",
            "psa_bill_rate",
            "psa_bill_amount",
            "psa_bill_amount_company",
        ):
            for value in ("NaN", "Infinity", "-1"):
                with self.subTest(column=column, value=value):
                    self._refused_by_database(
                        f"UPDATE account_analytic_line SET {column} = %s::numeric "
                        "WHERE id = %s",
                        value,
                        line.id,
                    )
        # Analytic lines without a project may still be negative.
        self.env.cr.execute(
            "UPDATE account_analytic_line SET unit_amount = -3 WHERE id = %s",
            [line.id],
        )

    # ------------------------------------------------------------------
    # Rates and roles
    # ------------------------------------------------------------------
    def test_rate_out_of_range_is_refused(self):
        rate = self.env["psa.rate"].create(
            {"project_id": self.project_tm.id, "amount": 120.0}
        )
        for amount in (-1.0, 1_000_001.0):
            with (
                self.subTest(amount=amount),
                self.assertRaises(ValidationError) as error,
            ):
                rate.write({"amount": amount})
            self.assertIn(self.project_tm.name, error.exception.args[0])

    def test_nan_rate_is_never_stored(self):
        rate = self.env["psa.rate"].create(
            {"project_id": self.project_tm.id, "amount": 120.0}
        )
        for amount in (NAN, INF, -INF):
            with self.subTest(amount=amount):
                with self.assertRaises(ValidationError) as error:
                    self.env["psa.rate"].create(
                        {"project_id": self.project_tm.id, "amount": amount}
                    )
                self.assertIn("finite", error.exception.args[0])
                # Refused before Odoo's own rounding fails on it.
                with self.assertRaises(ValidationError):
                    rate.write({"amount": amount})
        self._refused_by_database(
            "UPDATE psa_rate SET amount = 'NaN' WHERE id = %s", rate.id
        )
        # The project's timesheets are still priced.
        line = self._log(2.0)
        self.assertEqual(line.psa_bill_amount, 240.0)

    def test_role_rates_and_target_out_of_range_are_refused(self):
        for fname, value in (
            ("default_bill_rate", -5.0),
            ("default_bill_rate", 2_000_000.0),
            ("default_cost", -1.0),
            ("utilization_target", 120.0),
            ("utilization_target", -1.0),
        ):
            with (
                self.subTest(field=fname, value=value),
                self.assertRaises(ValidationError) as error,
            ):
                self.role.write({fname: value})
            self.assertIn(self.role.name, error.exception.args[0])
        for column in ("default_bill_rate", "default_cost", "utilization_target"):
            self._refused_by_database(
                f"UPDATE psa_role SET {column} = 'NaN' WHERE id = %s", self.role.id
            )

    def test_employee_utilization_target_range(self):
        with self.assertRaises(ValidationError) as error:
            self.emp.write({"psa_utilization_target": 150.0})
        self.assertIn(self.emp.name, error.exception.args[0])

    # ------------------------------------------------------------------
    # Projects, installments, milestones
    # ------------------------------------------------------------------
    def test_project_money_fields_out_of_range_are_refused(self):
        project = self.project_tm
        for fname in ("psa_contract_amount", "psa_cap_amount", "psa_cap_hours"):
            with (
                self.subTest(field=fname),
                self.assertRaises(ValidationError) as error,
            ):
                project.write({fname: -10.0})
            self.assertIn(project.name, error.exception.args[0])
            self._refused_by_database(
                f"UPDATE project_project SET {fname} = 'NaN' WHERE id = %s",
                project.id,
            )

    def test_installment_ranges(self):
        self.project_fixed.psa_contract_amount = 1000.0
        installment = self.env["psa.project.installment"].create(
            {"project_id": self.project_fixed.id, "date": DAY, "percent": 50.0}
        )
        self.assertEqual(installment.amount, 500.0)
        with self.assertRaises(ValidationError) as error:
            installment.write({"percent": 150.0})
        self.assertIn(self.project_fixed.name, error.exception.args[0])
        with self.assertRaises(ValidationError):
            installment.write({"percent": 0.0, "amount": -1.0})
        self._refused_by_database(
            "UPDATE psa_project_installment SET amount = 'NaN' WHERE id = %s",
            installment.id,
        )

    def test_milestone_ranges(self):
        milestone = self.env["project.milestone"].create(
            {"name": "PSA Test Go-live", "project_id": self.project_fixed.id}
        )
        for vals in ({"psa_percent": 101.0}, {"psa_percent": -1.0}, {"psa_amount": -1}):
            with self.subTest(vals=vals), self.assertRaises(ValidationError) as error:
                milestone.write(vals)
            self.assertIn("PSA Test Go-live", error.exception.args[0])
        for column in ("psa_amount", "psa_percent"):
            self._refused_by_database(
                f"UPDATE project_milestone SET {column} = 'NaN' WHERE id = %s",
                milestone.id,
            )

    # ------------------------------------------------------------------
    # Expenses, allocations
    # ------------------------------------------------------------------
    def _expense(self, amount, **vals):
        return self._create_expense(amount=amount, product=self.product_taxi, **vals)

    def test_refund_expense_on_billable_project_is_not_rebillable(self):
        expense = self._expense(-30.0, psa_project_id=self.project_tm.id)
        self.assertEqual(expense.psa_project_id, self.project_tm)
        self.assertFalse(expense.psa_rebillable)
        self.assertEqual(expense.psa_rebill_amount, 0.0)
        # A positive expense on the same project still is.
        self.assertTrue(
            self._expense(30.0, psa_project_id=self.project_tm.id).psa_rebillable
        )

    def test_negative_expense_cannot_be_rebilled(self):
        expense = self._expense(-30.0, psa_project_id=self.project_tm.id)
        with self.assertRaises(ValidationError) as error:
            expense.write({"psa_rebillable": True})
        self.assertIn("PSA Test Taxi", error.exception.args[0])
        rebilled = self._expense(30.0, psa_project_id=self.project_tm.id)
        with self.assertRaises(ValidationError) as error:
            rebilled.write({"total_amount_currency": -30.0})
        self.assertIn("PSA Test Taxi", error.exception.args[0])

    def test_markup_range(self):
        # sudo: the markup is a billing user's; the range is checked for all.
        expense = self._expense(30.0, psa_project_id=self.project_tm.id).sudo()
        for markup in (-5.0, 1000.5):
            with (
                self.subTest(markup=markup),
                self.assertRaises(ValidationError) as error,
            ):
                expense.write(
                    {"psa_rebill_method": "markup", "psa_markup_percent": markup}
                )
            self.assertIn("PSA Test Taxi", error.exception.args[0])
        expense.write({"psa_rebill_method": "markup", "psa_markup_percent": 1000.0})
        self.assertEqual(expense.psa_rebill_amount, 330.0)

    def test_allocation_effort_ranges(self):
        Allocation = self.env["psa.allocation"]
        base = {
            "project_id": self.project_tm.id,
            "employee_id": self.emp.id,
            "date_from": DAY,
            "date_to": date(2019, 3, 8),
        }
        allocation = Allocation.create({**base, "hours_per_day": 4.0})
        for vals in (
            {"mode": "hours_per_day", "hours_per_day": 25.0},
            {"mode": "percent", "percent": 1001.0},
            {"mode": "total_hours", "total_hours": 10.0, "hours_per_day": -1.0},
            {"date_from": date(2000, 1, 1), "date_to": date(2019, 1, 1)},
        ):
            with (
                self.subTest(vals=str(vals)),
                self.assertRaises(ValidationError) as error,
            ):
                allocation.write(vals)
            self.assertIn(self.project_tm.name, error.exception.args[0])
        self._refused_by_database(
            "UPDATE psa_allocation SET total_hours = 'NaN' WHERE id = %s",
            allocation.id,
        )

    def test_expense_policy_amounts_are_finite(self):
        policy = self.env["psa.expense.policy"].create(
            {"product_id": self.product_taxi.id, "max_amount": 100.0}
        )
        self._refused_by_database(
            "UPDATE psa_expense_policy SET max_amount = 'NaN' WHERE id = %s", policy.id
        )

    # ------------------------------------------------------------------
    # Arguments of public methods
    # ------------------------------------------------------------------
    def test_submit_week_validates_its_day(self):
        Line = self.Line.with_user(self.user_employee)
        for day in ("last tuesday", 42, [2019, 3, 4], "2019-02-30"):
            with self.subTest(day=day), self.assertRaises(UserError) as error:
                Line.psa_submit_week(day)
            self.assertIn("day", error.exception.args[0])
        self._log(2.0)
        self.assertEqual(Line.psa_submit_week("2019-03-06"), 1)
        self.assertEqual(Line.psa_submit_week(None), 0)

    def test_dashboard_validates_its_period(self):
        Dashboard = self.env["psa.dashboard"].with_user(self.user_admin)
        for date_from, date_to, argument in (
            ("yesterday", None, "date_from"),
            (42, None, "date_from"),
            ("2019-03-01", ["2019-03-31"], "date_to"),
            ("2019-03-31", "2019-03-01", "date_from"),
        ):
            with (
                self.subTest(date_from=date_from, date_to=date_to),
                self.assertRaises(UserError) as error,
            ):
                Dashboard.get_figures(date_from, date_to)
            self.assertIn(argument, error.exception.args[0])
        with self.assertRaises(UserError):
            Dashboard.get_figures("0001-01-01", "9999-12-31")
        with self.assertRaises(UserError):
            Dashboard.open_report(["utilization"])
        with self.assertRaises(UserError) as error:
            Dashboard.open_report("utilization", partner_id="abc")
        self.assertIn("partner_id", error.exception.args[0])
        figures = Dashboard.get_figures("2019-03-01", "2019-03-31")
        self.assertEqual(figures["date_to"], "2019-03-31")

    def test_report_openers_validate_their_arguments(self):
        env = self.env(user=self.user_admin)
        openers = [
            (env["psa.workload.report"], "action_open_workload"),
            (env["psa.utilization.report"], "action_open_utilization"),
            (env["psa.forecast.report"], "action_open_forecast"),
            (env["psa.utilization.report"], "action_psa_print"),
            (env["psa.profitability.report"], "action_psa_print"),
        ]
        for model, method in openers:
            with self.subTest(method=method):
                self.assertEqual(
                    getattr(model, method)()["type"], "ir.actions.act_window"
                )
                with self.assertRaises(UserError) as error:
                    getattr(model, method)("2019-03-01", bogus=1)
                self.assertIn(method, error.exception.args[0])

    def test_print_wizard_validates_its_records_and_period(self):
        Print = self.env["psa.report.print"].with_user(self.user_admin)
        with self.assertRaises(UserError):
            Print.browse().action_print()
        wizard = Print.create(
            {"date_from": date(1990, 1, 1), "date_to": date(2019, 1, 1)}
        )
        with self.assertRaises(UserError):
            wizard.action_print()
        wizards = Print.create([{}, {}])
        with self.assertRaises(UserError):
            wizards.action_print()

    def test_reject_validates_its_reason(self):
        line = self._log(2.0)
        line.with_user(self.user_employee).action_psa_submit()
        approver_line = line.with_user(self.user_approver)
        for reason in ("   ", "\n\t"):
            with self.subTest(reason=reason), self.assertRaises(UserError):
                approver_line.action_psa_reject(reason)
        for reason in (42, ["why"], {"a": 1}):
            with self.subTest(reason=reason), self.assertRaises(UserError) as error:
                approver_line.action_psa_reject(reason)
            self.assertIn("reason", error.exception.args[0])
        self.assertEqual(line.psa_state, "submitted")
        # Without a reason: the wizard, which refuses a blank one too.
        action = approver_line.action_psa_reject()
        self.assertEqual(action["res_model"], "psa.timesheet.reject")
        Reject = self.env["psa.timesheet.reject"].with_user(self.user_approver)
        with self.assertRaises(ValidationError):
            Reject.create({"line_ids": [Command.set(line.ids)], "reason": "  "})
        wizard = Reject.create(
            {"line_ids": [Command.set(line.ids)], "reason": "  Wrong task \n"}
        )
        done = wizard.action_reject()
        # Says what it did, then closes.
        self.assertEqual(done["tag"], "display_notification")
        self.assertEqual(done["params"]["title"], "Rejected")
        self.assertEqual(done["params"]["next"]["type"], "ir.actions.act_window_close")
        self.assertEqual(line.psa_state, "rejected")
        self.assertEqual(line.psa_rejection_reason, "Wrong task")

    # ------------------------------------------------------------------
    # Marshallable return values
    # ------------------------------------------------------------------
    def test_cap_decisions_return_true(self):
        lines = self._log(2.0) | self._log(1.0, day=date(2019, 3, 5))
        lines.with_user(self.user_employee).action_psa_submit()
        lines.with_user(self.user_approver).action_psa_approve()
        lines.sudo().write({"psa_cap_held": True})
        billing = self.Line.with_user(self.user_billing)
        self.assertIs(billing.browse(lines[0].id).action_psa_cap_bill_anyway(), True)
        self.assertIs(billing.browse(lines[1].id).action_psa_cap_write_off(), True)
        self.assertEqual(lines[0].psa_cap_decision, "bill")
        self.assertEqual(lines[1].psa_cap_decision, "write_off")

    def test_allocation_actions_return_true(self):
        allocation = self.env["psa.allocation"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.emp.id,
                "date_from": DAY,
                "date_to": date(2019, 3, 8),
                "hours_per_day": 2.0,
            }
        )
        self.assertIs(allocation.action_confirm(), True)
        self.assertIs(allocation.action_set_tentative(), True)

    def test_single_record_actions_refuse_other_counts(self):
        with self.assertRaises(UserError) as error:
            self.Line.browse().action_psa_open_invoice()
        self.assertIn("action_psa_open_invoice", error.exception.args[0])
        with self.assertRaises(UserError):
            (self.project_tm | self.project_fixed).action_psa_open_allocations()

    def test_dates_a_firm_cannot_mean_are_refused_everywhere(self):
        env = self.env(user=self.user_admin)
        calls = {
            "dashboard": env["psa.dashboard"].get_figures,
            "heat map": env["psa.workload.heatmap"].read_heatmap,
            "week grid": env["psa.timesheet.week"].read_week,
            "submit week": env["account.analytic.line"].psa_submit_week,
        }
        for name, call in calls.items():
            for day in ("0001-01-01", "9999-12-31", date(1899, 12, 31)):
                with (
                    self.subTest(call=name, day=str(day)),
                    self.assertRaisesRegex(UserError, "from 1900-01-01 to 2199-12-31"),
                ):
                    call(day)

    def test_the_week_grid_keeps_time_within_the_project_dates(self):
        self.project_tm.write(
            {"date_start": date(2019, 1, 1), "date": date(2019, 12, 31)}
        )
        Week = self.env["psa.timesheet.week"].with_user(self.user_employee)
        cell = {"project_id": self.project_tm.id, "task_id": False, "hours": 2.0}
        for day in ("2029-12-31", "2090-03-04"):
            with (
                self.subTest(day=day),
                self.assertRaisesRegex(UserError, "outside the dates of PSA Test T&M"),
            ):
                Week.save_cells([{**cell, "date": day}])
        Week.save_cells([{**cell, "date": "2019-03-04"}])
        self.assertEqual(
            self.env["account.analytic.line"]
            .search([("project_id", "=", self.project_tm.id)])
            .mapped("unit_amount"),
            [2.0],
        )

    def test_public_methods_answer_what_xmlrpc_can_marshal(self):
        env = self.env(user=self.user_admin)
        # A period still to come: no capacity, ratios without a base.
        answers = {
            "get_figures": env["psa.dashboard"].get_figures("2199-01-01"),
            "read_heatmap": env["psa.workload.heatmap"].read_heatmap("2199-01-05"),
            "read_week": env["psa.timesheet.week"].read_week("2199-01-05"),
        }
        for method, answer in answers.items():
            with self.subTest(method=method):
                # What Odoo's XML-RPC endpoint does with a result.
                xmlrpc.client.dumps((answer,), methodresponse=True, allow_none=False)
        self.assertIs(answers["get_figures"]["utilization"]["utilization"], False)
