# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The extension points of pricing and invoicing, each used by overriding one
small method (patched on the model's class, wrapping the original) and
invoiced through for real: a fee line per invoice, one invoice per customer,
a change to every line, a line that bills no entry, a customer's rate before
the project default, and a fifth billable kind (a monthly retainer)."""

import contextlib
from contextlib import contextmanager
from datetime import date, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.psa_workflow.models.psa_invoicing_engine import (
    BillableKind,
    LinePlan,
)

from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY

FEE = 25.0


@contextmanager
def override(env, model, method, wrapper):
    """Override ``method`` of ``model`` as a module would: ``wrapper``
    receives the original (bound) and the call's arguments."""
    Model = type(env[model])
    original = getattr(Model, method)

    def overridden(record, *args, **kwargs):
        return wrapper(original.__get__(record), *args, **kwargs)

    with patch.object(Model, method, overridden):
        yield


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
    def _override(self, method, wrapper, model="psa.invoicing.engine"):
        """Override ``method`` of ``model`` as a module would: ``wrapper``
        receives the original (bound) and the call's arguments."""
        with override(self.env, model, method, wrapper):
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

    def test_the_preview_shows_the_invoices_the_hooks_make(self):
        """Create Invoices previews with the run's own steps: a fee line of
        ``_prepare_invoice_vals`` and the grouping of ``_invoice_grouping_key``
        are in the preview as they are on the invoice."""

        def with_fee(original, partner, currency, company, projects):
            vals = original(partner, currency, company, projects)
            product = projects[:1]._psa_invoice_product()
            vals["invoice_line_ids"] = [
                Command.create(
                    {
                        "name": "Handling fee",
                        "product_id": product.id,
                        "quantity": 1.0,
                        "price_unit": FEE,
                    }
                )
            ]
            return vals

        def per_customer(original, project, partner, *args):
            currency, company, _grouping = args
            return (partner, currency, company, "customer")

        self._approved(2.0, 1.5)
        self._approved(1.0, project=self.project_tm_2)
        projects = self.project_tm | self.project_tm_2
        with (
            self._override("_prepare_invoice_vals", with_fee),
            self._override("_invoice_grouping_key", per_customer),
        ):
            wizard = (
                self.env["psa.invoice.create"]
                .with_user(self.user_billing)
                .create(
                    {
                        "project_ids": [Command.set(projects.ids)],
                        "date_to": DAY + timedelta(days=60),
                    }
                )
            )
            [line] = wizard.preview_line_ids
            self.assertEqual(line.project_ids._origin, projects)
            self.assertEqual(line.partner_id, self.customer)
            self.assertEqual((line.hours, line.amount), (4.5, 450.0 + FEE))
            self.assertEqual(wizard.preview_count, 1)
            wizard.action_create_invoices()
        move = self.env["account.move"].search(
            [("psa_link_ids.timesheet_id.project_id", "in", projects.ids)]
        )
        self.assertEqual(len(move), 1)
        self.assertEqual(move.amount_untaxed, line.amount)

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
        def with_setup(original, *args):
            plans = original(*args)
            setup = dict(plans[0].vals, name="Setup", quantity=1.0, price_unit=99.0)
            return [LinePlan(setup, plans[0].records.browse(), None), *plans]

        installments = self.project_fixed.psa_installment_ids.sorted("date")
        with self._override(
            "_psa_invoice_lines", with_setup, model="psa.project.installment"
        ):
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

    def test_rate_chain_puts_the_customer_rate_before_the_project_default(self):
        Rate = self.env["psa.rate"]
        Rate.create({"project_id": self.project_tm.id, "amount": 110.0})
        Rate.create({"partner_id": self.customer.id, "amount": 120.0})
        # Out of the box the project's own rate beats the customer's rate card.
        before = self._approved(1.0)
        self.assertEqual(
            (before.psa_bill_rate, before.psa_rate_scope), (110.0, "project")
        )

        def customer_first(original):
            chain = original()
            customer = next(step for step in chain if step.scope == "customer")
            chain.remove(customer)
            project = next(i for i, step in enumerate(chain) if step.scope == "project")
            chain.insert(project, customer)
            return chain

        with self._override("_psa_rate_chain", customer_first, model="psa.rate"):
            lines = self._approved(2.0, 1.5)
        self.assertEqual(set(lines.mapped("psa_bill_rate")), {120.0})
        self.assertEqual(set(lines.mapped("psa_rate_scope")), {"customer"})
        # Approved entries keep their rate: invoiced after the override is gone.
        move, skipped = self._invoice()
        self.assertFalse(skipped)
        self.assertEqual(
            sorted(
                (line.quantity, line.price_unit, line.price_subtotal)
                for line in self._product_lines(move)
            ),
            [(1.0, 110.0, 110.0), (3.5, 120.0, 420.0)],
        )
        self.assertEqual(move.psa_link_ids.timesheet_id, before | lines)


RETAINER = 2000.0
MARCH_END, APRIL_END = date(2019, 3, 31), date(2019, 4, 30)


def retainer_kinds(original):
    """``_psa_billable_kinds`` of a module adding monthly retainers: a fixed
    fee per month of the project, billed once the month has begun."""

    def domain(engine, projects, date_to):
        return [
            ("x_project_id", "in", projects.ids),
            ("x_invoiced", "=", False),
            ("x_date", "<=", date_to),
        ]

    def lines(engine, retainers, run, currency, company):
        return [
            engine._psa_fixed_amount_line(
                retainer,
                f"Retainer {retainer.x_name}",
                retainer.x_amount,
                project=retainer.x_project_id,
            )
            for retainer in retainers.sorted("x_date")
        ]

    def mark(engine, retainers, invoiced):
        retainers.write({"x_invoiced": invoiced})

    return {
        **original(),
        "retainers": BillableKind(
            "x_psa_retainer",
            "x_retainer_id",
            domain,
            lines,
            project_field="x_project_id",
            mark=mark,
            still_open=SQL("x_invoiced IS NOT TRUE"),
            date_field="x_date",
        ),
    }


@tagged("post_install", "-at_install")
class TestBillableKindRetainer(PsaInvoicingCommon):
    """A fifth billable kind, added as a module would: its model and the link's
    Many2one to it (custom, as Odoo creates them), and one override of
    ``_psa_billable_kinds``. The registry of this class only: Odoo's test case
    restores it afterwards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.model"].create(
            {
                "name": "PSA Test Retainer Month",
                "model": "x_psa_retainer",
                "field_id": [
                    Command.create(
                        {
                            "name": name,
                            "ttype": ttype,
                            "field_description": name,
                            **more,
                        }
                    )
                    for name, ttype, more in (
                        ("x_name", "char", {}),
                        ("x_project_id", "many2one", {"relation": "project.project"}),
                        ("x_date", "date", {}),
                        ("x_amount", "float", {}),
                        ("x_invoiced", "boolean", {}),
                    )
                ],
            }
        )
        cls.env["ir.model.fields"].create(
            {
                "model_id": cls.env["ir.model"]._get_id("psa.invoice.link"),
                "name": "x_retainer_id",
                "field_description": "Retainer",
                "ttype": "many2one",
                "relation": "x_psa_retainer",
                "on_delete": "restrict",
            }
        )
        Engine = type(cls.env["psa.invoicing.engine"])  # the registry's new class
        original = Engine._psa_billable_kinds
        cls.startClassPatcher(
            patch.object(
                Engine,
                "_psa_billable_kinds",
                lambda engine: retainer_kinds(original.__get__(engine)),
            )
        )
        # What the module's install does: the link's CHECK and indexes follow.
        cls.env["psa.invoice.link"].init()
        cls.retainers = cls.env["x_psa_retainer"].create(
            [
                {
                    "x_name": month,
                    "x_project_id": cls.project_tm.id,
                    "x_date": day,
                    "x_amount": RETAINER,
                }
                for month, day in (
                    ("March 2019", MARCH_END.replace(day=1)),
                    ("April 2019", APRIL_END.replace(day=1)),
                )
            ]
        )

    def test_retainers_are_invoiced_once_with_the_time(self):
        lines = self._approved(2.0)
        move, skipped = self._invoice(date_to=MARCH_END)
        self.assertFalse(skipped)
        march, april = self.retainers
        product = move.invoice_line_ids.filtered(lambda k: k.display_type == "product")
        retainer_line = product.filtered(lambda k: k.name == "Retainer March 2019")
        self.assertEqual(retainer_line.price_subtotal, RETAINER)
        self.assertEqual(move.amount_untaxed, RETAINER + 200.0)
        self.assertEqual(move.psa_link_ids.x_retainer_id, march)
        self.assertEqual(move.psa_link_ids.timesheet_id, lines)
        link = move.psa_link_ids.filtered("x_retainer_id")
        self.assertEqual((link.amount, link.move_line_id), (RETAINER, retainer_line))
        self.assertEqual(link.entry_name, "March 2019")
        self.assertEqual((march.x_invoiced, april.x_invoiced), (True, False))
        # The next run bills April only: March is not billed twice.
        again, _skipped = self._invoice(date_to=APRIL_END)
        self.assertEqual(again.psa_link_ids.x_retainer_id, april)
        self.assertEqual(again.amount_untaxed, RETAINER)
        # The database refuses a second live link to June (the registry's index).
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["psa_invoice_link_x_retainer_id_invoiced_uniq"],
        )
        self.assertIn("WHERE", self.env.cr.fetchone()[0])

    def _retainer_branches(self):
        """The reports' branches for retainers added from outside the kinds'
        models (a kind registered by overriding ``_psa_billable_kinds``, as
        this manual model must be): work in progress while no posted invoice
        bills a retainer (its ``source`` added by the report's
        ``_psa_source_selection``), profitability's earned revenue, Earned vs
        Projected, and the entries behind a row."""
        Wip = type(self.env["psa.wip.report"])
        Profit = type(self.env["psa.profitability.report"])
        Revenue = type(self.env["psa.revenue.report"])
        wip_branches, profit_branches, revenue_branches, wip_entries = (
            Wip._psa_wip_branches,
            Profit._psa_profitability_branches,
            Revenue._psa_revenue_branches,
            Wip._psa_wip_entries,
        )
        wip_sources = Wip._psa_source_selection
        sources = self.env["psa.report.sources"]
        not_posted = SQL("km.state IS DISTINCT FROM 'posted'")

        def wip(report):
            return {
                **wip_branches(report),
                "retainer": SQL(
                    """SELECT r.x_project_id, 'retainer', p.psa_currency_id,
                              km.id IS NOT NULL, r.x_amount, r.x_amount, 0.0,
                              r.x_date
                         FROM x_psa_retainer r %s %s WHERE %s""",
                    report._psa_wip_joins("r.x_project_id"),
                    sources._invoice_link("x_retainer_id", "r.id"),
                    not_posted,
                ),
            }

        def profit_branch(row_id):
            return SQL(
                """SELECT %s, r.x_date, 'retainer', r.x_project_id,
                          p.company_id, co.currency_id, NULL, NULL, NULL, 0.0,
                          r.x_amount, 0.0, 0.0, 0.0, 0.0, 0.0
                     FROM x_psa_retainer r
                     JOIN project_project p ON p.id = r.x_project_id
                     JOIN res_company co ON co.id = p.company_id""",
                row_id("r.id"),
            )

        def revenue_branch(row_id):
            # Earned on its month's first day (the invoices give the invoiced).
            return SQL(
                """SELECT %s, r.x_date, r.x_project_id, p.company_id, 0.0,
                          r.x_amount, 0.0
                     FROM x_psa_retainer r
                     JOIN project_project p ON p.id = r.x_project_id""",
                row_id("r.id"),
            )

        def entries(row):
            return {
                **wip_entries(row),
                "retainer": (
                    "x_psa_retainer",
                    [
                        ("x_project_id", "=", row.project_id.id),
                        ("x_invoiced", "=", row.on_draft),
                    ],
                ),
            }

        return (
            patch.object(Wip, "_psa_wip_branches", wip),
            patch.object(Wip, "_psa_wip_entries", entries),
            patch.object(
                Revenue,
                "_psa_revenue_branches",
                lambda report: {**revenue_branches(report), "retainer": revenue_branch},
            ),
            patch.object(
                Profit,
                "_psa_profitability_branches",
                lambda report: {**profit_branches(report), "retainer": profit_branch},
            ),
            patch.object(
                Wip,
                "_psa_source_selection",
                lambda report: [*wip_sources(report), ("retainer", "Retainers")],
            ),
        )

    def _report_sums(self, model, measure):
        groups = self.env[model]._read_group(
            [("project_id", "=", self.project_tm.id)], ["source"], [f"{measure}:sum"]
        )
        return {source: amount for source, amount in groups if amount}

    def test_reports_read_the_retainers_through_their_branches(self):
        """Work in progress and profitability read a fifth kind by overriding
        one method each: the retainers are work in progress until a posted
        invoice bills them; profitability earns them in their month, invoiced
        or not, the invoice beside them, never counted twice."""
        self._approved(2.0)
        with contextlib.ExitStack() as stack:
            for branch in self._retainer_branches():
                stack.enter_context(branch)
            wip = self.env["psa.wip.report"]
            self.assertEqual(
                self._report_sums("psa.wip.report", "amount"),
                {"time": 200.0, "retainer": 2 * RETAINER},
            )
            totals = wip._psa_totals([("project_id", "=", self.project_tm.id)])
            self.assertIn(
                {"source": "retainer", "label": "Retainers", "amount": 2 * RETAINER},
                totals["by_source"],
            )
            profit = self._report_sums("psa.profitability.report", "revenue")
            self.assertEqual(profit["retainer"], 2 * RETAINER)
            total_revenue = sum(profit.values())

            move, _skipped = self._invoice(date_to=MARCH_END)
            on_draft = wip._read_group(
                [("project_id", "=", self.project_tm.id), ("source", "=", "retainer")],
                ["on_draft"],
                ["amount:sum"],
            )
            self.assertEqual(sorted(on_draft), [(False, RETAINER), (True, RETAINER)])
            self._post(move)
            self.assertEqual(
                self._report_sums("psa.wip.report", "amount"), {"retainer": RETAINER}
            )
            profit = self._report_sums("psa.profitability.report", "revenue")
            self.assertEqual(profit["retainer"], 2 * RETAINER)
            self.assertEqual(sum(profit.values()), total_revenue)
            invoiced = self._report_sums("psa.profitability.report", "revenue_invoiced")
            self.assertEqual(invoiced, {"invoice": RETAINER + 200.0})

    def test_the_fifth_kind_is_earned_listed_and_never_stale(self):
        """Earned vs Projected earns the retainers through its branch hook,
        Work in Progress lists them behind its Entries button, and a change
        not flushed yet is read: the reports flush every registered kind."""
        with contextlib.ExitStack() as stack:
            for branch in self._retainer_branches():
                stack.enter_context(branch)
            revenue = self.env["psa.revenue.report"].with_user(self.user_billing)
            [(earned,)] = revenue._read_group(
                [("project_id", "=", self.project_tm.id)], [], ["earned:sum"]
            )
            self.assertEqual(earned, 2 * RETAINER)
            # A pending write (not flushed) to a retainer is what the reports read.
            self.retainers[1].x_amount = RETAINER / 2
            wip = self.env["psa.wip.report"].with_user(self.user_billing)
            [row] = wip.search(
                [("project_id", "=", self.project_tm.id), ("source", "=", "retainer")]
            )
            self.assertEqual(row.amount, RETAINER * 1.5)
            action = row.action_psa_open_entries()
            self.assertEqual(action["res_model"], "x_psa_retainer")
            self.assertEqual(
                self.env[action["res_model"]].search(action["domain"]), self.retainers
            )

    def test_cancelling_releases_the_retainer_and_credit_lists_it(self):
        move, _skipped = self._invoice(date_to=MARCH_END)
        march = self.retainers[0]
        self._post(move)
        wizard = (
            self.env["psa.invoice.credit"]
            .with_user(self.user_billing)
            .with_context(active_model="account.move", active_id=move.id)
            .create({"move_id": move.id})
        )
        [row] = wizard.line_ids
        self.assertEqual(
            (row.date, row.description, row.amount),
            (march.x_date, "March 2019", RETAINER),
        )
        move.with_user(self.user_billing).button_draft()
        move.with_user(self.user_billing).button_cancel()
        self.assertFalse(march.x_invoiced)
        self.assertEqual(move.psa_link_ids.state, "cancelled")
        again, _skipped = self._invoice(date_to=MARCH_END)
        self.assertEqual(again.psa_link_ids.x_retainer_id, march)
