# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Projects, the PSA base: the billing model and currency, who may change
what from the form (the manager rule), the team, rates and allocations.
Billing terms, budget burn and approvers live next to it
(``project_project_terms``, ``project_project_burn``,
``project_project_approvers``)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .psa_validation import OPEN_STATES, ensure_one
from .psa_write_policy import BILLING, PROJECT_ADMINS

BILLING_TYPES = [
    ("time_material", "Time & Materials"),
    ("fixed_price", "Fixed Price"),
    ("milestone", "Milestones"),
    ("non_billable", "Non-billable"),
]


class ProjectProject(models.Model):
    _name = "project.project"
    _inherit = ["psa.guarded.mixin", "project.project"]
    # A duplicate keeps the original's billing terms, whoever duplicates it
    # (a project manager outside the PSA groups too): copying them is no
    # client's change of what is billed.
    _psa_copy_trusted = True

    # Whom the project bills and where it is booked (the analytic account
    # carries its invoiced revenue and costs): not its manager's to change.
    partner_id = fields.Many2one(psa_write=PROJECT_ADMINS)
    company_id = fields.Many2one(psa_write=PROJECT_ADMINS)
    account_id = fields.Many2one(psa_write=PROJECT_ADMINS)

    psa_billing_type = fields.Selection(
        selection=BILLING_TYPES,
        string="Billing Model",
        default="time_material",
        required=True,
        tracking=True,
        help="How work on this project is billed to the customer:\n"
        "- Time & Materials: approved hours and expenses at their rates;\n"
        "- Fixed Price: a contract amount billed by installments;\n"
        "- Milestones: an amount billed when each milestone is reached;\n"
        "- Non-billable: internal work, never invoiced.",
        psa_write=BILLING,
    )
    psa_is_billable = fields.Boolean(
        string="Billable",
        compute="_compute_psa_is_billable",
        store=True,
        help="Work on this project can be billed to a customer.",
    )

    psa_currency_id = fields.Many2one(
        "res.currency",
        string="Billing Currency",
        compute="_compute_psa_currency_id",
        store=True,
        help="The currency the customer is billed in: the currency of the customer's "
        "pricelist, else the company currency. Project rates are in this currency.",
    )
    psa_can_manage = fields.Boolean(
        compute="_compute_psa_can_manage",
        help="The current user may change this project (its manager, billing users, "
        "project administrators).",
    )
    psa_can_edit_team = fields.Boolean(compute="_compute_psa_can_manage")
    psa_can_edit_allocations = fields.Boolean(compute="_compute_psa_can_manage")
    psa_can_edit_rates = fields.Boolean(compute="_compute_psa_can_manage")
    psa_can_edit_customer = fields.Boolean(
        compute="_compute_psa_can_manage",
        help="The current user may change whom the project bills (its customer and "
        "company): billing users and project administrators.",
    )
    psa_member_ids = fields.One2many(
        "psa.project.member", "project_id", string="Team", copy=False
    )
    psa_rate_ids = fields.One2many("psa.rate", "project_id", string="Rates", copy=False)
    psa_allocation_ids = fields.One2many(
        "psa.allocation", "project_id", string="Allocations"
    )
    psa_allocation_count = fields.Integer(compute="_compute_psa_allocation_count")

    @api.depends("psa_billing_type")
    def _compute_psa_is_billable(self):
        for project in self:
            project.psa_is_billable = project.psa_billing_type != "non_billable"

    @api.depends(
        "partner_id.commercial_partner_id.property_product_pricelist",
        "company_id.currency_id",
    )
    def _compute_psa_currency_id(self):
        for project in self:
            pricelist = (
                project.partner_id.commercial_partner_id.property_product_pricelist
            )
            project.psa_currency_id = (
                pricelist.currency_id
                or (project.company_id or self.env.company).currency_id
            )

    @api.depends("user_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_psa_can_manage(self):
        """What the current user may change from the project form, as the
        server decides it: the project itself (access rights and the manager
        rule of ``_psa_check_write``), then its team and allocations
        (record rules of their models, evaluated on a row of each project),
        and its rates (write policy)."""
        user = self.env.user
        may_write = self.env.su or self.browse().has_access("write")
        restricted = not self._psa_manages_any_project(user)
        team = self._psa_rows_allowed("psa.project.member")
        allocations = self._psa_rows_allowed("psa.allocation")
        Rate = self.env["psa.rate"]
        policy = self.env["psa.write.policy"]
        rates = Rate.has_access("write") and policy._may_write(Rate, "amount")
        customer = may_write and policy._may_write(self, "partner_id")
        for project in self:
            manage = may_write and (not restricted or project.user_id == user)
            project.psa_can_manage = manage
            project.psa_can_edit_team = manage and team[project]
            project.psa_can_edit_allocations = manage and allocations[project]
            project.psa_can_edit_rates = manage and rates
            project.psa_can_edit_customer = customer

    @api.model
    def _psa_manages_any_project(self, user):
        """Whether ``user`` may change any project (not only those they
        manage): superuser, Odoo project administrators, billing users."""
        return (
            self.env.su
            or user.has_group("project.group_project_manager")
            or user.has_group("psa_workflow.group_psa_billing")
        )

    def _psa_rows_allowed(self, model_name):
        """``{project: bool}``: may the current user create and change rows of
        ``model_name`` (a model with a ``project_id``) on each project? Its
        access rights, then its record rules evaluated on a new row of each
        project (no query, nothing written)."""
        Model = self.env[model_name]
        if not (Model.has_access("create") and Model.has_access("write")):
            return dict.fromkeys(self, False)
        domain = self.env["ir.rule"]._compute_domain(model_name, "write")
        if self.env.su or not domain:
            return dict.fromkeys(self, True)
        result = {}
        for project in self:
            probe = Model.sudo().new({"project_id": project._origin.id})
            result[project] = bool(probe.filtered_domain(domain))
        return result

    def _psa_check_write(self, vals):
        """The manager rule: project managers (PSA approvers) change only the
        projects they manage (whom they bill and where it is booked are the
        fields' ``psa_write``); marking a project as a favourite is no change
        of it. The manager alone (``user_id``): its delegates
        (``psa_approver_ids``) approve its entries, they do not change the
        project, its team or its staffing."""
        user = self.env.user
        if (
            self.env.su
            or not set(vals) - {"is_favorite"}
            or self._psa_manages_any_project(user)
            or not user.has_group("psa_workflow.group_psa_approver")
        ):
            return  # the access rights decide
        others = self.sudo().filtered(lambda project: project.user_id != user)
        if others:
            raise AccessError(
                self.env._(
                    "You may only change the projects you manage; %(projects)s "
                    "is managed by %(manager)s.",
                    projects=", ".join(others[:5].mapped("display_name")),
                    manager=others[0].user_id.name or self.env._("nobody"),
                )
            )

    def _compute_psa_allocation_count(self):
        counts = dict(
            self.env["psa.allocation"]._read_group(
                [("project_id", "in", self.ids)], ["project_id"], ["__count"]
            )
        )
        for project in self:
            project.psa_allocation_count = counts.get(project, 0)

    def copy(self, default=None):
        """A duplicate keeps the original's installments, team and rates too
        (``_psa_copy_trusted``: the values passed in ``default`` are checked)."""
        new_projects = super().copy(default)
        for old, new in zip(self.sudo(), new_projects.sudo(), strict=True):
            if "psa_contract_amount" not in (default or {}):
                new.psa_contract_amount = old.psa_contract_amount
            if "psa_budget_amount" not in (default or {}):
                new.psa_budget_amount = old.psa_budget_amount
            old.psa_installment_ids.copy({"project_id": new.id})
            old.psa_member_ids.copy({"project_id": new.id})
            old.psa_rate_ids.copy({"project_id": new.id})
        return new_projects

    def write(self, vals):
        # The write policy and the manager rule first (psa.guarded.mixin).
        result = super().write(vals)
        # The rounding, the billing model and the customer (its rate card)
        # price open work.
        if {
            "psa_rounding_minutes",
            "psa_rounding_method",
            "psa_billing_type",
            "partner_id",
        } & set(vals):
            open_lines = self.env["account.analytic.line"].search(
                [
                    ("project_id", "in", self.ids),
                    ("psa_state", "in", OPEN_STATES),
                ]
            )
            # Work on a project made non-billable is no longer billable, unless
            # already approved (history).
            now_internal = open_lines.filtered(
                lambda line: line.psa_billable and not line.project_id.psa_is_billable
            )
            # The addon's bookkeeping, whoever changed the billing model.
            now_internal.sudo().psa_billable = False
            (open_lines - now_internal)._psa_update_billing()
        return result

    @api.onchange("psa_billing_type")
    def _onchange_psa_billing_type(self):
        # Milestone billing needs Odoo's milestones switched on for the project.
        if self.psa_billing_type == "milestone":
            self.allow_milestones = True

    def action_psa_open_allocations(self):
        ensure_one(self, "action_psa_open_allocations")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_workflow.psa_allocation_action"
        )
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"default_project_id": self.id}
        return action

    def action_psa_open_team_workload(self):
        """The workload heat map of the people planned on this project (their
        whole load, week by week: who is over or under-allocated)."""
        ensure_one(self, "action_psa_open_team_workload")
        action = self.env["psa.workload.heatmap"].action_open_heatmap()
        action["context"] = {"psa_project_id": self.id}
        return action
