# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import timedelta

from lxml import html as lxml_html

from odoo import Command
from odoo.tests import tagged

from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY

LONG_NAME = (
    "Return train ticket Paris to Lyon for the steering committee workshop with "
    "the customer's finance team and the data migration leads"
)


def _text(node):
    return re.sub(r"\s+", " ", node.text_content()).strip()


@tagged("post_install", "-at_install")
class TestInvoiceReadability(PsaInvoicingCommon):
    """Invoices read well: re-billed expenses with their own product, full
    labels with the service period, hours written alike on the invoice and in
    its annex, the annex header repeated on each page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rebill_product = cls.env.ref("psa_workflow.product_psa_rebill")
        cls.tax_rebill = cls._sale_tax("PSA Test Re-bill Tax", 7.0)
        cls.account_rebill = cls._income_account("PSA Test Re-billed Costs", "PSA701")
        cls.rebill_product.with_company(cls.company).write(
            {
                "taxes_id": [Command.set(cls.tax_rebill.ids)],
                "property_account_income_id": cls.account_rebill.id,
            }
        )

    @classmethod
    def _sale_tax(cls, name, amount):
        return cls.env["account.tax"].create(
            {
                "name": name,
                "amount": amount,
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )

    @classmethod
    def _income_account(cls, name, code):
        return cls.env["account.account"].create(
            {
                "name": name,
                "code": code,
                "account_type": "income",
                "company_ids": [Command.set(cls.company.ids)],
            }
        )

    def _rebilled(self, name=LONG_NAME, product=None):
        """A re-billed expense of 60.00 invoiced: the expense and its line."""
        expense = self.env["hr.expense"].create(
            {
                "name": name,
                "product_id": (product or self._expense_product()).id,
                "total_amount_currency": 60.0,
                "tax_ids": [Command.clear()],
                "employee_id": self.emp.id,
                "psa_project_id": self.project_tm.id,
                "date": DAY,
            }
        )
        sheet = self.env["hr.expense.sheet"].create(
            {
                "name": "PSA Test Trip",
                "employee_id": self.emp.id,
                "expense_line_ids": [Command.set(expense.ids)],
            }
        )
        sheet.action_submit_sheet()
        sheet.with_user(self.user_admin).action_approve_expense_sheets()
        move, _skipped = self._invoice()
        return expense, move.invoice_line_ids

    def _render(self, move):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", move.ids
        )[0]
        return lxml_html.fromstring(html.decode() if isinstance(html, bytes) else html)

    def test_rebilled_expense_has_the_rebill_product_account_and_taxes(self):
        expense, line = self._rebilled()
        self.assertEqual(line.product_id, self.rebill_product)
        self.assertEqual(line.account_id, self.account_rebill)
        self.assertEqual(line.tax_ids, self.tax_rebill)
        self.assertEqual(line.price_subtotal, 60.0)
        # The full label: what (never cut), its category, who and when.
        self.assertIn(LONG_NAME, line.name)
        self.assertIn(expense.product_id.name, line.name)
        self.assertIn(self.emp.name, line.name)
        self.assertTrue(line.name.endswith("— 4 Mar 2019"), line.name)

    def test_rebilled_expense_with_its_expense_category(self):
        self.company.psa_rebill_product_source = "expense"
        tax = self._sale_tax("PSA Test Travel Tax", 5.5)
        account = self._income_account("PSA Test Travel Re-billed", "PSA702")
        category = self._expense_product(
            "PSA Test Train",
            taxes_id=[Command.set(tax.ids)],
            property_account_income_id=account.id,
        )
        _expense, line = self._rebilled(name="Train", product=category)
        self.assertEqual(
            (line.product_id, line.account_id, line.tax_ids),
            (category, account, tax),
        )
        # Another re-bill product of the company's choice.
        self.company.psa_rebill_product_source = "product"
        self.assertEqual(
            self.company._psa_rebill_product(_expense), self.rebill_product
        )

    def test_each_line_carries_its_service_period(self):
        self._approved(2.0, 1.5, 0.25)  # 4, 5 and 6 March 2019
        move, _skipped = self._invoice()
        line = move.invoice_line_ids
        self.assertEqual(line.quantity, 3.75)
        self.assertTrue(
            line.name.endswith(", 3.75 h — 4 Mar 2019 to 6 Mar 2019"), line.name
        )
        move.with_user(self.user_billing).unlink()
        move, _skipped = self._invoice(detail="entry")
        self.assertEqual(
            sorted(name[-21:] for name in move.invoice_line_ids.mapped("name")),
            [", 0.25 h — 6 Mar 2019", ", 1.50 h — 5 Mar 2019", ", 2.00 h — 4 Mar 2019"],
        )

    def test_hours_are_written_alike_on_the_invoice_and_in_the_annex(self):
        self._approved(2.0, 1.5, 0.25)
        move, _skipped = self._invoice(annex=True)
        self.assertIn("3.75 h", move.invoice_line_ids.name)
        doc = self._render(move)
        [table] = doc.xpath("//table[contains(@class, 'psa_annex_table')]")
        hours = [_text(cell) for cell in table.xpath("./tbody/tr/td[5]")]
        self.assertEqual(hours, ["2.00 h", "1.50 h", "0.25 h"])
        [total] = table.xpath("./tfoot/tr/td[2]")
        self.assertEqual(_text(total), "3.75 h")
        self.assertNotIn("03:45", _text(table))

    def test_entries_without_a_description_are_named_by_their_task(self):
        """Odoo's "/" (what My Week saves without a note) never reaches the
        customer or the approver: the entry is named by its task, else its
        project, in the annex, on an entry-by-entry invoice line, in Credit
        Entries and on the approvers' screens."""
        task = self.env["project.task"].create(
            {"name": "Data migration", "project_id": self.project_tm.id}
        )
        with_task = self._log(hours=1.0, name="/", task_id=task.id)
        without_task = self._log(hours=2.0, name="/", day=DAY + timedelta(days=1))
        described = self._log(hours=0.5, name="Kick-off", day=DAY + timedelta(days=2))
        lines = with_task | without_task | described
        self.assertEqual(
            lines.mapped("psa_description"),
            ["Data migration", self.project_tm.name, "Kick-off"],
        )
        lines.with_user(self.user_employee).action_psa_submit()
        lines.with_user(self.user_approver).action_psa_approve()
        move, _skipped = self._invoice(detail="entry", annex=True)
        labels = move.invoice_line_ids.mapped("name")
        self.assertEqual(len(labels), 3)
        self.assertEqual(
            [
                any(name in label for label in labels)
                for name in ("Data migration", f"Employee, {self.project_tm.name},")
            ],
            [True, True],
        )
        self.assertFalse([label for label in labels if ", /," in label])
        doc = self._render(move)
        [table] = doc.xpath("//table[contains(@class, 'psa_annex_table')]")
        descriptions = [_text(cell) for cell in table.xpath("./tbody/tr/td[4]")]
        self.assertEqual(
            descriptions, ["Data migration", self.project_tm.name, "Kick-off"]
        )
        entries = move.psa_link_ids.sorted(lambda link: link.timesheet_id.date)
        self.assertTrue(entries[0].entry_name.endswith(": Data migration"))
        self.assertNotIn("/", entries[1].entry_name.split(": ", 1)[1])

    def test_annex_header_repeats_on_each_page(self):
        self._approved(*[1.0] * 40)
        move, _skipped = self._invoice(annex=True)
        doc = self._render(move)
        tables = doc.xpath("//table[contains(@class, 'psa_annex_table')]")
        # Page-sized tables (20 rows under the title, then 25 a page), each
        # with its header, marked to repeat should one run over a page.
        self.assertEqual([len(table.xpath("./tbody/tr")) for table in tables], [20, 20])
        for table in tables:
            [thead] = table.xpath("./thead")
            self.assertIn("display: table-header-group", thead.get("style"))
            self.assertEqual(
                [_text(th) for th in thead.xpath("./tr/th")][:5],
                ["Date", "Employee", "Task", "Description", "Hours"],
            )
            self.assertTrue(
                all(
                    "page-break-inside: avoid" in row.get("style")
                    for row in table.xpath("./tbody/tr")
                )
            )
        self.assertIn(
            "page-break-before: always", tables[1].getparent().get("style") or ""
        )
        # The total is printed once, after the last row, not as a page footer.
        self.assertEqual([len(table.xpath("./tfoot")) for table in tables], [0, 1])
        [tfoot] = tables[1].xpath("./tfoot")
        self.assertIn("display: table-row-group", tfoot.get("style"))
        self.assertEqual(_text(tfoot.xpath("./tr/td[2]")[0]), "40.00 h")

    def test_long_descriptions_take_more_room_on_a_page(self):
        links = self.env["psa.invoice.link"]
        self._approved(*[1.0] * 30)
        move, _skipped = self._invoice(annex=True)
        move.psa_link_ids.timesheet_id.sudo().write({"name": "x" * 120})
        pages = move._psa_annex_pages(move._psa_annex_links())
        self.assertEqual([len(page) for page in pages], [6, 8, 8, 8])
        self.assertEqual(sum(pages, links), move.psa_link_ids)
