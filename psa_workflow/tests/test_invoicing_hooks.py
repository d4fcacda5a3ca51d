# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoicing engine's extension points, each used by overriding one small
method (patched on the model's class, wrapping the original) and invoiced
through for real: a fee line per invoice, one invoice per customer, a change
to every line, and a line that bills no entry."""

from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from odoo.addons.psa_workflow.models.psa_invoicing_engine import LinePlan

from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY

FEE = 25.0


@tagged("post_install", "-at_install")
class TestInvoicingHooks(PsaInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project_tm_2 = cls.env["project.project"].create(
            {
                "name": "PSA Test T&M Project 2",
                "company_id": cls.company.id,
                "partner_id": cls.customer.id,
                "user_id": cls.user_approver.id,
                "psa_billing_type": "time_material",
                "privacy_visibility": "employees",
            }
        )
        cls.project_fixed.write(
            {
                "partner_id": cls.customer.id,  # company currency for exact figures
                "psa_contract_amount": 10000.0,
                "psa_installment_ids": [
                    Command.create({"name": "Kick-off", "date": DAY, "percent": 30}),
                    Command.create({"name": "Go-live", "date": DAY, "percent": 70}),
                ],
            }
        )

    @contextmanager
    def _override(self, method, wrapper):
        """Override ``method`` of the engine as a module would: ``wrapper``
        receives the original (bound) and the call's arguments."""
        Engine = type(self.env["psa.invoicing.engine"])
        original = getattr(Engine, method)

        def override(engine, *args, **kwargs):
            return wrapper(original.__get__(engine), *args, **kwargs)

        with patch.object(Engine, method, override):
            yield

    def _time_links(self, move):
        return move.psa_link_ids.filtered("timesheet_id")

    def _product_lines(self, move):
        return move.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )

    def test_prepare_invoice_vals_adds_a_fee_line_per_invoice(self):
        def with_fee(original, partner, currency, company, projects):
            vals = original(partner, currency, company, projects)
            product = projects[:1]._psa_invoice_product()
            fee = {"name": "Handling fee", "product_id": product.id}
            vals["invoice_line_ids"] = [
                Command.create({**fee, "quantity": 1.0, "price_unit": FEE})
            ]
            return vals

        lines = self._approved(2.0, 1.5)
        lines_2 = self._approved(1.0, project=self.project_tm_2)
        with self._override("_prepare_invoice_vals", with_fee):
            moves, skipped = self._invoice(self.project_tm | self.project_tm_2)
        self.assertFalse(skipped)
        self.assertEqual(len(moves), 2, "one invoice per project")
        for move, billed, hours in ((moves[0], lines, 3.5), (moves[1], lines_2, 1.0)):
            fee = self._product_lines(move).filtered(
                lambda line: line.name == "Handling fee"
            )
            time = self._product_lines(move) - fee
            self.assertEqual((fee.quantity, fee.price_subtotal), (1.0, FEE))
            self.assertFalse(fee.psa_plan_key)
            self.assertEqual((time.quantity, time.price_subtotal), (hours, hours * 100))
            self.assertEqual(move.amount_untaxed, hours * 100 + FEE)
            # The fee bills no entry: the links are the time line's only.
            self.assertEqual(move.psa_link_ids.move_line_id, time)
            self.assertEqual(move.psa_link_ids.timesheet_id, billed)
            self.assertEqual(sum(move.psa_link_ids.mapped("amount")), hours * 100)
        self.assertEqual(set((lines | lines_2).mapped("psa_state")), {"invoiced"})
        # The invoice lives on as any other: cancelled, its time is billable again.
        moves[0].with_user(self.user_billing).button_cancel()
        self.assertEqual(set(lines.mapped("psa_state")), {"approved"})

    def test_grouping_key_invoices_a_customer_once(self):
        def per_customer(original, project, partner, *args):
            if partner == self.customer:  # this customer wants one invoice
                currency, company, _grouping = args
                return (partner, currency, company, "customer")
            return original(project, partner, *args)

        lines = self._approved(2.0)
        lines_2 = self._approved(3.0, project=self.project_tm_2)
        with self._override("_invoice_grouping_key", per_customer):
            move, skipped = self._invoice(
                self.project_tm | self.project_tm_2, grouping="project"
            )
        self.assertFalse(skipped)
        self.assertEqual(len(move), 1, "one invoice for the customer")
        self.assertEqual(move.partner_id, self.customer)
        self.assertEqual(
            move.invoice_origin, "PSA Test T&M Project, PSA Test T&M Project 2"
        )
        self.assertEqual(
            sorted(self._product_lines(move).mapped("price_subtotal")), [200.0, 300.0]
        )
        for billed in (lines, lines_2):
            link = move.psa_link_ids.filtered(lambda k, b=billed: k.timesheet_id == b)
            self.assertEqual(link.amount, link.move_line_id.price_subtotal)
            self.assertEqual(link.move_line_id.quantity, link.hours)
        # Without the override: one invoice per project, as before.
        self._approved(1.0)
        self._approved(1.0, project=self.project_tm_2)
        moves, _skipped = self._invoice(self.project_tm | self.project_tm_2)
        self.assertEqual(len(moves), 2)

    def test_prepare_invoice_line_changes_every_line(self):
        def discounted(original, kind, plan, currency, company):
            vals = original(kind, plan, currency, company)
            if kind == "timesheets":
                vals = {**vals, "discount": 10.0, "name": f"PO 4711 {vals['name']}"}
            return vals

        self._approved(0.33, 0.33, 0.33)
        with self._override("_prepare_invoice_line", discounted):
            move, _skipped = self._invoice()
        line = self._product_lines(move)
        self.assertTrue(line.name.startswith("PO 4711 "))
        self.assertEqual((line.quantity, line.price_subtotal), (0.99, 89.1))
        # The links split what the line bills, to the cent.
        self.assertEqual(sorted(move.psa_link_ids.mapped("amount")), [29.7, 29.7, 29.7])

    def test_a_kind_may_plan_a_line_that_bills_no_entry(self):
        def with_setup(original, installments, *args):
            plans = original(installments, *args)
            setup = dict(plans[0].vals, name="Setup", quantity=1.0, price_unit=99.0)
            return [LinePlan(setup, installments.browse(), None), *plans]

        installments = self.project_fixed.psa_installment_ids.sorted("date")
        with self._override("_psa_installment_lines", with_setup):
            move, skipped = self._invoice(self.project_fixed, date_to=DAY)
        self.assertFalse(skipped)
        setup = self._product_lines(move).filtered(lambda line: line.name == "Setup")
        self.assertEqual(setup.price_subtotal, 99.0)
        self.assertFalse(move.psa_link_ids.filtered(lambda k: k.move_line_id == setup))
        self.assertEqual(move.amount_untaxed, 10099.0)
        self.assertEqual(move.psa_link_ids.installment_id, installments)
        self.assertEqual(sorted(move.psa_link_ids.mapped("amount")), [3000.0, 7000.0])
        self.assertEqual(installments.mapped("psa_invoiced"), [True, True])

    def test_the_registry_lists_the_kinds_and_the_link_columns(self):
        kinds = self.env["psa.invoicing.engine"]._psa_billable_kinds()
        self.assertEqual(
            list(kinds), ["timesheets", "expenses", "installments", "milestones"]
        )
        Link = self.env["psa.invoice.link"]
        self.assertEqual(
            Link._kind_columns(), [spec.link_field for spec in kinds.values()]
        )
        for spec in kinds.values():
            self.assertEqual(Link._fields[spec.link_field].comodel_name, spec.model)
