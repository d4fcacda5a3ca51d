# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.psa_workflow.models.psa_rate import RateStep

CUSTOMER_ROLE = ("customer_role", "Customer role")


class PsaRate(models.Model):
    """A rate step: a customer's rate for a role (its rate card by role),
    before the customer's default rate."""

    _inherit = "psa.rate"

    scope = fields.Selection(
        selection_add=[CUSTOMER_ROLE], ondelete={"customer_role": "cascade"}
    )

    @api.model
    def _psa_rate_chain(self):
        chain = super()._psa_rate_chain()
        customer = next(i for i, step in enumerate(chain) if step.scope == "customer")
        chain.insert(customer, RateStep("customer_role", ("partner_id", "role_id")))
        return chain
