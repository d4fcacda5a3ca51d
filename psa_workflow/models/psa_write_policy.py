# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may write the fields that decide what a customer is billed, and when
they freeze.

Each guarded field declares it next to its definition (``psa.guarded.mixin``
accepts the two parameters):

- ``psa_write=<groups>``: the groups whose users may write it from a client
  (any API: web client, XML-RPC, JSON-RPC, import). ``SERVER`` fields are
  derived by the addon and written only by the code that owns them
  (``sudo()`` after its own checks): no client writes them, whatever the
  group.
- ``psa_lock=True``: the field keeps its value once its record matches the
  model's ``_psa_lock_domain`` (an approved timesheet, an invoiced expense or
  milestone), whoever writes, the server's own code included.

A value equal to the current one (or, on create, to the field's own default)
is no change and passes: the web client sends unchanged values back.

``psa.guarded.mixin`` applies both on every ``create``, ``write`` and ``copy``
of the models that inherit it, then the model's own rule on the records
written (``_psa_check_write``: the manager rule of projects, who re-bills an
expense). Code that must copy guarded values on a user's behalf (duplicating a
project) runs inside ``trusted_write()``, a flag no client can set (unlike the
context).
"""

import contextvars
import math
from contextlib import contextmanager

from odoo import api, models
from odoo.exceptions import AccessError, ValidationError

SERVER = ()
BILLING = ("psa_workflow.group_psa_billing",)
ADMIN = ("psa_workflow.group_psa_admin",)
# Whom a project bills and where it is booked: not its manager's to change.
PROJECT_ADMINS = ("project.group_project_manager", "psa_workflow.group_psa_billing")


def write_policy(model):
    """``{field name: groups}`` of ``model``'s fields declared ``psa_write``
    (not related fields: Odoo copies the parameter from the field they follow,
    which guards the value where it is written)."""
    return {
        name: field.psa_write
        for name, field in model._fields.items()
        if getattr(field, "psa_write", None) is not None and not field.related
    }


def locked_fields(model):
    """The names of ``model``'s fields declared ``psa_lock`` (not related
    fields: see ``write_policy``)."""
    return {
        name
        for name, field in model._fields.items()
        if getattr(field, "psa_lock", 0) and not field.related
    }


# Who may read the figures that decide or reveal what a customer is billed:
# the fields carry these groups (``groups=``), the models of CONFIDENTIAL_MODELS
# are readable by these groups only (ir.model.access). Record rules narrow
# them further (projects approved, companies). tests/test_read_policy.py
# checks every field and model declared here against every entry point a
# client can call, as every kind of outsider: a field added tomorrow is
# covered by adding it here.
APPROVERS_AND_BILLING = (
    "psa_workflow.group_psa_approver",
    "psa_workflow.group_psa_billing",
)
READ_POLICY = {
    "account.analytic.line": dict.fromkeys(
        ("psa_bill_rate", "psa_bill_amount", "psa_bill_amount_company"),
        APPROVERS_AND_BILLING,
    ),
    "project.project": dict.fromkeys(
        (
            "psa_contract_amount",
            "psa_budget_amount",
            "psa_logged_amount",
            "psa_approved_amount",
            "psa_invoiced_amount",
            "psa_budget_amount_percent",
            "psa_invoice_skip_reason",
        ),
        APPROVERS_AND_BILLING,
    ),
    "project.milestone": dict.fromkeys(
        ("psa_amount", "psa_percent", "psa_invoice_amount"), APPROVERS_AND_BILLING
    ),
    "psa.allocation.line": {"planned_revenue": APPROVERS_AND_BILLING},
    "psa.project.member": {"bill_rate": APPROVERS_AND_BILLING},
    "psa.role": dict.fromkeys(
        ("default_bill_rate", "default_cost"), APPROVERS_AND_BILLING
    ),
    "res.partner": {"psa_rate_count": APPROVERS_AND_BILLING},
    "account.move": {"psa_link_ids": APPROVERS_AND_BILLING},
    "psa.utilization.report": dict.fromkeys(
        ("billable_value", "standard_value", "invoiced_amount", "realization"),
        APPROVERS_AND_BILLING,
    ),
}
CONFIDENTIAL_MODELS = {
    "psa.rate": APPROVERS_AND_BILLING,
    "psa.project.installment": APPROVERS_AND_BILLING,
    "psa.invoice.link": APPROVERS_AND_BILLING,
}

_trusted = contextvars.ContextVar("psa_trusted_write", default=False)


@contextmanager
def trusted_write():
    """Let the code inside write guarded fields as the current user (e.g. a
    project duplicated with its contract terms). Never reachable by a client."""
    token = _trusted.set(True)
    try:
        yield
    finally:
        _trusted.reset(token)


class PsaWritePolicy(models.AbstractModel):
    _name = "psa.write.policy"
    _description = "PSA Write Policy of Billing Fields"

    @api.model
    def _check_write(self, records, vals_list, create=False):
        """Refuse, with an ``AccessError`` naming the field, a client's change
        of a guarded field of ``records``' model by a user outside its owning
        groups. ``records``: the records written (empty on create)."""
        # Anything but a dict is no value the ORM writes: left to it to refuse.
        vals_list = [vals for vals in vals_list if isinstance(vals, dict)]
        self._check_finite(records, vals_list)
        policy = write_policy(records)
        if not policy or records.env.su or _trusted.get():
            return
        for vals in vals_list:
            for fname in policy.keys() & vals.keys():
                groups = policy[fname]
                if self._may_write(records, fname):
                    continue
                if self._is_no_change(records, fname, vals[fname], create):
                    continue
                raise AccessError(self._refusal(records, fname, groups))

    @api.model
    def _may_write(self, records, fname):
        """Whether the current user may change ``fname`` of ``records``' model."""
        groups = getattr(records._fields[fname], "psa_write", None)
        if groups is None or records.env.su or _trusted.get():
            return True
        return any(records.env.user.has_group(group) for group in groups)

    @api.model
    def _check_finite(self, records, vals_list):
        """NaN and infinity are no amount: refused before Odoo's own rounding
        of monetary and decimal fields would fail on them with a traceback."""
        for vals in vals_list:
            for fname, value in vals.items():
                field = records._fields.get(fname)
                if (
                    field
                    and field.type in ("float", "monetary")
                    and isinstance(value, float)
                    and not math.isfinite(value)
                ):
                    raise ValidationError(
                        self.env._(
                            "%(records)s: %(field)s (%(technical)s) must be a "
                            "finite number, not %(value)s.",
                            records=self._describe(records),
                            field=field._description_string(records.env),
                            technical=fname,
                            value=value,
                        )
                    )

    @api.model
    def _describe(self, records):
        """The records named for a message (a new one by its model)."""
        if not records:
            return self.env._(
                "New %(model)s", model=records.env["ir.model"]._get(records._name).name
            )
        if records._name == "account.analytic.line":
            return records._psa_list(records, limit=5)
        return ", ".join(records.sudo()[:5].mapped("display_name"))

    @api.model
    def _is_no_change(self, records, fname, value, create):
        field = records._fields[fname]
        if create:
            default = field.default(records.browse()) if field.default else None
            currents = [default]
        else:
            # sudo: compared here only; the write itself checks the rights.
            currents = [record[fname] for record in records.sudo()]
        try:
            if field.type == "many2many":
                return all(
                    _many2many_ids(current, value) == _many2many_ids(current, None)
                    for current in currents
                )
            new = _plain(field, value)
            return all(_plain(field, current) == new for current in currents)
        except (TypeError, ValueError):
            return False  # not even a value of the field: a change, refused

    @api.model
    def _refusal(self, records, fname, groups):
        label = records._fields[fname]._description_string(records.env)
        model = records.env["ir.model"]._get(records._name).name
        if not groups:
            return self.env._(
                "%(field)s (%(technical)s) of %(model)s is computed by the "
                "server: it cannot be written.",
                field=label,
                technical=fname,
                model=model,
            )
        owners = ", ".join(self.env.ref(group).sudo().full_name for group in groups)
        return self.env._(
            "Only %(groups)s may change %(field)s (%(technical)s) of %(model)s.",
            groups=owners,
            field=label,
            technical=fname,
            model=model,
        )


def _many2many_ids(current, commands):
    """The ids a many2many holds after ``commands`` (``Command.set``, ``link``,
    ``unlink``, ``clear``) on ``current`` (a recordset, or nothing on create);
    a command creating, updating or deleting a record is a change."""
    ids = set(current.ids if current else ())
    for command in commands or ():
        match command:
            case (6, _, new_ids):
                ids = set(new_ids or ())
            case (5, *_):
                ids = set()
            case (4, record_id, *_):
                ids.add(record_id)
            case (3, record_id, *_):
                ids.discard(record_id)
            case _:
                raise TypeError(command)
    return ids


def _plain(field, value):
    """A comparable form of ``value`` for ``field``: False, None, 0 and an
    empty recordset are all "nothing"; floats compared to 1e-6 (NaN and
    infinity never equal anything)."""
    if field.type in ("float", "monetary"):
        number = float(value or 0.0)
        return round(number, 6) if math.isfinite(number) else object()
    if field.type == "date":
        return field.to_date(value) or False
    if field.type == "many2one":
        return field.convert_to_cache(value, None, validate=False) or False
    return value or False
