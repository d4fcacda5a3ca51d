# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

KIND_COLUMNS = ("timesheet_id", "expense_id", "installment_id", "milestone_id")


class PsaInvoiceLink(models.Model):
    """Which timesheet or expense an invoice line bills, for how many hours and
    how much, and what became of it (cancelled, credited). The database allows
    one *invoiced* link per entry: an entry cannot be billed twice."""

    _name = "psa.invoice.link"
    _description = "PSA Invoiced Entry"
    _order = "move_id, move_line_id, id"

    move_line_id = fields.Many2one(
        "account.move.line",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    move_id = fields.Many2one(
        related="move_line_id.move_id", store=True, index=True, string="Invoice"
    )
    company_id = fields.Many2one(related="move_line_id.company_id", store=True)
    currency_id = fields.Many2one(related="move_line_id.currency_id", store=True)
    timesheet_id = fields.Many2one(
        "account.analytic.line",
        ondelete="restrict",
        index="btree_not_null",
        readonly=True,
    )
    expense_id = fields.Many2one(
        "hr.expense", ondelete="restrict", index="btree_not_null", readonly=True
    )
    installment_id = fields.Many2one(
        "psa.project.installment",
        ondelete="restrict",
        index="btree_not_null",
        readonly=True,
    )
    milestone_id = fields.Many2one(
        "project.milestone", ondelete="restrict", index="btree_not_null", readonly=True
    )
    hours = fields.Float(
        digits=(16, 2), readonly=True, help="Billed hours (timesheets)."
    )
    amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="This entry's share of the invoice line, in the invoice currency; the "
        "shares of a line add up to its subtotal.",
    )
    state = fields.Selection(
        selection=[
            ("invoiced", "Invoiced"),
            ("cancelled", "Invoice cancelled"),
            ("credited", "Credited"),
        ],
        default="invoiced",
        required=True,
        readonly=True,
        index=True,
    )
    credit_move_id = fields.Many2one(
        "account.move", string="Credit Note", readonly=True
    )
    credit_line_id = fields.Many2one(
        "account.move.line",
        string="Credit Note Line",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="Set by the Credit Entries action: the credit note line that credits "
        "this entry. The entry returns to 'to invoice' when that credit note is "
        "posted.",
    )
    credit_amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="This entry's share of the credit note line that credits it.",
    )
    entry_name = fields.Char(string="Entry", compute="_compute_entry_name")

    @api.depends("timesheet_id", "expense_id", "installment_id", "milestone_id")
    def _compute_entry_name(self):
        for link in self:
            if link.timesheet_id:
                line = link.timesheet_id
                link.entry_name = (
                    f"{line.date} {line.employee_id.name}: {line.name or ''}"
                )
            else:
                entry = link.expense_id or link.installment_id or link.milestone_id
                link.entry_name = entry.display_name

    _sql_constraints = [
        (
            "one_entry",
            "CHECK(num_nonnulls(timesheet_id, expense_id, installment_id, milestone_id)"
            " = 1)",
            "An invoiced entry is a timesheet, an expense, an installment or a "
            "milestone.",
        ),
    ]

    @api.model
    def _insert(self, vals_list):
        """Create many links in one INSERT whatever their number (the engine's
        bookkeeping; the ORM would insert and then update them in batches).
        The related columns are read from the invoice lines in the same query."""
        if not vals_list:
            return self.browse()
        # One array per column: one parameterised statement whatever the rows.
        # Sent as array literals: psycopg2 would adapt the lists element by
        # element (tenths of a second on 50,000 links, on both ends).
        arrays = {
            column: [vals.get(column) or None for vals in vals_list]
            for column in ("move_line_id", *KIND_COLUMNS)
        }
        for column in ("hours", "amount"):
            arrays[column] = [vals.get(column, 0.0) for vals in vals_list]
        for column, values in arrays.items():
            items = ("NULL" if value is None else repr(value) for value in values)
            arrays[column] = "{" + ",".join(items) + "}"
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO psa_invoice_link
                    (move_line_id, timesheet_id, expense_id, installment_id,
                     milestone_id, hours, amount, move_id, company_id, currency_id,
                     state, create_uid, create_date, write_uid, write_date)
                SELECT v.move_line_id, v.timesheet_id, v.expense_id, v.installment_id,
                       v.milestone_id, v.hours, v.amount, aml.move_id, aml.company_id,
                       aml.currency_id, 'invoiced', %(uid)s, now() AT TIME ZONE 'UTC',
                       %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM unnest(%(move_line)s::integer[], %(timesheet)s::integer[],
                              %(expense)s::integer[], %(installment)s::integer[],
                              %(milestone)s::integer[], %(hours)s::numeric[],
                              %(amount)s::numeric[])
                    AS v(move_line_id, timesheet_id, expense_id, installment_id,
                         milestone_id, hours, amount)
                  JOIN account_move_line aml ON aml.id = v.move_line_id
             RETURNING psa_invoice_link.id
                """,
                uid=self.env.uid,
                move_line=arrays["move_line_id"],
                timesheet=arrays["timesheet_id"],
                expense=arrays["expense_id"],
                installment=arrays["installment_id"],
                milestone=arrays["milestone_id"],
                hours=arrays["hours"],
                amount=arrays["amount"],
            )
        )
        links = self.browse([row[0] for row in self.env.cr.fetchall()])
        self.env["account.move"].invalidate_model(["psa_link_ids"])
        return links

    def init(self):
        # The last line of defence against double billing: one live link per entry.
        for column in KIND_COLUMNS:
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX IF NOT EXISTS %s ON psa_invoice_link (%s)"
                    " WHERE state = 'invoiced'",
                    SQL.identifier(f"psa_invoice_link_{column}_invoiced_uniq"),
                    SQL.identifier(column),
                )
            )
