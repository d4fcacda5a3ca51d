# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PsaGuardedMixin(models.AbstractModel):
    """Checks the write policy (``psa.write.policy``) of the model's money
    fields on every create and write, whatever the API."""

    _name = "psa.guarded.mixin"
    _description = "PSA: Money Fields Guarded by the Write Policy"

    @api.model_create_multi
    def create(self, vals_list):
        self.env["psa.write.policy"]._check_write(self, vals_list, create=True)
        return super().create(vals_list)

    def write(self, vals):
        self.env["psa.write.policy"]._check_write(self, [vals])
        return super().write(vals)
