# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .psa_validation import OPEN_STATES


class PsaProjectMember(models.Model):
    """An employee on a project's team, in a role. Rate overrides for the member
    live in ``psa.rate`` (scope employee + project), like every other rate."""

    _name = "psa.project.member"
    _inherit = ["psa.client.access.mixin"]
    _description = "PSA Project Team Member"
    _order = "project_id, role_id, employee_id"
    _check_company_auto = True

    project_id = fields.Many2one(
        "project.project",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    employee_id = fields.Many2one(
        "hr.employee", required=True, ondelete="cascade", index=True, check_company=True
    )
    role_id = fields.Many2one(
        "psa.role",
        string="Role on Project",
        compute="_compute_role_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        check_company=True,
    )
    bill_rate = fields.Monetary(
        string="Current Rate",
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
        compute="_compute_bill_rate",
        currency_field="currency_id",
        help="The rate this member's time on the project is billed at today, "
        "from the project's rate chain.",
    )
    currency_id = fields.Many2one(related="project_id.psa_currency_id")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "project_employee_unique",
            "UNIQUE(project_id, employee_id)",
            "An employee is on a project's team only once.",
        ),
    ]

    @api.model
    def _team_roles(self, projects, employees):
        """``{(project_id, employee_id): role}`` of these projects' teams, one
        query (with sudo: the role someone is billed as is not a secret)."""
        members = self.sudo().search_fetch(
            [("project_id", "in", projects.ids), ("employee_id", "in", employees.ids)],
            ["project_id", "employee_id", "role_id"],
        )
        return {(m.project_id.id, m.employee_id.id): m.role_id for m in members}

    @api.model
    def _role_resolver(self, projects, employees):
        """The role work is done as, when none is given: a function
        ``(project, employee) -> role`` giving the employee's role on the
        project's team, else their default role (one query for all)."""
        team_roles = self._team_roles(projects, employees)

        def role_of(project, employee):
            return (
                team_roles.get((project.id, employee.id))
                or employee.sudo().psa_default_role_id
            )

        return role_of

    @api.depends("employee_id")
    def _compute_role_id(self):
        for member in self:
            if not member.role_id:
                member.role_id = member.employee_id.sudo().psa_default_role_id

    @api.depends("project_id", "employee_id", "role_id")
    def _compute_bill_rate(self):
        today = fields.Date.context_today(self)
        Rate = self.env["psa.rate"]
        keys = Rate._psa_rate_keys(
            (m.project_id, m.employee_id, m.role_id, today) for m in self
        )
        rates = Rate._resolve_rates(keys)
        for member, key in zip(self, keys, strict=True):
            member.bill_rate = rates[key][0]

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        members._update_open_timesheets()
        return members

    def write(self, vals):
        result = super().write(vals)
        if {"role_id", "employee_id", "project_id", "active"} & set(vals):
            self._update_open_timesheets()
        return result

    def unlink(self):
        keys = [(m.project_id.id, m.employee_id.id) for m in self]
        result = super().unlink()
        self._update_open_timesheets(keys)
        return result

    def _update_open_timesheets(self, keys=None):
        """Open timesheets of these members take their role on the project (or
        the employee's default role once off the team) and are priced again."""
        keys = keys or [(m.project_id.id, m.employee_id.id) for m in self]
        if keys:
            self.env["account.analytic.line"].sudo().search(
                [
                    ("project_id", "in", [k[0] for k in keys]),
                    ("employee_id", "in", [k[1] for k in keys]),
                    ("psa_state", "in", OPEN_STATES),
                ]
            )._psa_sync_roles()
