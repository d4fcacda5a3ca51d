# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# STUB - being written.
from odoo import fields, models


class PsaExpensePolicy(models.Model):
    _name = "psa.expense.policy"
    _description = "PSA Expense Policy"

    name = fields.Char(required=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
