# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# STUB - being written.
from odoo import models


class HrExpenseSheet(models.Model):
    _inherit = "hr.expense.sheet"
