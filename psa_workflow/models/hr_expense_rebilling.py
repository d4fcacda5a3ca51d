# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Expenses, re-billing: whether an expense is invoiced to the project's
customer, at cost or with a markup, its billing status, who may change it,
and what an invoiced expense must keep as it was invoiced."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .psa_invoicing_engine import LinePlan
from .psa_validation import MAX_MARKUP_PERCENT, check_ranges, sql_check
from .psa_write_policy import BILLING, SERVER


# One class per concern of the expense, on purpose (the base class is in
# hr_expense.py).
# pylint: disable=consider-merging-classes-inherited
class HrExpense(models.Model):
    _inherit = "hr.expense"
    # A billable kind (psa.billable.mixin): approved, re-billed expenses.
    _psa_billable_kind = "expenses"
    _psa_billable_sequence = 20
    _psa_link_field = "expense_id"
    _psa_project_field = "psa_project_id"
    # Invoiced, an expense keeps what it was invoiced at: its ``psa_lock``
    # fields (Odoo's declared locked here) no longer change.
    _psa_lock_domain = [("psa_invoiced", "=", True)]

    analytic_distribution = fields.Json(psa_lock=True)
    company_id = fields.Many2one(psa_lock=True)
    currency_id = fields.Many2one(psa_lock=True)
    date = fields.Date(psa_lock=True)
    employee_id = fields.Many2one(psa_lock=True)
    price_unit = fields.Float(psa_lock=True)
    product_id = fields.Many2one(psa_lock=True)
    quantity = fields.Float(psa_lock=True)
    tax_ids = fields.Many2many(psa_lock=True)
    total_amount = fields.Monetary(psa_lock=True)
    total_amount_currency = fields.Monetary(psa_lock=True)

    psa_rebillable = fields.Boolean(
        string="Re-bill to Customer",
        compute="_compute_psa_rebillable",
        store=True,
        readonly=False,
        help="The expense is invoiced to the project's customer. By default, the "
        "expenses of billable projects are.",
        psa_lock=True,
    )
    psa_rebill_method = fields.Selection(
        selection=[("at_cost", "At Cost"), ("markup", "With Markup")],
        string="Re-bill Method",
        default="at_cost",
        required=True,
        psa_write=BILLING,
        psa_lock=True,
    )
    psa_markup_percent = fields.Float(
        string="Markup (%)",
        digits=(16, 2),
        help="Added to the expense total when re-billed with markup.",
        psa_write=BILLING,
        psa_lock=True,
    )
    psa_rebill_amount = fields.Monetary(
        string="Re-bill Amount",
        currency_field="currency_id",
        compute="_compute_psa_rebill_amount",
        store=True,
        help="The amount invoiced to the customer, in the expense currency: the "
        "expense total, plus the markup when re-billed with markup.",
        psa_write=SERVER,
    )
    psa_invoiced = fields.Boolean(
        string="Invoiced to Customer",
        readonly=True,
        copy=False,
        help="Set by invoicing once the expense is on a customer invoice.",
        psa_write=SERVER,
    )
    psa_billing_state = fields.Selection(
        selection=[
            ("not_billable", "Not Re-billed"),
            ("to_approve", "To Re-bill once Approved"),
            ("to_invoice", "To Invoice"),
            ("invoiced", "Invoiced"),
        ],
        string="Billing Status",
        compute="_compute_psa_billing_state",
        store=True,
        index=True,
        help="Not Re-billed: not re-billed to the customer, or refused.\n"
        "To Re-bill once Approved: re-billed, waiting for the approval.\n"
        "To Invoice: re-billed and approved, waiting for the customer invoice.\n"
        "Invoiced: on a customer invoice; the expense can no longer change.",
        psa_write=SERVER,
    )

    _sql_constraints = [
        (
            "psa_markup_percent_range",
            sql_check("psa_markup_percent", 0, MAX_MARKUP_PERCENT),
            "An expense's markup must be a number from 0 to 1000 %.",
        ),
        (
            "psa_rebill_amount_range",
            sql_check("psa_rebill_amount", 0),
            "An expense's re-bill amount must be a finite number, not negative.",
        ),
    ]

    @api.depends("psa_project_id")
    def _compute_psa_rebillable(self):
        for expense in self:
            # sudo: whoever can see the expense may know if its project is billable
            # A negative expense (a refund) is not re-billed by default.
            expense.psa_rebillable = (
                expense.psa_project_id.sudo().psa_is_billable
                and expense.untaxed_amount_currency >= 0
            )

    @api.depends(
        "psa_rebillable",
        "psa_rebill_method",
        "psa_markup_percent",
        "untaxed_amount_currency",
        "currency_id",
    )
    def _compute_psa_rebill_amount(self):
        for expense in self:
            expense.psa_rebill_amount = expense._psa_derive_rebill_amount()

    def _psa_derive_rebill_amount(self):
        """What the customer is billed for this expense, from its facts: the
        cost without the input taxes (the customer invoice applies its own),
        plus the markup when re-billed with markup; 0 if not re-billed."""
        self.ensure_one()
        cost = self.untaxed_amount_currency
        if not self.psa_rebillable:
            amount = 0.0
        elif self.psa_rebill_method == "markup":
            amount = cost * (1 + self.psa_markup_percent / 100)
        else:
            amount = cost
        return self.currency_id.round(amount)

    @api.depends("psa_rebillable", "state", "psa_invoiced")
    def _compute_psa_billing_state(self):
        for expense in self:
            if expense.psa_invoiced:
                expense.psa_billing_state = "invoiced"
            elif not expense.psa_rebillable or expense.state == "refused":
                expense.psa_billing_state = "not_billable"
            elif expense.state in ("approved", "done"):
                expense.psa_billing_state = "to_invoice"
            else:
                expense.psa_billing_state = "to_approve"

    @api.constrains("psa_rebillable", "psa_project_id", "untaxed_amount_currency")
    def _check_psa_rebillable(self):
        for expense in self.filtered("psa_rebillable"):
            if expense.untaxed_amount_currency < 0:
                raise ValidationError(
                    self.env._(
                        "The expense %(expense)s cannot be re-billed: its amount is "
                        "negative.",
                        expense=expense.display_name,
                    )
                )
            project = expense.psa_project_id.sudo()
            if not project:
                raise ValidationError(
                    self.env._(
                        "The expense %(expense)s cannot be re-billed: it is for no "
                        "project.",
                        expense=expense.display_name,
                    )
                )
            if not project.psa_is_billable:
                raise ValidationError(
                    self.env._(
                        "The expense %(expense)s cannot be re-billed: the project "
                        "%(project)s is not billable.",
                        expense=expense.display_name,
                        project=project.display_name,
                    )
                )

    @api.constrains("psa_markup_percent")
    def _check_psa_markup_percent(self):
        check_ranges(
            self,
            {"psa_markup_percent": (0.0, MAX_MARKUP_PERCENT)},
            name=lambda expense: self.env._(
                "The expense %(expense)s", expense=expense.display_name
            ),
        )

    def _psa_check_write(self, vals):
        if "psa_rebillable" in vals:
            self._psa_check_can_change_rebillable(vals["psa_rebillable"])

    def _psa_check_can_change_rebillable(self, rebillable):
        """Whether an expense is re-billed is proposed by its employee while
        they can edit it, reviewed by the approvers (who can edit it until it
        is approved) and decided by billing users until it is invoiced."""
        if self.env.su or self.env.user.has_group("psa_workflow.group_psa_billing"):
            return
        frozen = self.filtered(
            lambda expense: (
                not expense.is_editable and expense.psa_rebillable != bool(rebillable)
            )
        )
        if frozen:
            raise UserError(
                self.env._(
                    "The expense %(expense)s can no longer be edited by you: only "
                    "a billing user can change whether it is re-billed.",
                    expense=frozen[0].display_name,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_psa_invoiced(self):
        invoiced = self.filtered("psa_invoiced")
        if invoiced:
            raise UserError(
                self.env._(
                    "The expense %(expense)s is invoiced to the customer: it cannot "
                    "be deleted.",
                    expense=invoiced[0].display_name,
                )
            )

    def _psa_lock_refusal(self, locked, fnames):
        labels = sorted(
            self._fields[name]._description_string(self.env) for name in fnames
        )
        return self.env._(
            "The expense %(expense)s is invoiced to the customer: its "
            "%(fields)s can no longer change.",
            expense=locked[0].display_name,
            fields=", ".join(labels),
        )

    @api.model
    def _psa_invoice_domain(self, projects, date_to):
        # The billing state is derived again from its facts: an approved
        # report, re-billed, not invoiced yet.
        return [
            ("psa_project_id", "in", projects.ids),
            ("psa_rebillable", "=", True),
            ("psa_invoiced", "=", False),
            ("sheet_id.state", "in", ("approve", "post", "done")),
            ("date", "<=", date_to),
        ]

    def _psa_invoice_lines(self, run, currency, company):
        """One line per re-billed expense, in the invoice currency."""
        engine = self.env["psa.invoicing.engine"]
        plans = []
        for expense in self:
            amount = expense.currency_id._convert(
                expense._psa_derive_rebill_amount(), currency, company, expense.date
            )
            vals = engine._prepare_expense_line_vals(expense, amount, company)
            plans.append(LinePlan(vals, expense, None))
        return plans

    def action_psa_create_invoices(self):
        """Re-bill the selected expenses (approved, re-billable ones)."""
        return self.env["psa.invoicing.engine"]._invoice_selection("expenses", self)
