# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ProjectMilestone(models.Model):
    _inherit = "project.milestone"

    psa_amount = fields.Monetary(
        string="Amount",
        currency_field="psa_currency_id",
        help="Invoiced once the milestone is reached.",
    )
    psa_percent = fields.Float(
        string="% of Contract",
        digits=(16, 4),
        help="Used when no amount is set: this share of the project's contract amount.",
    )
    psa_invoice_amount = fields.Monetary(
        string="Amount to Invoice",
        currency_field="psa_currency_id",
        compute="_compute_psa_invoice_amount",
    )
    psa_currency_id = fields.Many2one(related="project_id.psa_currency_id")
    psa_invoiced = fields.Boolean(string="Invoiced", readonly=True, copy=False)

    @api.depends("psa_amount", "psa_percent", "project_id.psa_contract_amount")
    def _compute_psa_invoice_amount(self):
        for milestone in self:
            milestone.psa_invoice_amount = milestone.psa_amount or (
                milestone.psa_currency_id.round(
                    milestone.project_id.psa_contract_amount
                    * milestone.psa_percent
                    / 100
                )
            )
