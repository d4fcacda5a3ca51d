# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, models


class PsaInvoicingEngine(models.AbstractModel):
    _inherit = "psa.invoicing.engine"

    @api.model
    def _prepare_invoice_vals(self, partner, currency, company, projects):
        """A handling fee line on each invoice of a customer who has one."""
        vals = super()._prepare_invoice_vals(partner, currency, company, projects)
        if partner.psa_example_fee:
            vals["invoice_line_ids"] = [
                *vals.get("invoice_line_ids", ()),
                Command.create(
                    {
                        "name": self.env._("Handling fee"),
                        "product_id": projects[:1]._psa_invoice_product().id,
                        "quantity": 1.0,
                        "price_unit": partner.psa_example_fee,
                    }
                ),
            ]
        return vals

    @api.model
    def _invoice_grouping_key(self, project, partner, currency, company, grouping):
        """One invoice for all the projects of a customer who asks for it."""
        if partner.psa_example_one_invoice:
            return (partner, currency, company, "customer")
        return super()._invoice_grouping_key(
            project, partner, currency, company, grouping
        )
