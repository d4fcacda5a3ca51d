# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .psa_validation import MAX_HOURLY_RATE, OPEN_STATES, check_ranges, sql_check

# Most specific first: the rate chain used everywhere a bill rate is needed.
RATE_CHAIN = (
    ("employee_project", (True, True, False)),
    ("role_project", (True, False, True)),
    ("project", (True, False, False)),
    ("employee", (False, True, False)),
    ("role", (False, False, True)),
)


# The scopes a rate can have, most specific first (labels for the selections).
RATE_SCOPES = [
    ("employee_project", "Employee on project"),
    ("role_project", "Role on project"),
    ("project", "Project default"),
    ("employee", "Employee default"),
    ("role", "Role default"),
]


class PsaRate(models.Model):
    """One date-effective hourly bill rate, for a scope of project, employee and
    role. The scope is given by which of the three is set (see ``RATE_CHAIN``)."""

    _name = "psa.rate"
    _description = "PSA Bill Rate"
    _order = "project_id, employee_id, role_id, date_from desc, id"
    _check_company_auto = True

    project_id = fields.Many2one(
        "project.project", ondelete="cascade", index=True, check_company=True
    )
    employee_id = fields.Many2one(
        "hr.employee", ondelete="cascade", index=True, check_company=True
    )
    role_id = fields.Many2one(
        "psa.role", ondelete="cascade", index=True, check_company=True
    )
    scope = fields.Selection(
        selection=RATE_SCOPES,
        compute="_compute_scope",
        store=True,
    )
    date_from = fields.Date(string="From", help="Empty: since always.")
    date_to = fields.Date(string="To", help="Empty: until further notice.")
    amount = fields.Monetary(
        string="Hourly Rate", required=True, currency_field="currency_id"
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
    ]

    @api.depends("project_id", "employee_id", "role_id")
    def _compute_scope(self):
        for rate in self:
            present = (
                bool(rate.project_id),
                bool(rate.employee_id),
                bool(rate.role_id),
            )
            rate.scope = next((s for s, shape in RATE_CHAIN if shape == present), False)

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
                for r in (rate.project_id, rate.employee_id, rate.role_id)
                if r
            )
            rate.display_name = f"{who}: {rate.amount:.2f}"

    @api.constrains("project_id", "employee_id", "role_id", "amount")
    def _check_scope(self):
        for rate in self:
            if not rate.scope:
                raise ValidationError(
                    self.env._(
                        "The rate %(rate)s must be for an employee or a role on a "
                        "project, a project, an employee or a role.",
                        rate=rate.display_name,
                    )
                )

    @api.constrains("amount")
    def _check_amount(self):
        check_ranges(self, {"amount": (0.0, MAX_HOURLY_RATE)})

    @api.constrains("project_id", "employee_id", "role_id", "date_from", "date_to")
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
        self.env["psa.write.policy"]._check_write(self, vals_list, create=True)
        rates = super().create(vals_list)
        rates._update_open_timesheets()
        return rates

    def write(self, vals):
        self.env["psa.write.policy"]._check_write(self, [vals])
        self._update_open_timesheets()  # what the old scopes applied to
        result = super().write(vals)
        self._update_open_timesheets()
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
            ("project_id", "in", self.project_id.ids),
            ("employee_id", "in", self.employee_id.ids),
            ("psa_role_id", "in", self.role_id.ids),
        ]

    def _update_open_timesheets(self):
        """A rate change re-prices open timesheets; approved ones keep their rate."""
        if self:
            self.env["account.analytic.line"].sudo().search(
                self._open_timesheets_domain()
            )._psa_update_billing()

    @api.model
    def _resolve_rates(self, keys):
        """Resolve bill rates in batch.

        :param keys: iterable of ``(project_id, employee_id, role_id, date)``
            (ids may be False)
        :return: ``{key: (amount, currency, scope)}``; ``(0.0, False, False)`` when
            no rate applies, so callers can flag the entry rather than bill zero.
        """
        keys = list(dict.fromkeys(keys))
        ids = [{k[i] for k in keys if k[i]} for i in range(3)]
        # Rates are not readable by plain employees; resolving them for their own
        # entries is what the addon does on their behalf.
        rates = self.sudo().search_fetch(
            [
                "|",
                "|",
                ("project_id", "in", list(ids[0])),
                ("employee_id", "in", list(ids[1])),
                ("role_id", "in", list(ids[2])),
            ],
            ["project_id", "employee_id", "role_id", "date_from", "date_to", "amount"],
        )
        by_scope_key = defaultdict(list)
        for rate in rates:
            scope_key = (rate.project_id.id, rate.employee_id.id, rate.role_id.id)
            by_scope_key[scope_key].append(rate)
        roles = self.env["psa.role"].sudo().browse(ids[2])
        roles.fetch(["default_bill_rate", "company_id"])
        result = {}
        for key in keys:
            result[key] = self._resolve_one(key, by_scope_key, roles)
        return result

    @api.model
    def _resolve_one(self, key, by_scope_key, roles):
        project_id, employee_id, role_id, date = key
        given = (project_id, employee_id, role_id)
        for scope, shape in RATE_CHAIN:
            if not all(given[i] for i in range(3) if shape[i]):
                continue
            scope_key = tuple(given[i] if shape[i] else False for i in range(3))
            for rate in by_scope_key.get(scope_key, ()):
                if (not rate.date_from or rate.date_from <= date) and (
                    not rate.date_to or date <= rate.date_to
                ):
                    return rate.amount, rate.currency_id, scope
        role = roles.browse(role_id) if role_id else roles.browse()
        if role and role.default_bill_rate:
            # A role shared between companies is in the currency of the company
            # billing it (False: the caller's company currency).
            return role.default_bill_rate, role.company_id.currency_id, "role_default"
        return 0.0, False, False
