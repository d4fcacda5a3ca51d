# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PsaGuardedMixin(models.AbstractModel):
    """Checks the write policy (``psa.write.policy``) of the model's money
    fields on every create and write, whatever the API, then the model's own
    checks of a write (``_psa_check_write``). Listed first in ``_inherit``,
    both run before the inherited model's own ``write``."""

    _name = "psa.guarded.mixin"
    _description = "PSA: Money Fields Guarded by the Write Policy"

    @api.model_create_multi
    def create(self, vals_list):
        self.env["psa.write.policy"]._check_write(self, vals_list, create=True)
        return super().create(vals_list)

    def write(self, vals):
        self.env["psa.write.policy"]._check_write(self, [vals])
        self._psa_check_write(vals)
        return super().write(vals)

    def _psa_check_write(self, vals):
        """The model's own checks of a write, once the write policy allows it:
        raise to refuse it (none by default)."""
