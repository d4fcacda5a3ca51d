# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PsaClientAccessMixin(models.AbstractModel):
    """The form helpers a client can call besides ``read`` answer as the
    calling user. Odoo's ``onchange`` and ``default_get`` check no access
    rights, and the values they compute (a contract amount behind an
    installment, the entries a wizard fills in with superuser rights) would
    leave the server for anyone: here ``default_get`` needs the right to
    create the model, ``onchange`` the right to create it (a new record) or
    to write the record edited, and every field asked for, at any depth of
    the specification, must be readable by the user."""

    _name = "psa.client.access.mixin"
    _description = "PSA: Form Helpers Answer as the Calling User"

    @api.model
    def default_get(self, fields_list):
        if not self.env.su:
            self.browse().check_access("create")
        return super().default_get(fields_list)

    def onchange(self, values, field_names, fields_spec):
        if not self.env.su:
            if self:
                self.check_access("write")
            else:
                self.browse().check_access("create")
            check_spec_readable(self, fields_spec)
            self._psa_check_references(values)
        return super().onchange(values, field_names, fields_spec)

    def _psa_check_references(self, values):
        """The records a client names in an onchange (a project, an invoiced
        entry...) must be readable by the user: their figures are computed
        from them with elevated rights (another company's project, a link of
        an invoice the user may not see)."""
        for fname, value in (values or {}).items():
            field = self._fields.get(fname)
            if (
                field
                and field.type == "many2one"
                and field.comodel_name in REFERENCES_CHECKED
                and isinstance(value, int)
                and value
            ):
                self.env[field.comodel_name].browse(value).exists().check_access("read")


# The models whose records carry figures a computation could pass on.
REFERENCES_CHECKED = frozenset(
    (
        "project.project",
        "project.milestone",
        "psa.project.installment",
        "psa.allocation",
        "psa.invoice.link",
        "account.move",
        "account.analytic.line",
        "hr.expense",
    )
)


def check_spec_readable(model, spec):
    """Raise ``AccessError`` if a field of ``spec`` (a web client's
    specification: ``{field: {"fields": {...}}}``, or a list of names) is not
    readable by the user, here or on a related model."""
    model.check_field_access_rights("read", list(spec))
    if not isinstance(spec, dict):
        return
    for name, sub_spec in spec.items():
        field = model._fields.get(name)
        nested = isinstance(sub_spec, dict) and sub_spec.get("fields")
        if field and field.relational and nested:
            check_spec_readable(model.env[field.comodel_name], nested)
