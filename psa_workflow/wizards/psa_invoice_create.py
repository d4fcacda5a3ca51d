# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..models.psa_validation import ensure_one


class PsaInvoiceCreate(models.TransientModel):
    """Create invoices from projects: the approved time and expenses up to a
    date, one invoice per project or per customer."""

    _name = "psa.invoice.create"
    _description = "Create Invoices from Projects"

    project_ids = fields.Many2many(
        "project.project",
        string="Projects",
        required=True,
        domain="[('psa_billing_type', '!=', 'non_billable')]",
        default=lambda self: self._default_project_ids(),
    )
    date_to = fields.Date(
        string="Up to",
        required=True,
        default=fields.Date.context_today,
        help="Entries dated up to this day are invoiced.",
    )
    grouping = fields.Selection(
        selection=[
            ("project", "One invoice per project"),
            ("customer", "One per customer"),
        ],
        required=True,
        default="project",
    )

    detail = fields.Selection(
        selection=[
            ("project", "As set on each project"),
            ("employee", "Per employee"),
            ("role", "Per role"),
            ("task", "Per task"),
            ("entry", "Per timesheet"),
            ("summary", "Summarised"),
        ],
        string="Invoice Lines",
        required=True,
        default="project",
    )

    @api.model
    def _default_project_ids(self):
        if self.env.context.get("active_model") == "project.project":
            return [fields.Command.set(self.env.context.get("active_ids", []))]
        return []

    def action_create_invoices(self):
        ensure_one(self, "action_create_invoices")
        engine = self.env["psa.invoicing.engine"]
        result = engine._invoice_projects(
            self.project_ids,
            date_to=self.date_to,
            grouping=self.grouping,
            detail=None if self.detail == "project" else self.detail,
        )
        return engine._result_action(result)
