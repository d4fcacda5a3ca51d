# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class PsaInvoiceCreditLine(models.TransientModel):
    """An entry of the invoice in Credit Entries, with its checkbox."""

    _name = "psa.invoice.credit.line"
    _inherit = ["psa.client.access.mixin"]
    _description = "Credit Entries: Invoiced Entry"
    _order = "date, employee, id"

    wizard_id = fields.Many2one("psa.invoice.credit", required=True, ondelete="cascade")
    link_id = fields.Many2one("psa.invoice.link", required=True, readonly=True)
    selected = fields.Boolean(string="Credit")
    date = fields.Date(compute="_compute_entry", store=True, compute_sudo=True)
    employee = fields.Char(compute="_compute_entry", store=True, compute_sudo=True)
    task = fields.Char(compute="_compute_entry", store=True, compute_sudo=True)
    description = fields.Char(compute="_compute_entry", store=True, compute_sudo=True)
    hours = fields.Float(related="link_id.hours")
    amount = fields.Monetary(related="link_id.amount", string="Invoiced Amount")
    currency_id = fields.Many2one(related="link_id.currency_id")

    @api.depends("link_id")
    def _compute_entry(self):
        """Readable facts of the entry, whatever its kind (read on behalf of
        billing users without timesheet or expense rights)."""
        for line in self:
            link = line.link_id
            timesheet, expense = link.timesheet_id, link.expense_id
            if timesheet:
                line.date = timesheet.date
                line.employee = timesheet.employee_id.name
                line.task = timesheet.task_id.name
                line.description = timesheet.name
            elif expense:
                line.date = expense.date
                line.employee = expense.employee_id.name
                line.task = False
                line.description = expense.name
            else:  # an installment, a milestone or another module's kind
                line.date = link._psa_entry_date()
                line.employee = False
                line.task = False
                line.description = link._psa_entry().display_name
