# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict, namedtuple

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from .psa_validation import MAX_HOURLY_RATE, OPEN_STATES, check_ranges, sql_check
from .psa_write_policy import ADMIN

# What a rate is for: the dimensions a rate sets, and the key a rate is
# resolved for (built in one place, ``PsaRate._psa_rate_keys``).
RATE_DIMENSIONS = ("project_id", "employee_id", "role_id", "partner_id")
RateKey = namedtuple("RateKey", (*RATE_DIMENSIONS, "date"))
# One step of the rate chain: the scope of the rates it looks at, and the
# dimensions those rates set (and the key must have).
RateStep = namedtuple("RateStep", "scope dimensions")

# The rate chain, most specific first (``PsaRate._psa_rate_chain``); the
# role's default bill rate is the last resort.
RATE_CHAIN = (
    RateStep("employee_project", ("project_id", "employee_id")),
    RateStep("role_project", ("project_id", "role_id")),
    RateStep("project", ("project_id",)),
    RateStep("customer", ("partner_id",)),
    RateStep("employee", ("employee_id",)),
    RateStep("role", ("role_id",)),
)

# The scopes a rate can have (labels for the selections).
RATE_SCOPES = [
    ("employee_project", "Employee on project"),
    ("role_project", "Role on project"),
    ("project", "Project default"),
    ("customer", "Customer default"),
    ("employee", "Employee default"),
    ("role", "Role default"),
]


class PsaRate(models.Model):
    """One date-effective hourly bill rate, for a scope of project, employee,
    role or customer. The scope is given by which of them are set (see
    ``RATE_CHAIN``)."""

    _name = "psa.rate"
    _inherit = ["psa.guarded.mixin"]
    _description = "PSA Bill Rate"
    _order = "project_id, employee_id, role_id, date_from desc, id"
    _check_company_auto = True

    project_id = fields.Many2one(
        "project.project",
        ondelete="cascade",
        index=True,
        check_company=True,
        psa_write=ADMIN,
    )
    employee_id = fields.Many2one(
        "hr.employee",
        ondelete="cascade",
        index=True,
        check_company=True,
        psa_write=ADMIN,
    )
    role_id = fields.Many2one(
        "psa.role",
        ondelete="cascade",
        index=True,
        check_company=True,
        psa_write=ADMIN,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        ondelete="cascade",
        index="btree_not_null",
        check_company=True,
        domain="[('parent_id', '=', False)]",
        help="A customer's rate card: the rate of every project of this customer "
        "without a rate of its own.",
        psa_write=ADMIN,
    )
    scope = fields.Selection(
        selection=RATE_SCOPES,
        compute="_compute_scope",
        store=True,
    )
    date_from = fields.Date(string="From", help="Empty: since always.", psa_write=ADMIN)
    date_to = fields.Date(
        string="To", help="Empty: until further notice.", psa_write=ADMIN
    )
    # Rates are never summed (a group's total of rates means nothing, and
    # they may be in different currencies).
    amount = fields.Monetary(
        string="Hourly Rate",
        required=True,
        currency_field="currency_id",
        aggregator=None,
        psa_write=ADMIN,
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        help="A project's rates are in the project's billing currency; other rates "
        "in the company currency.",
        psa_write=ADMIN,
    )

    _sql_constraints = [
        (
            "amount_positive",
            sql_check("amount", 0, MAX_HOURLY_RATE),
            "A bill rate must be a number from 0 to 1,000,000 per hour.",
        ),
        (
            "dates_ordered",
            "CHECK(date_to IS NULL OR date_from IS NULL OR date_from <= date_to)",
            "A rate cannot end before it starts.",
        ),
        # What _check_no_overlap says with the rates named, held by the
        # database against two transactions creating rates at the same time
        # (neither sees the other's): checked at commit, after the named
        # refusal. A range of one id equals only itself; an empty dimension
        # is the unbounded range, equal only to another.
        (
            "no_overlap",
            """EXCLUDE USING GIST (
                int4range(project_id, project_id, '[]') WITH =,
                int4range(employee_id, employee_id, '[]') WITH =,
                int4range(role_id, role_id, '[]') WITH =,
                int4range(partner_id, partner_id, '[]') WITH =,
                daterange(date_from, date_to, '[]') WITH &&
            ) DEFERRABLE INITIALLY DEFERRED""",
            "Two rates of the same scope overlap: end one before the other starts.",
        ),
    ]

    @api.depends(*RATE_DIMENSIONS)
    def _compute_scope(self):
        chain = self._psa_rate_chain()
        for rate in self:
            present = {dimension for dimension in RATE_DIMENSIONS if rate[dimension]}
            rate.scope = next(
                (step.scope for step in chain if set(step.dimensions) == present),
                False,
            )

    @api.depends("project_id.company_id", "employee_id.company_id")
    def _compute_company_id(self):
        for rate in self:
            rate.company_id = (
                rate.project_id.company_id
                or rate.employee_id.company_id
                or rate.company_id
                or self.env.company
            )

    @api.depends("project_id.psa_currency_id", "company_id.currency_id")
    def _compute_currency_id(self):
        for rate in self:
            rate.currency_id = (
                rate.project_id.psa_currency_id or rate.company_id.currency_id
            )

    @api.depends("scope", "amount", "date_from", "date_to")
    def _compute_display_name(self):
        for rate in self:
            who = " / ".join(
                r.display_name
                for r in (rate[dimension] for dimension in RATE_DIMENSIONS)
                if r
            )
            rate.display_name = f"{who}: {rate.amount:.2f}"

    @api.constrains(*RATE_DIMENSIONS, "amount")
    def _check_scope(self):
        for rate in self:
            if not rate.scope:
                raise ValidationError(
                    self.env._(
                        "The rate %(rate)s must be for an employee or a role on a "
                        "project, a project, a customer, an employee or a role.",
                        rate=rate.display_name,
                    )
                )

    @api.constrains("amount")
    def _check_amount(self):
        check_ranges(self, {"amount": (0.0, MAX_HOURLY_RATE)})

    @api.constrains(*RATE_DIMENSIONS, "date_from", "date_to")
    def _check_no_overlap(self):
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT a.id, b.id
              FROM psa_rate a
              JOIN psa_rate b
                ON b.id != a.id
               AND b.project_id IS NOT DISTINCT FROM a.project_id
               AND b.employee_id IS NOT DISTINCT FROM a.employee_id
               AND b.role_id IS NOT DISTINCT FROM a.role_id
               AND b.partner_id IS NOT DISTINCT FROM a.partner_id
               AND daterange(a.date_from, a.date_to, '[]')
                   && daterange(b.date_from, b.date_to, '[]')
             WHERE a.id IN %s
             LIMIT 1
            """,
            [tuple(self.ids)],
        )
        row = self.env.cr.fetchone()
        if row:
            rate, other = self.browse(row)
            raise ValidationError(
                self.env._(
                    "The rate %(rate)s overlaps the rate %(other)s for the same scope: "
                    "end one before the other starts.",
                    rate=rate.display_name,
                    other=other.display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        rates = super().create(vals_list)
        rates._update_open_timesheets()
        return rates

    def write(self, vals):
        # What the old scopes applied to, re-priced once with the new ones.
        old_scope = self._open_timesheets_domain() if self else None
        result = super().write(vals)
        if old_scope:
            Line = self.env["account.analytic.line"].sudo()
            lines = Line.search(old_scope) | Line.search(self._open_timesheets_domain())
            lines._psa_update_billing()
        return result

    def unlink(self):
        scope = self._open_timesheets_domain()
        result = super().unlink()
        self.env["account.analytic.line"].search(scope)._psa_update_billing()
        return result

    def _open_timesheets_domain(self):
        """Timesheets not yet approved that these rates may apply to."""
        return [
            ("project_id", "!=", False),
            ("psa_state", "in", OPEN_STATES),
            ("psa_billable", "=", True),
            "|",
            "|",
            "|",
            ("project_id", "in", self.project_id.ids),
            ("employee_id", "in", self.employee_id.ids),
            ("psa_role_id", "in", self.role_id.ids),
            ("project_id.partner_id.commercial_partner_id", "in", self.partner_id.ids),
        ]

    def _update_open_timesheets(self):
        """A rate change re-prices open timesheets; approved ones keep their rate."""
        if self:
            self.env["account.analytic.line"].sudo().search(
                self._open_timesheets_domain()
            )._psa_update_billing()

    @api.model
    def _psa_rate_chain(self):
        """The rate chain, most specific first: ``[RateStep]``. The place to
        change the order or add a step (a step's dimensions are fields of the
        rate and of ``RateKey``)."""
        return list(RATE_CHAIN)

    @api.model
    def _psa_rate_keys(self, rows):
        """``[RateKey]`` of work by ``employee`` as ``role`` on ``project`` on
        ``date``, for each ``(project, employee, role, date)`` of ``rows``
        (records, possibly empty): the customer is the project's commercial
        partner, read once per project."""
        customers = {}
        keys = []
        for project, employee, role, date in rows:
            if project.id not in customers:
                partner = project.sudo().partner_id.commercial_partner_id
                customers[project.id] = partner.id
            keys.append(
                RateKey(project.id, employee.id, role.id, customers[project.id], date)
            )
        return keys

    @api.model
    def _resolve_rates(self, keys):
        """Resolve bill rates in batch.

        :param keys: iterable of ``RateKey`` (ids may be False)
        :return: ``{key: (amount, currency, scope)}``; ``(0.0, False, False)`` when
            no rate applies, so callers can flag the entry rather than bill zero.
        """
        keys = list(dict.fromkeys(keys))
        ids = {
            dimension: list({getattr(key, dimension) for key in keys} - {False})
            for dimension in RATE_DIMENSIONS
        }
        # Rates are not readable by plain employees; resolving them for their own
        # entries is what the addon does on their behalf.
        domain = expression.OR(
            [
                [(dimension, "in", dimension_ids)]
                for dimension, dimension_ids in ids.items()
            ]
        )
        rates = self.sudo().search_fetch(
            domain, [*RATE_DIMENSIONS, "date_from", "date_to", "amount", "currency_id"]
        )
        by_scope_key = defaultdict(list)
        for rate in rates:
            by_scope_key[tuple(rate[d].id for d in RATE_DIMENSIONS)].append(rate)
        roles = self.env["psa.role"].sudo().browse(ids["role_id"])
        roles.fetch(["default_bill_rate", "company_id"])
        chain = self._psa_rate_chain()
        return {key: self._resolve_one(key, chain, by_scope_key, roles) for key in keys}

    @api.model
    def _resolve_one(self, key, chain, by_scope_key, roles):
        for step in chain:
            if not all(getattr(key, dimension) for dimension in step.dimensions):
                continue
            scope_key = tuple(
                getattr(key, dimension) if dimension in step.dimensions else False
                for dimension in RATE_DIMENSIONS
            )
            for rate in by_scope_key.get(scope_key, ()):
                if (not rate.date_from or rate.date_from <= key.date) and (
                    not rate.date_to or key.date <= rate.date_to
                ):
                    return rate.amount, rate.currency_id, step.scope
        role = roles.browse(key.role_id) if key.role_id else roles.browse()
        if role and role.default_bill_rate:
            # A role shared between companies is in the currency of the company
            # billing it (False: the caller's company currency).
            return role.default_bill_rate, role.company_id.currency_id, "role_default"
        return 0.0, False, False
