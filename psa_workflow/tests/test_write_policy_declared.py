# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The write policy as declared next to the fields (``psa_write=``,
``psa_lock=True``) against the one mechanism that applies it
(``psa.guarded.mixin``). Generated from the declarations: a field declared
tomorrow is covered here."""

from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.psa_write_policy import locked_fields, write_policy
from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY


@tagged("post_install", "-at_install")
class TestWritePolicyDeclared(PsaInvoicingCommon):
    def _other_value(self, record, fname):
        """A value of ``fname`` that differs from ``record``'s."""
        field = record._fields[fname]
        current = record.sudo()[fname]
        if field.type in ("many2one", "many2many"):
            other = (
                self.env[field.comodel_name]
                .sudo()
                .search([("id", "not in", current.ids)], limit=1)
            )
            self.assertTrue(other, f"no other {field.comodel_name} for {fname}")
            return other.id if field.type == "many2one" else [Command.set(other.ids)]
        if field.type == "selection":
            keys = [key for key, _label in field._description_selection(self.env)]
            return next(key for key in keys if key != current)
        if field.type == "json":
            account = self.env["account.analytic.account"].search([], limit=1)
            return {str(account.id): 50.0}
        others = {
            "float": lambda: (current or 0) + 7,
            "monetary": lambda: (current or 0) + 7,
            "integer": lambda: (current or 0) + 7,
            "boolean": lambda: not current,
            "char": lambda: f"{current or ''} changed",
            "text": lambda: f"{current or ''} changed",
            "date": lambda: (current or DAY) + timedelta(days=3),
            "datetime": lambda: (current or datetime(2026, 1, 5)) + timedelta(days=3),
        }
        self.assertIn(field.type, others, f"no value to try for {fname}")
        return others[field.type]()

    def _writer(self, groups):
        """The most trusted test user outside ``groups``: the policy, not the
        access rights, must be what refuses them."""
        for user in (
            self.user_admin,
            self.user_billing,
            self.user_approver,
            self.user_employee,
        ):
            if not any(user.has_group(group) for group in groups):
                return user
        raise AssertionError(f"every test user is in {groups}")

    def _records(self):
        milestone = self._milestone_project().milestone_ids[:1]
        self.project_fixed.psa_contract_amount = 1000.0
        # A customer's approval request, for the entry's guarded link to one.
        self.env["psa.customer.approval"].create(
            {
                "name": "PSA Test Request",
                "project_id": self.project_tm.id,
                "partner_id": self.customer.id,
                "customer_id": self.customer.id,
            }
        )
        return {
            "account.analytic.line": self._log(hours=1.0),
            "hr.expense": self._create_expense(
                "Hotel", amount=90.0, project=self.project_tm, date=DAY
            ),
            "project.project": self.project_tm,
            "project.milestone": milestone,
            "psa.project.installment": self.env["psa.project.installment"].create(
                {"project_id": self.project_fixed.id, "date": DAY, "amount": 1000.0}
            ),
            "psa.rate": self.env["psa.rate"].create(
                {"project_id": self.project_tm.id, "amount": 120.0, "date_from": DAY}
            ),
            "psa.role": self.role,
        }

    def test_every_declared_field_refuses_a_writer_outside_its_groups(self):
        records = self._records()
        guarded = {
            name
            for name, model in self.env.items()
            if write_policy(model) and not model._abstract
        }
        self.assertEqual(guarded, set(records), "a guarded model without a record")
        for model_name, record in records.items():
            policy = write_policy(record)
            # What a new record copied from it holds, but the guarded fields.
            base = {
                key: value
                for key, value in record.sudo().copy_data()[0].items()
                if key not in policy
            }
            for fname, groups in policy.items():
                with self.subTest(model=model_name, field=fname):
                    user = self._writer(groups)
                    value = self._other_value(record, fname)
                    with self.assertRaises(AccessError) as caught:
                        record.with_user(user).write({fname: value})
                    self.assertIn(fname, str(caught.exception))
                    with self.assertRaises(AccessError) as caught:
                        record.with_user(user).create(base | {fname: value})
                    self.assertIn(fname, str(caught.exception))

    def test_what_is_no_values_is_left_to_odoo_to_refuse(self):
        """A write of something else than values (a list of names, as Odoo's
        project sharing test sends) gets Odoo's own refusal (a portal user:
        no access), not an error of the mechanism."""
        self._setup_outsiders()
        records = self._records()
        del records["project.project"]  # Odoo's own write reads the values first
        for model_name, record in records.items():
            with self.subTest(model=model_name), self.assertRaises(AccessError):
                record.with_user(self.user_portal).write(["name"])

    def test_declarations_are_only_on_models_that_apply_them(self):
        """A field declared ``psa_write`` or ``psa_lock`` on a model without
        the mechanism would be a promise nobody keeps."""
        for name, model in self.env.items():
            declared = write_policy(model) or locked_fields(model)
            if declared and not model._abstract:
                with self.subTest(model=name):
                    self.assertIsInstance(model, self.registry["psa.guarded.mixin"])

    def test_locked_records_keep_every_locked_field_even_for_the_server(self):
        timesheet = self._approved(2.0)
        expense = self._approved_expense(80.0)
        self._invoice()
        self.assertTrue(expense.psa_invoiced)
        milestone_project = self._milestone_project()
        milestone = milestone_project.milestone_ids[:1]
        milestone.is_reached = True
        self._invoice(milestone_project)
        self.project_fixed.psa_contract_amount = 1000.0
        installment = self.env["psa.project.installment"].create(
            {"project_id": self.project_fixed.id, "date": DAY, "amount": 1000.0}
        )
        self._invoice(self.project_fixed)
        locked = {
            "account.analytic.line": timesheet,
            "hr.expense": expense,
            "project.milestone": milestone,
            "psa.project.installment": installment,
        }
        self.assertEqual(
            {name for name, model in self.env.items() if locked_fields(model)},
            set(locked),
        )
        for model_name, record in locked.items():
            self.assertTrue(record.filtered_domain(record._psa_lock_domain))
            for fname in sorted(locked_fields(record)):
                with self.subTest(model=model_name, field=fname):
                    before = record[fname]
                    value = self._other_value(record, fname)
                    with self.assertRaises(UserError):
                        record.sudo().write({fname: value})
                    self.assertEqual(record[fname], before)
                    # The value it has is no change: the web client sends it back.
                    record.sudo().write(
                        {fname: record._fields[fname].convert_to_write(before, record)}
                    )
