# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets, invoicing: the invoice billing an entry, the decisions on time
held by a project's cap (bill anyway, write off), and the actions creating
and opening invoices."""

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from .psa_validation import ensure_one


# One class per stage of the timesheet's flow, on purpose (the base class is
# in account_analytic_line.py).
# pylint: disable=consider-merging-classes-inherited
class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    psa_cap_held = fields.Boolean(
        string="Held by Cap",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Beyond the project's not-to-exceed cap: not invoiced until a billing "
        "user bills it anyway or writes it off.",
    )
    psa_cap_decision = fields.Selection(
        selection=[("bill", "Bill anyway"), ("write_off", "Written off")],
        string="Cap Decision",
        readonly=True,
        copy=False,
    )
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

    def action_psa_cap_bill_anyway(self):
        """Release time held by a cap: it is invoiced with the next invoice."""
        self._psa_cap_decide("bill")
        return True

    def action_psa_cap_write_off(self):
        """Never invoice this time held by a cap (it stays approved, as history)."""
        self._psa_cap_decide("write_off")
        return True

    def _psa_cap_decide(self, decision):
        if not self.env.user.has_group("psa_workflow.group_psa_billing"):
            raise AccessError(self.env._("Only billing users decide on capped time."))
        # Invoiced time is not held any more, whatever the flag says: written
        # off, it would never be billed again once credited.
        not_held = self.filtered(
            lambda line: not line.psa_cap_held or line.psa_state != "approved"
        )
        if not_held:
            raise UserError(
                self.env._(
                    "Only approved time held by a cap and not invoiced can be "
                    "billed anyway or written off:\n%(entries)s",
                    entries=self._psa_list(not_held),
                )
            )
        # Billing users decide on time they cannot edit (locked, others').
        self.sudo().write({"psa_cap_held": False, "psa_cap_decision": decision})

    def action_psa_open_invoice(self):
        ensure_one(self, "action_psa_open_invoice")
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": self.psa_invoice_id.id,
        }
