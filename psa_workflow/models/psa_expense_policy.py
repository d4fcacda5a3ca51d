# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount

from .psa_validation import check_ranges, sql_check


class PsaExpensePolicy(models.Model):
    """The spending rules of one expense category in one company: a maximum per
    expense, when a receipt is required, when an expense report is approved
    without a manager, and whether a breach blocks the expense or only warns."""

    _name = "psa.expense.policy"
    _inherit = ["psa.client.access.mixin"]
    _description = "PSA Expense Policy"
    _rec_name = "product_id"
    _order = "company_id, product_id"
    _check_company_auto = True

    active = fields.Boolean(default=True)
    product_id = fields.Many2one(
        "product.product",
        string="Expense Category",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
        domain=[("can_be_expensed", "=", True)],
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    max_amount = fields.Monetary(
        string="Maximum per Expense",
        currency_field="currency_id",
        help="The highest total of one expense of this category, in the company "
        "currency. 0: no maximum.",
    )
    receipt_required = fields.Boolean(
        default=True,
        help="Expenses of this category need a receipt (a document attached to the "
        "expense) to be submitted. Untick: receipts are never required.",
    )
    receipt_required_above = fields.Monetary(
        currency_field="currency_id",
        help="When a receipt is required: only for expenses whose total is above "
        "this amount, in the company currency. 0: for every expense.",
    )
    auto_approve_below = fields.Monetary(
        string="Auto-approve Below",
        currency_field="currency_id",
        help="An expense report is approved on submission, without a manager, when "
        "each of its expenses has a policy, complies with it and totals less than "
        "its policy's amount. 0: never approved automatically.",
    )
    action = fields.Selection(
        selection=[("block", "Block"), ("warn", "Warn")],
        string="On Violation",
        default="warn",
        required=True,
        help="Block: an expense over the maximum is refused, and an expense report "
        "with an expense breaking the policy cannot be submitted.\n"
        "Warn: the violation is shown on the expense; the employee may submit it.",
    )

    _sql_constraints = [
        (
            "product_company_unique",
            "UNIQUE(product_id, company_id)",
            "An expense category has one policy per company.",
        ),
        (
            "amounts_positive",
            "CHECK(max_amount >= 0 AND receipt_required_above >= 0 "
            "AND auto_approve_below >= 0)",
            "The amounts of an expense policy cannot be negative.",
        ),
        # 'NaN' is above every number for PostgreSQL: refused on its own.
        (
            "max_amount_finite",
            sql_check("max_amount", 0),
            "The amounts of an expense policy must be finite numbers.",
        ),
        (
            "receipt_required_above_finite",
            sql_check("receipt_required_above", 0),
            "The amounts of an expense policy must be finite numbers.",
        ),
        (
            "auto_approve_below_finite",
            sql_check("auto_approve_below", 0),
            "The amounts of an expense policy must be finite numbers.",
        ),
    ]

    @api.constrains("max_amount", "receipt_required_above", "auto_approve_below")
    def _check_amounts(self):
        check_ranges(
            self,
            {
                "max_amount": (0.0, None),
                "receipt_required_above": (0.0, None),
                "auto_approve_below": (0.0, None),
            },
        )

    @api.constrains("product_id")
    def _check_product_id(self):
        for policy in self:
            if not policy.product_id.can_be_expensed:
                raise ValidationError(
                    self.env._(
                        "The expense policy for %(category)s needs a product that "
                        "can be expensed.",
                        category=policy.product_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        policies._psa_recompute_expenses()
        return policies

    def write(self, vals):
        scope_changes = {"product_id", "company_id", "active"} & set(vals)
        if scope_changes:
            self._psa_recompute_expenses()  # the expenses the policy leaves
        res = super().write(vals)
        if scope_changes:
            self._psa_recompute_expenses()  # the expenses it now applies to
        return res

    def unlink(self):
        # browse() keeps the ids after the deletion: collect the scope first.
        products, companies = self.product_id, self.company_id
        res = super().unlink()
        self.env["hr.expense"]._psa_recompute_policy(products, companies)
        return res

    def _psa_recompute_expenses(self):
        self.env["hr.expense"]._psa_recompute_policy(self.product_id, self.company_id)

    # ------------------------------------------------------------------
    # The rules, applied to expenses (hr.expense calls these)
    # ------------------------------------------------------------------
    @api.model
    def _psa_policies_by_key(self, products, companies):
        """``{(product id, company id): policy id}``: the policies of
        ``products`` in ``companies`` (one per category and company)."""
        policies = self.search(
            [
                ("product_id", "in", products.ids),
                ("company_id", "in", companies.ids),
            ]
        )
        return {(p.product_id.id, p.company_id.id): p.id for p in policies}

    def _psa_blocks(self):
        """Whether a breach of this policy blocks the expense (else it warns)."""
        return self.action == "block"

    def _psa_over_maximum(self, expense):
        """Whether the total of ``expense`` is over this policy's maximum."""
        return bool(self.max_amount) and (
            expense.company_currency_id.compare_amounts(
                expense.total_amount, self.max_amount
            )
            > 0
        )

    def _psa_auto_approves(self, expense):
        """Whether ``expense`` is below this policy's auto-approval amount (its
        report is then approved without a manager, when nothing breaks a
        policy)."""
        return bool(self.auto_approve_below) and (
            expense.company_currency_id.compare_amounts(
                expense.total_amount, self.auto_approve_below
            )
            < 0
        )

    def _psa_violations(self, expense, has_receipt):
        """The breaches of this policy by ``expense`` (``has_receipt``: a
        document is attached to it), as messages in the language of the
        context."""
        self.ensure_one()
        messages = []
        currency = expense.company_currency_id
        category = expense.product_id.display_name
        if self._psa_over_maximum(expense):
            messages.append(
                self.env._(
                    "Over the maximum of %(maximum)s for %(category)s",
                    maximum=format_amount(self.env, self.max_amount, currency),
                    category=category,
                )
            )
        if (
            self.receipt_required
            and currency.compare_amounts(
                expense.total_amount, self.receipt_required_above
            )
            > 0
            and not has_receipt
        ):
            if self.receipt_required_above:
                messages.append(
                    self.env._(
                        "Receipt required above %(amount)s for %(category)s",
                        amount=format_amount(
                            self.env, self.receipt_required_above, currency
                        ),
                        category=category,
                    )
                )
            else:
                messages.append(
                    self.env._("Receipt required for %(category)s", category=category)
                )
        return messages
