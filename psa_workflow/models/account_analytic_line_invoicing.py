# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets, invoicing: the invoice billing an entry, and the actions
creating and opening invoices (caps: account_analytic_line_caps.py)."""

from odoo import fields, models

from .psa_validation import ensure_one


# One class per stage of the timesheet's flow, on purpose (the base class is
# in account_analytic_line.py).
# pylint: disable=consider-merging-classes-inherited
class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    psa_invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        compute="_compute_psa_invoice_id",
        help="The customer invoice billing this timesheet.",
    )

    def _compute_psa_invoice_id(self):
        links = (
            self.env["psa.invoice.link"]
            .sudo()
            .search_fetch(
                [("timesheet_id", "in", self.ids), ("state", "=", "invoiced")],
                ["timesheet_id", "move_id"],
            )
        )
        invoice_of = {link.timesheet_id.id: link.move_id for link in links}
        for line in self:
            line.psa_invoice_id = invoice_of.get(line.id, False)

    def action_psa_create_invoices(self):
        """Invoice the selected timesheets (approved, billable ones)."""
        return self.env["psa.invoicing.engine"]._invoice_selection("timesheets", self)

    def action_psa_open_invoice(self):
        ensure_one(self, "action_psa_open_invoice")
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": self.psa_invoice_id.id,
        }
