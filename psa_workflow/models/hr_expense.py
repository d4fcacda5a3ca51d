# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from .psa_validation import MAX_MARKUP_PERCENT, check_ranges, sql_check

# What an invoiced expense must keep as it was invoiced.
PSA_LOCKED_FIELDS = frozenset(
    {
        "analytic_distribution",
        "company_id",
        "currency_id",
        "date",
        "employee_id",
        "price_unit",
        "product_id",
        "psa_markup_percent",
        "psa_project_id",
        "psa_rebill_method",
        "psa_rebillable",
        "quantity",
        "tax_ids",
        "total_amount",
        "total_amount_currency",
    }
)


# What a policy verdict depends on.
POLICY_INPUTS = (
    "psa_policy_id.max_amount",
    "psa_policy_id.receipt_required",
    "psa_policy_id.receipt_required_above",
    "psa_policy_id.action",
    "total_amount",
    "attachment_ids",
)


class HrExpense(models.Model):
    _name = "hr.expense"
    _inherit = ["psa.guarded.mixin", "hr.expense"]

    psa_project_id = fields.Many2one(
        "project.project",
        string="Project",
        compute="_compute_psa_project_id",
        inverse="_inverse_psa_project_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        help="The project the expense is for: the project whose analytic account "
        "takes the largest share of the analytic distribution. Setting it charges "
        "the whole expense to the project's analytic account.",
    )
    psa_rebillable = fields.Boolean(
        string="Re-bill to Customer",
        compute="_compute_psa_rebillable",
        store=True,
        readonly=False,
        help="The expense is invoiced to the project's customer. By default, the "
        "expenses of billable projects are.",
    )
    psa_rebill_method = fields.Selection(
        selection=[("at_cost", "At Cost"), ("markup", "With Markup")],
        string="Re-bill Method",
        default="at_cost",
        required=True,
    )
    psa_markup_percent = fields.Float(
        string="Markup (%)",
        digits=(16, 2),
        help="Added to the expense total when re-billed with markup.",
    )
    psa_rebill_amount = fields.Monetary(
        string="Re-bill Amount",
        currency_field="currency_id",
        compute="_compute_psa_rebill_amount",
        store=True,
        help="The amount invoiced to the customer, in the expense currency: the "
        "expense total, plus the markup when re-billed with markup.",
    )
    psa_invoiced = fields.Boolean(
        string="Invoiced to Customer",
        readonly=True,
        copy=False,
        help="Set by invoicing once the expense is on a customer invoice.",
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
    )
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

    @api.depends("analytic_distribution", "company_id")
    def _compute_psa_project_id(self):
        projects = self._psa_projects_from_distribution()
        for expense in self:
            expense.psa_project_id = projects[expense]

    def _inverse_psa_project_id(self):
        current = self._psa_projects_from_distribution()
        by_distribution = defaultdict(list)
        for expense in self:
            if current[expense] == expense.psa_project_id:
                continue  # the distribution already designates the project
            distribution = (
                expense._psa_distribution_for_project(current[expense]) or False
            )
            by_distribution[json.dumps(distribution, sort_keys=True)].append(expense.id)
        for distribution, expense_ids in by_distribution.items():
            self.browse(expense_ids).analytic_distribution = json.loads(distribution)

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

    @api.onchange("psa_project_id")
    def _onchange_psa_project_id(self):
        current = self._psa_projects_from_distribution()
        for expense in self:
            if current[expense] != expense.psa_project_id:
                expense.analytic_distribution = (
                    expense._psa_distribution_for_project(current[expense]) or False
                )

    def _psa_check_write(self, vals):
        locked = PSA_LOCKED_FIELDS & vals.keys()
        if locked:
            self._psa_check_not_invoiced(locked)
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

    def action_submit_expenses(self):
        self._psa_check_policy_submission()
        return super().action_submit_expenses()

    def _psa_projects_from_distribution(self):
        """Return ``{expense: project}``: for each expense, the project whose
        analytic account takes the largest share of its analytic distribution
        (an empty recordset when none does)."""
        shares_by_expense = {}
        for expense in self:
            shares = defaultdict(float)
            for key, share in (expense.analytic_distribution or {}).items():
                for account_id in key.split(","):
                    if account_id.strip().isdigit():
                        shares[int(account_id)] += share or 0.0
            shares_by_expense[expense] = shares
        account_ids = {a for shares in shares_by_expense.values() for a in shares}
        Project = self.env["project.project"]
        projects = Project.browse()
        if account_ids:
            # sudo: the project of an expense does not depend on who can read it
            projects = (
                Project.sudo()
                .with_context(active_test=False)
                .search([("account_id", "in", list(account_ids))], order="id")
            )
        by_account = {}  # {(analytic account id, company id): first project id}
        for project in projects:
            by_account.setdefault(
                (project.account_id.id, project.company_id.id), project.id
            )
        result = {}
        for expense, shares in shares_by_expense.items():
            company_id = expense.company_id.id
            candidates = {
                account_id: project_id
                for account_id in shares
                if (
                    project_id := by_account.get((account_id, company_id))
                    or by_account.get((account_id, False))
                )
            }
            best = max(candidates, key=shares.get) if candidates else None
            result[expense] = Project.browse(candidates.get(best))
        return result

    def _psa_distribution_for_project(self, previous_project):
        """The analytic distribution that charges the expense to its project; with
        no project, the current one without the previous project's accounts."""
        self.ensure_one()
        project = self.psa_project_id.sudo()
        if project:
            distribution = project._get_analytic_distribution()
            if not distribution and project.account_id:
                distribution = {str(project.account_id.id): 100}
            if not distribution:
                raise UserError(
                    self.env._(
                        "The project %(project)s has no analytic account: the expense "
                        "%(expense)s cannot be charged to it.",
                        project=project.display_name,
                        expense=self.display_name,
                    )
                )
            return distribution
        previous_accounts = {str(a) for a in previous_project.sudo().account_id.ids}
        return {
            key: share
            for key, share in (self.analytic_distribution or {}).items()
            if not previous_accounts & set(key.split(","))
        }

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

    def _psa_check_not_invoiced(self, field_names):
        invoiced = self.filtered("psa_invoiced")
        if invoiced:
            labels = sorted(
                self._fields[name]._description_string(self.env) for name in field_names
            )
            raise UserError(
                self.env._(
                    "The expense %(expense)s is invoiced to the customer: its "
                    "%(fields)s can no longer change.",
                    expense=invoiced[0].display_name,
                    fields=", ".join(labels),
                )
            )

    def action_psa_create_invoices(self):
        """Re-bill the selected expenses (approved, re-billable ones)."""
        return self.env["psa.invoicing.engine"]._invoice_selection("expenses", self)
