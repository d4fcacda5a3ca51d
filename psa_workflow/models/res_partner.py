# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .psa_validation import ensure_one

RATE_READERS = "psa_workflow.group_psa_approver,psa_workflow.group_psa_billing"


class ResPartner(models.Model):
    """A customer's rate card, one click away from the customer."""

    _inherit = "res.partner"

    psa_rate_count = fields.Integer(
        string="Rate Card",
        compute="_compute_psa_rate_count",
        groups=RATE_READERS,
        help="Bill rates of this customer's rate card (all dates).",
    )

    def _compute_psa_rate_count(self):
        # A contact shows its company's card: rates belong to the company.
        counts = dict(
            self.env["psa.rate"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.psa_rate_count = counts.get(partner.commercial_partner_id, 0)

    def action_psa_open_rate_card(self):
        """The Bill Rates of the customer, adding to its rate card."""
        ensure_one(self, "action_psa_open_rate_card")
        self.env["psa.rate"].check_access("read")
        customer = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_workflow.psa_rate_action"
        )
        name = self.env._("Rate Card of %s", customer.display_name)
        action.update(
            name=name,
            display_name=name,
            domain=[("partner_id", "=", customer.id)],
            context={"default_partner_id": customer.id},
        )
        return action
