# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Projects in the customer portal: the progress a project shares with its
customer (opt-in), from the figures of its burn, limited to approved work."""

from odoo import fields, models
from odoo.tools import consteq, date_utils

APPROVED = ("approved", "invoiced")


# One class per concern of the project, on purpose (the base class is in
# project_project.py).
# pylint: disable=consider-merging-classes-inherited
class ProjectProject(models.Model):
    _inherit = "project.project"

    psa_portal_progress = fields.Boolean(
        string="Share Progress with the Customer",
        help="The customer's contacts see the project's progress in their portal: "
        "the budget or contract consumed, approved hours and amounts by month, "
        "milestones reached and installments to come. Only approved work counts; "
        "no cost or margin is shown.",
    )

    def _psa_portal_visible_to(self, user, access_token=None):
        """Whether ``user`` (or a visitor with the project's ``access_token``)
        may see this project's progress: shared, and a contact of its
        customer, or an approver or billing user who may read the project."""
        self.ensure_one()
        project = self.sudo()
        if not project.psa_portal_progress or not project.partner_id:
            return False
        if access_token and project.access_token:
            return consteq(project.access_token, access_token)
        if user._is_public():
            return False
        if user._is_internal():
            # The amounts are the approvers' and billing's in the back end too.
            return (
                user.has_group("psa_workflow.group_psa_approver")
                or user.has_group("psa_workflow.group_psa_billing")
            ) and self.with_user(user).has_access("read")
        customer = project.partner_id.commercial_partner_id
        return user.partner_id.commercial_partner_id == customer

    def _psa_portal_progress(self):
        """The progress the customer sees (read as superuser: the caller
        checked ``_psa_portal_visible_to``): ``budget`` (hours and amount
        budgets or the contract, against what was approved and invoiced),
        ``months`` (approved hours and amounts per month), ``milestones``
        (reached) and ``installments`` (to come), amounts in the project's
        billing currency."""
        self.ensure_one()
        project = self.sudo()
        currency = project.psa_currency_id
        months = project._psa_portal_months()
        return {
            "currency": currency,
            "billing_type": project.psa_billing_type,
            "budget": {
                "hours": project.allocated_hours,
                "amount": project.psa_budget_amount,
                "contract": project.psa_contract_amount
                if project.psa_billing_type in ("fixed_price", "milestone")
                else 0.0,
                "approved_hours": project.psa_approved_hours,
                "approved_amount": project.psa_approved_amount,
                "invoiced_amount": project.psa_invoiced_amount,
            },
            "months": months,
            "milestones": [
                {
                    "name": milestone.name,
                    "date": milestone.reached_date,
                    "amount": milestone.psa_invoice_amount
                    if project.psa_billing_type == "milestone"
                    else 0.0,
                }
                for milestone in project.milestone_ids.filtered("is_reached").sorted(
                    lambda m: (m.reached_date or fields.Date.today(), m.id)
                )
            ],
            "installments": [
                {
                    "name": installment.name,
                    "date": installment.date,
                    "amount": installment.amount,
                }
                for installment in project.psa_installment_ids.filtered(
                    lambda i: not i.psa_invoiced
                ).sorted(lambda i: (i.date, i.id))
            ]
            if project.psa_billing_type == "fixed_price"
            else [],
        }

    def _psa_portal_months(self):
        """Approved hours and their billable value per month (oldest first),
        converted as the burn converts them: they add up to its approved
        hours and amount."""
        groups = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [("project_id", "=", self.id), ("psa_state", "in", APPROVED)],
                ["date:month", "psa_currency_id"],
                ["unit_amount:sum", "psa_bill_amount:sum"],
            )
        )
        target = self.psa_currency_id
        company = self.company_id or self.env.company
        today = fields.Date.context_today(self)
        by_month = {}
        for month, currency, hours, billed in groups:
            amount = billed
            if billed and currency and target and currency != target:
                amount = currency._convert(billed, target, company, today)
            start = date_utils.start_of(month, "month")
            figures = by_month.setdefault(
                start, {"month": start, "hours": 0.0, "amount": 0.0}
            )
            figures["hours"] += hours
            figures["amount"] += amount
        return [by_month[month] for month in sorted(by_month)]
