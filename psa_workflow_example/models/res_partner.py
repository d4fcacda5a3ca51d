# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    psa_example_fee = fields.Monetary(
        string="Handling Fee per Invoice",
        currency_field="currency_id",
        help="Added as a line of its own to each invoice of this customer.",
    )
    psa_example_one_invoice = fields.Boolean(
        string="One Invoice for All Projects",
        help="The time of all this customer's projects goes on one invoice.",
    )
