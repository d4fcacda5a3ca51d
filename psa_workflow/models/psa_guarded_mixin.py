# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import UserError

from .psa_write_policy import locked_fields, trusted_write

GUARD_PARAMETERS = ("psa_write", "psa_lock")


class PsaGuardedMixin(models.AbstractModel):
    """The one mechanism of the write policy (``psa_write_policy``): on every
    create, write and copy of the model, whatever the API, the groups its
    fields declare (``psa_write=``), then its state locks (``psa_lock=True``
    fields of the records matching ``_psa_lock_domain``), then the model's own
    rule (``_psa_check_write``). Listed first in ``_inherit``, all of it runs
    before the inherited model's own ``write``."""

    _name = "psa.guarded.mixin"
    _inherit = ["psa.client.access.mixin"]
    _description = "PSA: Money Fields Guarded by the Write Policy"

    # Records matching this domain are locked: their ``psa_lock`` fields keep
    # their value. None: no record locks.
    _psa_lock_domain = None
    # A duplicate copies the guarded values of the original whoever copies it
    # (the values passed in ``default`` are checked).
    _psa_copy_trusted = False

    @api.model
    def _valid_field_parameter(self, field, name):
        return name in GUARD_PARAMETERS or super()._valid_field_parameter(field, name)

    @api.model_create_multi
    def create(self, vals_list):
        self.env["psa.write.policy"]._check_write(self, vals_list, create=True)
        return super().create(vals_list)

    def write(self, vals):
        if isinstance(vals, dict):  # anything else: Odoo's own write refuses it
            self.env["psa.write.policy"]._check_write(self, [vals])
            self._psa_check_locks(vals)
            self._psa_check_write(vals)
            vals = self._psa_values_to_write(vals)
        return super().write(vals)

    def copy(self, default=None):
        if not self._psa_copy_trusted:
            return super().copy(default)
        self.env["psa.write.policy"]._check_write(self, [default or {}])
        with trusted_write():
            return super().copy(default)

    def _psa_check_write(self, vals):
        """The model's own rule on the records written, once the write policy
        and the locks allow ``vals``: raise to refuse it (none by default)."""

    def _psa_values_to_write(self, vals):
        """``vals`` as the model writes them, once checked as the client sent
        them (unchanged by default)."""
        return vals

    def _psa_check_locks(self, vals):
        """Refuse a change of a ``psa_lock`` field on a locked record."""
        fnames = locked_fields(self) & vals.keys() if self._psa_lock_domain else ()
        if not fnames:
            return
        # sudo: whether a record is locked is read whoever writes.
        locked = self.sudo().filtered_domain(self._psa_lock_domain)
        policy = self.env["psa.write.policy"]
        changed = [
            fname
            for fname in sorted(fnames)
            if locked and not policy._is_no_change(locked, fname, vals[fname], False)
        ]
        if changed:
            raise UserError(self._psa_lock_refusal(locked, changed))

    def _psa_lock_refusal(self, locked, fnames):
        """The message refusing a change of ``fnames`` on ``locked`` records."""
        return self.env._(
            "%(records)s: already invoiced, %(field)s cannot change. "
            "Credit it on its invoice first.",
            records=", ".join(locked[:5].mapped("display_name")),
            field=", ".join(
                self._fields[fname]._description_string(self.env) for fname in fnames
            ),
        )
