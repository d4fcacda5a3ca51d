# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Expenses, policies: the expense policy of each expense (by category and
company), its breaches, the maximum amount and the blocked submission, and
the auto-approval of the expenses that comply."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

# What a policy verdict depends on.
POLICY_INPUTS = (
    "psa_policy_id.max_amount",
    "psa_policy_id.receipt_required",
    "psa_policy_id.receipt_required_above",
    "psa_policy_id.action",
    "total_amount",
    "attachment_ids",
)


# One class per concern of the expense, on purpose (the base class is in
# hr_expense.py).
# pylint: disable=consider-merging-classes-inherited
class HrExpense(models.Model):
    _inherit = "hr.expense"

    psa_policy_id = fields.Many2one(
        "psa.expense.policy",
        string="Expense Policy",
        compute="_compute_psa_policy_id",
        store=True,
        index="btree_not_null",
    )
    psa_policy_violation = fields.Text(
        string="Policy Violations",
        compute="_compute_psa_policy_violation",
    )
    psa_has_policy_violation = fields.Boolean(
        string="Breaks Policy",
        compute="_compute_psa_has_policy_violation",
        store=True,
    )
    psa_policy_blocking = fields.Boolean(
        string="Blocked by Policy",
        compute="_compute_psa_has_policy_violation",
        store=True,
        help="The expense breaks a policy that blocks: it cannot be submitted.",
    )

    @api.depends("product_id", "company_id")
    def _compute_psa_policy_id(self):
        # sudo: policies apply to every employee, including those not allowed to
        # read them (expense users outside the PSA groups).
        by_key = (
            self.env["psa.expense.policy"]
            .sudo()
            ._psa_policies_by_key(self.product_id, self.company_id)
        )
        for expense in self:
            expense.psa_policy_id = by_key.get(
                (expense.product_id.id, expense.company_id.id), False
            )

    @api.depends(*POLICY_INPUTS)
    def _compute_psa_policy_violation(self):
        violations = self._psa_policy_violations()
        for expense in self:
            expense.psa_policy_violation = "\n".join(violations[expense]) or False

    @api.depends(*POLICY_INPUTS)
    def _compute_psa_has_policy_violation(self):
        violations = self._psa_policy_violations()
        for expense in self:
            expense.psa_has_policy_violation = bool(violations[expense])
            expense.psa_policy_blocking = (
                bool(violations[expense]) and expense.psa_policy_id.sudo()._psa_blocks()
            )

    @api.constrains("total_amount", "total_amount_currency", "product_id", "quantity")
    def _check_psa_policy_max_amount(self):
        for expense in self:
            policy = expense.psa_policy_id.sudo()
            if policy._psa_blocks() and policy._psa_over_maximum(expense):
                raise ValidationError(
                    self.env._(
                        "The expense %(expense)s (%(amount)s) is over the maximum of "
                        "%(maximum)s for %(category)s.",
                        expense=expense.display_name,
                        amount=format_amount(
                            self.env, expense.total_amount, expense.company_currency_id
                        ),
                        maximum=format_amount(
                            self.env, policy.max_amount, expense.company_currency_id
                        ),
                        category=expense.product_id.display_name,
                    )
                )

    def action_submit_expenses(self):
        self._psa_check_policy_submission()
        return super().action_submit_expenses()

    def _psa_policy_violations(self):
        """Return ``{expense: [message, ...]}``, the breaches of each expense's
        policy, in the language of the context."""
        # sudo: a receipt counts whoever attached it
        counts = dict(
            self.env["ir.attachment"]
            .sudo()
            ._read_group(
                [("res_model", "=", "hr.expense"), ("res_id", "in", self._origin.ids)],
                ["res_id"],
                ["__count"],
            )
        )
        result = {}
        for expense in self:
            policy = expense.psa_policy_id.sudo()
            result[expense] = (
                policy._psa_violations(expense, bool(counts.get(expense._origin.id)))
                if policy
                else []
            )
        return result

    def _psa_check_policy_submission(self):
        """Refuse the submission of expenses that break a blocking policy."""
        violations = self._psa_policy_violations()
        lines = [
            self.env._(
                "- %(expense)s: %(reasons)s",
                expense=expense.display_name,
                reasons="; ".join(violations[expense]),
            )
            for expense in self
            if violations[expense] and expense.psa_policy_id.sudo()._psa_blocks()
        ]
        if lines:
            raise UserError(
                self.env._(
                    "These expenses break a blocking expense policy; nothing was "
                    "submitted:\n%(expenses)s",
                    expenses="\n".join(lines),
                )
            )

    def _psa_auto_approvable(self, violations):
        """Whether each expense of ``self`` complies with its policy and is below
        its auto-approval amount (``violations`` as ``_psa_policy_violations``)."""
        for expense in self:
            policy = expense.psa_policy_id.sudo()
            if violations[expense] or not policy._psa_auto_approves(expense):
                return False
        return bool(self)

    @api.model
    def _psa_recompute_policy(self, products, companies):
        """Recompute the policy of the expenses of ``products`` in ``companies``
        after policies were created, moved, archived or deleted."""
        if not products or not companies:
            return
        expenses = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("product_id", "in", products.ids),
                    ("company_id", "in", companies.ids),
                ]
            )
        )
        self.env.add_to_compute(self._fields["psa_policy_id"], expenses)
        expenses.modified(["psa_policy_id"])
