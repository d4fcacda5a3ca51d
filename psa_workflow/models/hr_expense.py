# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Expenses, the PSA base: the project an expense is for, read from and
written to its analytic distribution. Re-billing to the customer and the
expense policies live next to it (``hr_expense_rebilling``,
``hr_expense_policy``)."""

import json
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError


class HrExpense(models.Model):
    _name = "hr.expense"
    _inherit = ["psa.guarded.mixin", "psa.billable.mixin", "hr.expense"]

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
        psa_lock=True,
    )

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

    @api.onchange("psa_project_id")
    def _onchange_psa_project_id(self):
        current = self._psa_projects_from_distribution()
        for expense in self:
            if current[expense] != expense.psa_project_id:
                expense.analytic_distribution = (
                    expense._psa_distribution_for_project(current[expense]) or False
                )

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
