# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer invoices in the portal: the work behind each invoice line, as the
customer may see it (the portal page, its CSV and its PDF annex read the same
rows). Only what the invoice bills: never a cost, a margin, an internal note,
an entry not invoiced, or anything of another invoice."""

import csv
import io

from odoo import fields, models

# The columns of the CSV download, in order.
CSV_COLUMNS = (
    "line",
    "kind",
    "date",
    "consultant",
    "task",
    "description",
    "hours",
    "rate",
    "amount",
    "currency",
)


def _csv_text(value):
    """A text cell a spreadsheet will not run as a formula (entries' notes
    are typed by consultants and opened by customers)."""
    if value and value[0] in "=+-@\t\r":
        return f"'{value}"
    return value


# One class per concern of the invoice, on purpose (the base class is
# account_move.py's).
# pylint: disable=consider-merging-classes-inherited
class AccountMove(models.Model):
    _inherit = "account.move"

    def _psa_portal_work(self):
        """The work this posted customer invoice bills, line by line:
        ``{"sections": [{"line", "subtotal", "rows", "total"}], "total",
        "currency"}``; a row is a dict of ``kind`` (time, expense,
        installment, milestone or another kind's name), ``date``,
        ``consultant``, ``task``, ``description``, ``hours``, ``rate``,
        ``amount``, ``receipt`` (an expense whose project shares receipts)
        and ``credited`` (the credit note that took the entry back since).
        Read as superuser: the caller checked the customer's access to the
        invoice."""
        self.ensure_one()
        move = self.sudo()
        empty = {"sections": [], "total": 0.0, "currency": move.currency_id}
        if move.move_type != "out_invoice" or move.state != "posted":
            return empty
        links = move.psa_link_ids.filtered(
            lambda link: link.state in ("invoiced", "credited")
        )
        sections = []
        for line in move.invoice_line_ids.filtered(
            lambda move_line: move_line.display_type == "product"
        ):
            rows = [
                self._psa_portal_row(link)
                for link in links.filtered(
                    lambda k, line=line: k.move_line_id == line
                ).sorted(lambda k: (k._psa_entry_date() or fields.Date.today(), k.id))
            ]
            if rows:
                sections.append(
                    {
                        "line": line.name,
                        "subtotal": line.price_subtotal,
                        "rows": rows,
                        "total": move.currency_id.round(
                            sum(row["amount"] for row in rows)
                        ),
                    }
                )
        return {
            "sections": sections,
            "total": move.currency_id.round(
                sum(section["total"] for section in sections)
            ),
            "currency": move.currency_id,
        }

    def _psa_portal_row(self, link):
        """One entry of ``link`` as the customer sees it."""
        row = {
            "kind": "other",
            "date": link._psa_entry_date() or False,
            "consultant": "",
            "task": "",
            "description": link.entry_name or "",
            "hours": 0.0,
            "rate": 0.0,
            "amount": link.amount,
            "receipt": False,
            "credited": link.credit_move_id.name if link.state == "credited" else "",
        }
        if link.timesheet_id:
            sheet = link.timesheet_id
            row.update(
                kind="time",
                consultant=sheet.employee_id.name or "",
                task=sheet.task_id.name or "",
                description=sheet.psa_description or "",
                hours=link.hours,
                rate=link.move_line_id.price_unit,
            )
        elif link.expense_id:
            expense = link.expense_id
            row.update(kind="expense", description=expense.name or "")
            if expense.psa_project_id.psa_portal_receipts and self._psa_receipt_of(
                expense
            ):
                row["receipt"] = expense.id
        elif link.installment_id:
            row.update(kind="installment", description=link.installment_id.name or "")
        elif link.milestone_id:
            row.update(kind="milestone", description=link.milestone_id.name or "")
        return row

    def _psa_portal_receipt(self, expense_id):
        """The receipt (an ``ir.attachment``, sudo) of expense ``expense_id``
        if this invoice bills it and its project shares receipts, else an
        empty recordset."""
        self.ensure_one()
        work = self._psa_portal_work()
        shared = {
            row["receipt"]
            for section in work["sections"]
            for row in section["rows"]
            if row["receipt"]
        }
        if expense_id not in shared:
            return self.env["ir.attachment"]
        return self._psa_receipt_of(self.env["hr.expense"].sudo().browse(expense_id))

    def _psa_receipt_of(self, expense):
        """An expense's receipt: its main attachment, else its first."""
        return expense.message_main_attachment_id or expense.attachment_ids[:1]

    def _psa_portal_csv(self):
        """The portal's work of this invoice as CSV text (one row per entry,
        hours and amounts as plain decimals)."""
        work = self._psa_portal_work()
        kinds = self._psa_portal_kind_labels()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([self._psa_portal_csv_header(name) for name in CSV_COLUMNS])
        currency = work["currency"]
        for section in work["sections"]:
            for row in section["rows"]:
                texts = [
                    section["line"],
                    kinds.get(row["kind"], row["kind"]),
                    fields.Date.to_string(row["date"]) if row["date"] else "",
                    row["consultant"],
                    row["task"],
                    row["description"],
                ]
                writer.writerow(
                    [
                        *(_csv_text(text) for text in texts),
                        f"{row['hours']:.2f}" if row["kind"] == "time" else "",
                        f"{row['rate']:.{currency.decimal_places}f}"
                        if row["kind"] == "time"
                        else "",
                        f"{row['amount']:.{currency.decimal_places}f}",
                        currency.name,
                    ]
                )
        return buffer.getvalue()

    def _psa_portal_kind_labels(self):
        return {
            "time": self.env._("Time"),
            "expense": self.env._("Expense"),
            "installment": self.env._("Installment"),
            "milestone": self.env._("Milestone"),
            "other": self.env._("Other"),
        }

    def _psa_portal_csv_header(self, name):
        return {
            "line": self.env._("Invoice Line"),
            "kind": self.env._("Kind"),
            "date": self.env._("Date"),
            "consultant": self.env._("Consultant"),
            "task": self.env._("Task"),
            "description": self.env._("Description"),
            "hours": self.env._("Hours"),
            "rate": self.env._("Rate"),
            "amount": self.env._("Amount"),
            "currency": self.env._("Currency"),
        }[name]
