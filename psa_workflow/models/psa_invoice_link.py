# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .psa_money import split_by_weights


class PsaInvoiceLink(models.Model):
    """Which timesheet or expense an invoice line bills, for how many hours and
    how much, and what became of it (cancelled, credited). The database allows
    one *invoiced* link per entry: an entry cannot be billed twice.

    One Many2one per billable kind (the engine's ``_psa_billable_kinds``);
    exactly one is set (a CHECK made from that registry in ``init``)."""

    _name = "psa.invoice.link"
    _inherit = ["psa.client.access.mixin"]
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
    standard_hours = fields.Float(
        digits=(16, 2),
        readonly=True,
        help="The entry's hours when it was invoiced: what it stands for, "
        "whatever the accountant made of the invoice line since.",
    )
    standard_amount = fields.Monetary(
        string="Standard Value",
        currency_field="currency_id",
        readonly=True,
        help="This entry's share of its invoice line as the engine made it: "
        "its value at its rate.",
    )
    writedown_amount = fields.Monetary(
        string="Write-down",
        currency_field="currency_id",
        compute="_compute_writedown_amount",
        help="Standard value minus the amount billed: positive when the "
        "invoice line was cut, negative (a write-up) when it was raised.",
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

    @api.depends("standard_amount", "amount")
    def _compute_writedown_amount(self):
        for link in self:
            link.writedown_amount = link.standard_amount - link.amount

    @api.depends(lambda self: self._kind_columns())
    def _compute_entry_name(self):
        for link in self:
            if link.timesheet_id:
                line = link.timesheet_id
                link.entry_name = (
                    f"{line.date} {line.employee_id.name}: {line.psa_description or ''}"
                )
            else:
                link.entry_name = link._psa_entry().display_name

    def _psa_entry(self):
        """The entry this link bills: a record of its billable kind."""
        self.ensure_one()
        for column in self._kind_columns():
            if self[column]:
                return self[column]
        return self.timesheet_id  # empty: a link bills one entry (CHECK)

    def _psa_entry_date(self):
        """The date of the entry (its kind's ``date_field``), or False."""
        self.ensure_one()
        for spec in self.env["psa.invoicing.engine"]._psa_billable_kinds().values():
            entry = self[spec.link_field]
            if entry:
                return entry[spec.date_field] or False
        return False

    def _psa_entries(self):
        """``{kind: the entries these links bill}`` (sudo)."""
        return {
            kind: self[spec.link_field].sudo()
            for kind, spec in self.env["psa.invoicing.engine"]
            ._psa_billable_kinds()
            .items()
        }

    def _psa_release(self, state, credit_move=None):
        """The entries of the live links go back to "to invoice"; the links
        keep the history (``cancelled`` or ``credited``, with the credit note).
        The addon's own bookkeeping: done with sudo, whoever cancels, deletes
        or credits the invoice in Invoicing."""
        links = self.sudo().filtered(lambda link: link.state == "invoiced")
        if not links:
            return
        links.write(
            {"state": state, "credit_move_id": credit_move.id if credit_move else False}
        )
        self.env["psa.invoicing.engine"]._mark(links._psa_entries(), invoiced=False)

    def _psa_reclaim(self):
        """A cancelled invoice set back to draft bills the entries of its
        cancelled links again, unless they were invoiced elsewhere meanwhile."""
        links = self.sudo().filtered(lambda link: link.state == "cancelled")
        if not links:
            return
        engine = self.env["psa.invoicing.engine"]
        entries = links._psa_entries()
        names = [
            name
            for kind, records in entries.items()
            for name in engine._psa_taken(kind, records).mapped("display_name")
        ]
        if names:
            raise UserError(
                self.env._(
                    "Some entries of this invoice were invoiced again since it was "
                    "cancelled; create a new invoice instead:\n%(entries)s",
                    entries="\n".join(names[:20]),
                )
            )
        links.write({"state": "invoiced"})
        engine._mark(entries, invoiced=True)

    @api.model
    def _psa_link_invoiced(self, moves, plans_per_move):
        """Record which entries each invoice line of ``moves`` bills (its
        kind's ``link_vals``), then mark the entries invoiced.

        :param plans_per_move: per move, ``{plan key: LinePlan}``: a planned
            line is found on its move by its key (``psa_plan_key``), whatever
            other lines the move has; a line that bills no entry has no link
        """
        engine = self.env["psa.invoicing.engine"]
        kinds = engine._psa_billable_kinds()
        links = []
        billed = defaultdict(list)
        for move, keyed in zip(moves, plans_per_move, strict=True):
            move_lines = {
                line.psa_plan_key: line for line in move.line_ids if line.psa_plan_key
            }
            for plan_key, plan in keyed.items():
                if not plan.records:
                    continue
                billed[plan.kind] += plan.records.ids
                spec = kinds[plan.kind]
                links += engine._psa_kind_call(
                    spec.link_vals, spec, move_lines[plan_key], plan
                )
        self._insert(links)
        engine._mark(
            {
                kind: self.env[spec.model].sudo().browse(billed[kind])
                for kind, spec in kinds.items()
            },
            invoiced=True,
        )

    @api.model
    def _psa_link_vals(self, spec, move_line, plan):
        """The links of one invoice line (``plan``, of the kind ``spec``): its
        subtotal split over its entries so that the shares add up to the cent,
        by their billed hours (which the links record) or evenly."""
        weights = plan.hours if plan.hours is not None else [1.0] * len(plan.records)
        shares = split_by_weights(
            move_line.price_subtotal, weights, move_line.currency_id.rounding
        )
        links = [
            {"move_line_id": move_line.id, spec.link_field: entry_id, "amount": share}
            for entry_id, share in zip(plan.records.ids, shares, strict=True)
        ]
        if plan.hours is not None:
            for link, hours in zip(links, plan.hours, strict=True):
                link["hours"] = hours
        return links

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
        types = dict.fromkeys(("move_line_id", *self._kind_columns()), "%s::int[]")
        types.update(hours="%s::numeric[]", amount="%s::numeric[]")
        arrays = []
        for column, cast in types.items():
            if column in ("hours", "amount"):
                values = [vals.get(column, 0.0) for vals in vals_list]
            else:
                values = [vals.get(column) or None for vals in vals_list]
            items = ("NULL" if value is None else repr(value) for value in values)
            arrays.append(SQL(cast, "{" + ",".join(items) + "}"))
        columns = SQL(", ").join(SQL.identifier(column) for column in types)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO psa_invoice_link
                    (%(columns)s, standard_hours, standard_amount, move_id,
                     company_id, currency_id,
                     state, create_uid, create_date, write_uid, write_date)
                SELECT %(values)s, v.hours, v.amount, aml.move_id, aml.company_id,
                       aml.currency_id, 'invoiced', %(uid)s, now() AT TIME ZONE 'UTC',
                       %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM unnest(%(arrays)s) AS v(%(columns)s)
                  JOIN account_move_line aml ON aml.id = v.move_line_id
             RETURNING psa_invoice_link.id
                """,
                columns=columns,
                values=SQL(", ").join(SQL.identifier("v", column) for column in types),
                arrays=SQL(", ").join(arrays),
                uid=self.env.uid,
            )
        )
        links = self.browse([row[0] for row in self.env.cr.fetchall()])
        # What each line stood for when its entries were linked: an edit of
        # the line later scales their hours (_reshare).
        self.env.cr.execute(
            SQL(
                "UPDATE account_move_line SET psa_linked_quantity = quantity"
                " WHERE id = ANY(%s)",
                sorted({vals["move_line_id"] for vals in vals_list}),
            )
        )
        self.env["account.move.line"].invalidate_model(["psa_linked_quantity"])
        self.env["account.move"].invalidate_model(["psa_link_ids"])
        return links

    @api.model
    def _reshare(self, move_lines):
        """The live links of ``move_lines`` follow the lines as they are now
        (an accountant changed a quantity, price or discount of a draft): each
        line's subtotal split again over its entries, to the cent, in the
        proportions the engine billed them in; the hours scaled with the
        line's quantity. What an entry lost or gained is its write-down
        (``standard_amount - amount``)."""
        links = self.sudo().search(
            [("move_line_id", "in", move_lines.ids), ("state", "=", "invoiced")]
        )
        for line, line_links in links.grouped("move_line_id").items():
            hours = line_links.mapped("standard_hours")
            weights = hours if any(hours) else [1.0] * len(line_links)
            shares = split_by_weights(
                line.price_subtotal, weights, line.currency_id.rounding
            )
            if any(hours):
                ratio = line.quantity / (line.psa_linked_quantity or sum(hours))
                billed = split_by_weights(sum(hours) * ratio, hours, 0.01)
            else:
                billed = line_links.mapped("hours")
            for link, share, link_hours in zip(line_links, shares, billed, strict=True):
                if link.currency_id.compare_amounts(link.amount, share) or (
                    round(link.hours - link_hours, 2)
                ):
                    link.write({"amount": share, "hours": link_hours})

    @api.model
    def _kind_columns(self):
        """The link's Many2one of each billable kind, in the registry's order."""
        return [
            spec.link_field
            for spec in self.env["psa.invoicing.engine"]._psa_billable_kinds().values()
        ]

    def init(self):
        columns = self._kind_columns()
        # An invoiced entry is one record of one billable kind. Kept out of
        # _sql_constraints: its columns follow the registry of kinds (the
        # former static one_entry constraint is dropped by the upgrade).
        check = "CHECK ((num_nonnulls({}) = 1))".format(", ".join(columns))
        self.env.cr.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conname = 'psa_invoice_link_one_kind'"
            " AND conrelid = 'psa_invoice_link'::regclass"
        )
        row = self.env.cr.fetchone()
        if not row or row[0] != check:
            self.env.cr.execute(
                SQL(
                    "ALTER TABLE psa_invoice_link"
                    " DROP CONSTRAINT IF EXISTS psa_invoice_link_one_kind,"
                    " ADD CONSTRAINT psa_invoice_link_one_kind"
                    " CHECK (num_nonnulls(%s) = 1)",
                    SQL(", ").join(SQL.identifier(column) for column in columns),
                )
            )
        # The last line of defence against double billing: one live link per entry.
        for column in columns:
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX IF NOT EXISTS %s ON psa_invoice_link (%s)"
                    " WHERE state = 'invoiced'",
                    SQL.identifier(f"psa_invoice_link_{column}_invoiced_uniq"),
                    SQL.identifier(column),
                )
            )
