# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    psa_refuse_overallocation = fields.Boolean(
        string="Refuse Over-allocation",
        help="Refuse an allocation asking for more than 100% of an employee's "
        "capacity, and refuse to confirm an allocation that over-allocates an "
        "employee in any week.",
    )

    psa_refuse_intercompany_time = fields.Boolean(
        string="Refuse Inter-company Time",
        help="Refuse timesheets on this company's projects from employees of other "
        "companies. Off (Odoo's behaviour): their time is the project company's, "
        "billed to its customer at the project's rates.",
    )

    psa_forbid_future_time = fields.Boolean(
        string="Forbid Future Time",
        help="Refuse timesheets dated after today. Allowed (the default), they "
        "can be drafted ahead (a planned week), and are submitted, approved and "
        "invoiced from their day.",
    )

    psa_rebill_product_source = fields.Selection(
        selection=[
            ("product", "Re-bill product"),
            ("expense", "Expense category"),
        ],
        string="Re-billed Expenses Invoiced As",
        default="product",
        required=True,
        help="Re-bill product: every re-billed expense is invoiced with the "
        "re-bill product (its income account and sales taxes).\n"
        "Expense category: each expense is invoiced with its own expense category "
        "(the category's income account and sales taxes).",
    )
    psa_rebill_product_id = fields.Many2one(
        "product.product",
        string="Re-bill Product",
        check_company=True,
        help="The product of re-billed expenses on customer invoices. Default: "
        "Re-billed Expenses.",
    )

    def _psa_rebill_product(self, expense):
        """The product that invoices ``expense`` to the customer."""
        self.ensure_one()
        if self.psa_rebill_product_source == "expense" and expense.product_id:
            return expense.product_id
        return self.psa_rebill_product_id or self.env.ref(
            "psa_workflow.product_psa_rebill"
        )

    def _create_internal_project_task(self):
        projects = super()._create_internal_project_task()
        # A company's internal project (time off, training, meetings) is never billed.
        # sudo: the addon's bookkeeping, whoever creates the company.
        projects.sudo().psa_billing_type = "non_billable"
        return projects

    @api.model
    def _psa_mark_internal_projects_non_billable(self):
        """Make existing companies' internal projects non-billable (at install)."""
        companies = self.search([("internal_project_id", "!=", False)])
        companies.internal_project_id.psa_billing_type = "non_billable"
