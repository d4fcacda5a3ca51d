# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsaInvoiceCreateLine(models.TransientModel):
    """One line of the Create Invoices preview: an invoice the run will
    create (its projects, customer, content and untaxed amount), or a project
    it skips and why."""

    _name = "psa.invoice.create.line"
    _inherit = ["psa.client.access.mixin"]
    _description = "Create Invoices: Preview Line"

    wizard_id = fields.Many2one("psa.invoice.create", required=True, ondelete="cascade")
    project_id = fields.Many2one(
        "project.project", readonly=True, help="The project, when there is one."
    )
    project_ids = fields.Many2many("project.project", string="Projects", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    billing_type = fields.Selection(
        related="project_id.psa_billing_type", string="Billing", readonly=True
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    hours = fields.Float(digits=(16, 2), readonly=True, help="Hours invoiced.")
    amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="The untaxed amount of the invoice: its lines, all of them.",
    )
    content = fields.Char(string="Invoiced", readonly=True)
    reason = fields.Char(string="Skipped Because", readonly=True)
    annex = fields.Boolean(readonly=True)
