# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    psa_refuse_overallocation = fields.Boolean(
        related="company_id.psa_refuse_overallocation", readonly=False
    )
    psa_refuse_intercompany_time = fields.Boolean(
        related="company_id.psa_refuse_intercompany_time", readonly=False
    )
    psa_forbid_future_time = fields.Boolean(
        related="company_id.psa_forbid_future_time", readonly=False
    )
    psa_rebill_product_source = fields.Selection(
        related="company_id.psa_rebill_product_source", readonly=False
    )
    psa_rebill_product_id = fields.Many2one(
        related="company_id.psa_rebill_product_id", readonly=False
    )
