# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter, defaultdict
from math import ceil

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .psa_money import split_by_weights
from .psa_validation import ensure_one

# What decides a line's subtotal: its entries' shares follow a change of it.
PSA_RESHARE_FIELDS = frozenset(
    ("quantity", "price_unit", "discount", "tax_ids", "price_subtotal")
)


class AccountMove(models.Model):
    """Invoices built by psa_workflow react to what Invoicing does with them:
    deleted or cancelled drafts and full credit notes return their entries to
    "to invoice"; a partial credit note releases nothing and asks for review."""

    _inherit = "account.move"

    psa_link_ids = fields.One2many(
        "psa.invoice.link",
        "move_id",
        string="Invoiced Entries",
        # Invoicing users outside the PSA groups open invoices too.
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
    )
    psa_timesheet_count = fields.Integer(compute="_compute_psa_counts")
    psa_needs_review = fields.Boolean(
        string="PSA Review Needed",
        copy=False,
        tracking=True,
        help="A partial credit note was made with Odoo's generic reversal: no entry "
        "was returned to 'to invoice'. Credit the entries concerned with the PSA "
        "credit action, or confirm that nothing is to be billed again.",
    )

    psa_invoice_annex = fields.Boolean(
        string="Timesheet Annex",
        compute="_compute_psa_invoice_annex",
        store=True,
        readonly=False,
        copy=False,
        help="Print the timesheets this invoice bills (date, employee, task, "
        "description, hours, rate, amount) as an annex of its PDF. Set by "
        "Create Invoices (default: the project's setting); billing users may "
        "switch it while the invoice is a draft.",
    )

    @api.depends("psa_link_ids")
    def _compute_psa_invoice_annex(self):
        """Invoices made before the switch existed: as set on their projects
        (new invoices get the value Create Invoices chose)."""
        for move in self:
            move.psa_invoice_annex = any(
                move.sudo().psa_link_ids.timesheet_id.project_id.mapped(
                    "psa_invoice_annex"
                )
            )

    @api.depends("psa_link_ids")
    def _compute_psa_counts(self):
        counts = dict(
            self.env["psa.invoice.link"]
            .sudo()
            ._read_group(
                [("move_id", "in", self.ids), ("timesheet_id", "!=", False)],
                ["move_id"],
                ["__count"],
            )
        )
        for move in self:
            move.psa_timesheet_count = counts.get(move, 0)

    def unlink(self):
        self.sudo().psa_link_ids._psa_release("cancelled")
        return super().unlink()

    def button_cancel(self):
        result = super().button_cancel()
        self._psa_forget_credit_choice()
        self.filtered(lambda m: m.state == "cancel").sudo().psa_link_ids._psa_release(
            "cancelled"
        )
        # Odoo's returns None, which XML-RPC cannot marshal.
        return True if result is None else result

    def button_draft(self):
        cancelled = self.filtered(lambda move: move.state == "cancel")
        cancelled.sudo().psa_link_ids._psa_reclaim()
        result = super().button_draft()
        # Odoo's returns None, which XML-RPC cannot marshal.
        return True if result is None else result

    def _post(self, soft=True):
        # What is posted is what the entries were billed for, to the cent.
        self.env["psa.invoice.link"]._reshare(
            self.invoice_line_ids.filtered("psa_linked_quantity")
        )
        posted = super()._post(soft=soft)
        posted.filtered(
            lambda move: move.move_type == "out_refund" and move.reversed_entry_id
        )._psa_apply_credit_notes()
        return posted

    def _psa_apply_credit_notes(self):
        for credit_note in self:
            invoice = credit_note.reversed_entry_id
            chosen = (
                self.env["psa.invoice.link"]
                .sudo()
                .search(
                    [
                        ("credit_line_id.move_id", "=", credit_note.id),
                        ("state", "=", "invoiced"),
                    ]
                )
            )
            if chosen:
                # Made by the Credit Entries action: exactly these entries.
                credit_note._psa_check_credit_lines(chosen)
                chosen._psa_release("credited", credit_move=credit_note)
                continue
            links = invoice.sudo().psa_link_ids.filtered(
                lambda link: link.state == "invoiced"
            )
            if not links:
                continue
            full = (
                float_compare(
                    credit_note.amount_untaxed,
                    invoice.amount_untaxed,
                    precision_rounding=invoice.currency_id.rounding,
                )
                == 0
            )
            if full:
                # After entries were credited one by one, a full reversal credits
                # them a second time: the accountant has to look.
                if invoice.sudo().psa_link_ids.filtered(
                    lambda link: link.state == "credited"
                ):
                    invoice.sudo().psa_needs_review = True
                links._psa_release("credited", credit_move=credit_note)
            else:
                # Never release hours that were not credited.
                invoice.sudo().psa_needs_review = True

    def _psa_forget_credit_choice(self):
        """A cancelled draft credit note credits nothing: its entries may be
        chosen again."""
        refunds = self.filtered(lambda move: move.move_type == "out_refund")
        if refunds:
            self.env["psa.invoice.link"].sudo().search(
                [
                    ("credit_line_id.move_id", "in", refunds.ids),
                    ("state", "=", "invoiced"),
                ]
            ).write({"credit_line_id": False, "credit_move_id": False})

    def _psa_check_credit_lines(self, links):
        """The lines of a PSA credit note must still credit what their entries
        were billed for: a credit note edited since would release entries for
        an amount it does not credit."""
        self.ensure_one()
        for line in links.credit_line_id:
            line_links = links.filtered(lambda link, ln=line: link.credit_line_id == ln)
            expected = sum(line_links.mapped("credit_amount"))
            if self.currency_id.compare_amounts(line.price_subtotal, expected):
                raise UserError(
                    self.env._(
                        'The credit note line "%(line)s" now credits %(credited)s '
                        "instead of the %(expected)s its entries were credited for. "
                        "Restore the line, or cancel this credit note and credit the "
                        "entries again.",
                        line=line.name,
                        credited=line.price_subtotal,
                        expected=expected,
                    )
                )

    def _psa_create_credit_note(self, links, reason=None, date=None):
        """A draft credit note of this posted invoice for exactly ``links``
        (entries it bills): per invoice line, the hours chosen at its price, or
        when that would not be their invoiced share to the cent, their amount.
        Posting it returns those entries, and only those, to "to invoice"."""
        self.ensure_one()
        links = links.sudo()
        self._psa_check_creditable(links)
        by_line = defaultdict(list)
        for link in links:
            by_line[link.move_line_id].append(link.id)
        # Links per invoice line, counted once (not a query per line).
        on_line = Counter(link.move_line_id.id for link in self.sudo().psa_link_ids)
        plans = [
            (
                links.browse(ids),
                self._psa_credit_line_vals(
                    move_line,
                    links.browse(ids),
                    whole=on_line[move_line.id] == len(ids),
                ),
            )
            for move_line, ids in sorted(by_line.items(), key=lambda item: item[0].id)
        ]
        day = date or fields.Date.context_today(self)
        # Babel cannot read an f-string inside the translated call.
        reason_suffix = f": {reason}" if reason else ""
        credit_note = self.create(
            {
                "move_type": "out_refund",
                "reversed_entry_id": self.id,
                "partner_id": self.partner_id.id,
                "currency_id": self.currency_id.id,
                "company_id": self.company_id.id,
                "journal_id": self.journal_id.id,
                "fiscal_position_id": self.fiscal_position_id.id,
                "invoice_user_id": self.invoice_user_id.id,
                "invoice_date": day,
                "date": day,
                "ref": self.env._(
                    "Credit of entries of %(invoice)s%(reason)s",
                    invoice=self.name,
                    reason=reason_suffix,
                ),
                "invoice_line_ids": [Command.create(vals) for _k, vals in plans],
            }
        )
        credit_lines = credit_note.invoice_line_ids.sorted("id")
        for (line_links, _vals), credit_line in zip(plans, credit_lines, strict=True):
            for link, share in self._psa_shares(credit_line, line_links):
                link.write(
                    {
                        "credit_line_id": credit_line.id,
                        "credit_move_id": credit_note.id,
                        "credit_amount": share,
                    }
                )
        return credit_note

    def _psa_check_creditable(self, links):
        """Refuse a credit by entries unless this is a posted customer invoice
        and ``links`` are some of its entries, invoiced and not on another
        credit note."""
        if self.move_type != "out_invoice" or self.state != "posted":
            raise UserError(
                self.env._(
                    "Only posted customer invoices can be credited by entries; "
                    "%(invoice)s is not one.",
                    invoice=self.display_name,
                )
            )
        wrong = links.filtered(
            lambda link: (
                link.move_id != self or link.state != "invoiced" or link.credit_line_id
            )
        )
        if wrong or not links:
            raise UserError(
                self.env._(
                    "Choose entries of %(invoice)s that are invoiced and not on "
                    "another credit note: %(entries)s",
                    invoice=self.display_name,
                    entries=", ".join(wrong.mapped("entry_name")) or "-",
                )
            )

    @api.model
    def _psa_shares(self, credit_line, links):
        """The credit line's subtotal split over its entries by hours, to the
        cent (entries without hours: one line each)."""
        shares = split_by_weights(
            credit_line.price_subtotal,
            [link.hours or 1.0 for link in links],
            credit_line.currency_id.rounding,
        )
        return list(zip(links, shares, strict=True))

    @api.model
    def _psa_credit_line_vals(self, move_line, links, whole=False):
        hours = sum(links.mapped("hours"))
        amount = sum(links.mapped("amount"))
        vals = {
            "product_id": move_line.product_id.id,
            "name": move_line.name,
            "account_id": move_line.account_id.id,
            "tax_ids": [Command.set(move_line.tax_ids.ids)],
            "analytic_distribution": move_line.analytic_distribution,
            "quantity": move_line.quantity,
            "price_unit": move_line.price_unit,
            "discount": move_line.discount,
        }
        if whole:
            return vals  # the whole line, as invoiced
        currency = move_line.currency_id
        at_price = currency.round(
            hours * move_line.price_unit * (1 - move_line.discount / 100.0)
        )
        # With taxes included in the price, a unit price is not an untaxed amount.
        included = any(move_line.tax_ids.mapped("price_include"))
        if hours and (not currency.compare_amounts(at_price, amount) or included):
            vals["quantity"] = hours
        else:
            vals.update(quantity=1.0, price_unit=amount, discount=0.0)
        engine = self.env["psa.invoicing.engine"]
        vals["name"] = self.env._(
            "Credit: %(hours)s of %(invoiced)s (%(line)s)",
            hours=engine._hours_label(hours),
            invoiced=engine._hours_label(move_line.quantity),
            line=move_line.name,
        )
        return vals

    def _psa_annex_links(self):
        """Timesheets billed by this invoice, for the annex of its PDF, when it
        asks for it (read for the printing user, who may be an
        accountant without timesheet rights). Entries credited since stay on
        it, marked with their credit note: a posted invoice's annex is what
        that invoice billed, and adds up to its lines."""
        self.ensure_one()
        links = self.sudo().psa_link_ids.filtered(
            lambda link: link.timesheet_id and link.state in ("invoiced", "credited")
        )
        if not self.psa_invoice_annex:
            return links.browse()
        return links.sorted(lambda link: (link.timesheet_id.date, link.id))

    @api.model
    def _psa_annex_pages(self, links, first_page=20, next_pages=25):
        """``links`` (the annex rows) in pages: each page is printed as a table
        with its own header. A page holds a budget of printed lines (fewer on
        the first, under the title); a row takes as many lines as its longest
        text wraps to."""
        pages, page, used, budget = [], [], 0, first_page
        for link in links:
            sheet = link.timesheet_id
            weight = max(
                1,
                ceil(len(sheet.name or "") / 40),
                ceil(len(sheet.task_id.name or "") / 24),
                ceil(len(sheet.employee_id.name or "") / 22),
            )
            if page and used + weight > budget:
                pages.append(links.browse(page))
                page, used, budget = [], 0, next_pages
            page.append(link.id)
            used += weight
        if page:
            pages.append(links.browse(page))
        return pages

    def action_psa_open_entries(self):
        ensure_one(self, "action_psa_open_entries")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Billed Timesheets"),
            "res_model": "account.analytic.line",
            "view_mode": "list,form",
            "domain": [("id", "in", self.sudo().psa_link_ids.timesheet_id.ids)],
        }


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    psa_plan_key = fields.Integer(
        string="PSA Plan Key",
        copy=False,
        readonly=True,
        help="Set by the invoicing engine on the lines it plans: how it finds "
        "each line again to record the entries it bills.",
    )
    psa_linked_quantity = fields.Float(
        string="PSA Quantity Billed",
        copy=False,
        readonly=True,
        help="The line's quantity when the engine linked its entries: a new "
        "quantity scales the hours billed for each of them.",
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_psa_release_entries(self):
        """A line deleted from a draft returns the entries it billed to "to
        invoice": they are billable again, not stranded as invoiced."""
        self.env["psa.invoice.link"].sudo().search(
            [("move_line_id", "in", self.ids), ("state", "=", "invoiced")]
        )._psa_release("cancelled")

    def write(self, vals):
        result = super().write(vals)
        if PSA_RESHARE_FIELDS & vals.keys():
            self.env["psa.invoice.link"]._reshare(
                self.filtered(
                    lambda line: line.psa_linked_quantity or line.psa_plan_key
                )
            )
        return result
