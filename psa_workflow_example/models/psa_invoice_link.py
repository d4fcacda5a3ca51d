# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PsaInvoiceLink(models.Model):
    _inherit = "psa.invoice.link"

    retainer_id = fields.Many2one(
        "psa.example.retainer",
        ondelete="restrict",
        index="btree_not_null",
        readonly=True,
    )
