# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import UserError


class PsaGuardedMixin(models.AbstractModel):
    """Checks the write policy (``psa.write.policy``) of the model's money
    fields on every create and write, whatever the API, then the model's own
    checks of a write (``_psa_check_write``). Listed first in ``_inherit``,
    both run before the inherited model's own ``write``."""

    _name = "psa.guarded.mixin"
    _inherit = ["psa.client.access.mixin"]
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

    def _psa_keep_invoiced(self, vals, fnames):
        """Refuse a change of ``fnames`` on records already invoiced
        (``psa_invoiced``): they keep what they were billed at, and a schedule
        never adds up to more than what was invoiced. Credit the invoice first."""
        policy = self.env["psa.write.policy"]
        invoiced = self.sudo().filtered("psa_invoiced")
        for fname in fnames:
            if fname in vals and invoiced:
                if policy._is_no_change(invoiced, fname, vals[fname], False):
                    continue
                raise UserError(
                    self.env._(
                        "%(records)s: already invoiced, %(field)s cannot change. "
                        "Credit it on its invoice first.",
                        records=", ".join(invoiced[:5].mapped("display_name")),
                        field=self._fields[fname]._description_string(self.env),
                    )
                )
