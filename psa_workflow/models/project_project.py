# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_round

from .psa_validation import (
    INVOICE_DETAILS,
    OPEN_STATES,
    check_ranges,
    ensure_one,
    sql_check,
)
from .psa_write_policy import trusted_write

# Budget burn colour bands (% of the budget consumed): green below the
# warning threshold, orange from it up to 100 %, red beyond 100 %. The
# progress bar widget (static/src/budget_progressbar) uses the same bands.
BUDGET_WARNING_PERCENT = 80.0
BUDGET_DANGER_PERCENT = 100.0
MANAGERS_AND_BILLING = "psa_workflow.group_psa_approver,psa_workflow.group_psa_billing"
BILLING_TYPES = [
    ("time_material", "Time & Materials"),
    ("fixed_price", "Fixed Price"),
    ("milestone", "Milestones"),
    ("non_billable", "Non-billable"),
]


def budget_band(percent, has_budget=True):
    """The colour band of a burn ``percent``: ``none`` (no budget), ``ok``
    (below 80 %), ``warning`` (80 % to 100 %) or ``danger`` (above 100 %),
    on the percent rounded to 2 digits as displayed."""
    if not has_budget:
        return "none"
    percent = float_round(percent, 2)
    if percent > BUDGET_DANGER_PERCENT:
        return "danger"
    if percent >= BUDGET_WARNING_PERCENT:
        return "warning"
    return "ok"


class ProjectProject(models.Model):
    _name = "project.project"
    _inherit = ["project.project", "psa.client.access.mixin"]

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
    psa_rounding_minutes = fields.Integer(
        string="Billing Rounding (minutes)",
        help="Round each timesheet's billed hours to this many minutes (e.g. 15). "
        "The hours the employee logged never change. 0: no rounding.",
    )
    psa_rounding_method = fields.Selection(
        selection=[("up", "Up"), ("nearest", "Nearest")],
        string="Rounding Method",
        default="up",
        required=True,
    )
    # Not stored: every timesheet saved would otherwise rewrite its project's
    # row, and consultants logging time on one project would collide.
    psa_logged_hours = fields.Float(
        string="Logged Hours",
        compute="_compute_psa_overrun",
        help="Hours logged on the project's timesheets.",
    )
    psa_consumed_percent = fields.Float(
        string="Budget Consumed (%)",
        compute="_compute_psa_overrun",
        help="Logged hours over the project's allocated (budget) hours.",
    )
    psa_is_over_budget = fields.Boolean(
        string="Over Budget",
        compute="_compute_psa_overrun",
        search="_search_psa_is_over_budget",
        help="More hours logged than the project's allocated (budget) hours.",
    )
    psa_approved_hours = fields.Float(
        string="Approved Hours",
        compute="_compute_psa_overrun",
        help="Hours of the project's timesheets approved (invoiced ones included).",
    )
    psa_invoiced_hours = fields.Float(
        string="Invoiced Hours",
        compute="_compute_psa_overrun",
        help="Hours of the project's timesheets invoiced.",
    )
    psa_budget_amount = fields.Monetary(
        string="Budget Amount",
        currency_field="psa_currency_id",
        tracking=True,
        copy=False,  # copied by copy() as superuser: not readable by everyone
        groups=MANAGERS_AND_BILLING,
        help="The project's budget in money, in its billing currency: the billable "
        "value of its time (hours at their bill rates) is measured against it.",
    )
    psa_logged_amount = fields.Monetary(
        string="Logged Amount",
        currency_field="psa_currency_id",
        compute="_compute_psa_burn_amounts",
        groups=MANAGERS_AND_BILLING,
        help="Billable value of all the hours logged on the project (any state).",
    )
    psa_approved_amount = fields.Monetary(
        string="Approved Amount",
        currency_field="psa_currency_id",
        compute="_compute_psa_burn_amounts",
        groups=MANAGERS_AND_BILLING,
        help="Billable value of the approved hours (invoiced ones included).",
    )
    psa_invoiced_amount = fields.Monetary(
        string="Invoiced Amount",
        currency_field="psa_currency_id",
        compute="_compute_psa_burn_amounts",
        groups=MANAGERS_AND_BILLING,
        help="Billable value of the invoiced hours.",
    )
    psa_budget_amount_percent = fields.Float(
        string="Budget Amount Consumed (%)",
        compute="_compute_psa_burn_amounts",
        groups=MANAGERS_AND_BILLING,
        help="Logged amount over the budget amount.",
    )
    psa_burn_percent = fields.Float(
        string="Budget Burn (%)",
        compute="_compute_psa_burn",
        help="The higher of the hours logged over the hours budget and the amount "
        "logged over the budget amount (those set): green below 80 %, orange from "
        "80 % to 100 %, red above 100 %.",
    )
    psa_burn_band = fields.Selection(
        selection=[
            ("none", "No budget"),
            ("ok", "Within budget"),
            ("warning", "Near budget"),
            ("danger", "Over budget"),
        ],
        string="Budget Status",
        compute="_compute_psa_burn",
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
    # Who approves: the one definition (``_psa_approvers``), stored so that
    # record rules, filters and queues read it in SQL.
    psa_extra_approver_ids = fields.Many2many(
        "res.users",
        "psa_project_delegate_rel",
        "project_id",
        "user_id",
        string="Delegates",
        copy=False,
        domain=lambda self: self._psa_delegate_domain(),
        help="PSA approvers who approve this project's entries besides its manager "
        "(a manager on leave). Set by PSA administrators.",
    )
    psa_approver_ids = fields.Many2many(
        "res.users",
        "psa_project_approver_rel",
        "project_id",
        "user_id",
        string="Approvers",
        compute="_compute_psa_approver_ids",
        store=True,
        help="Who approves, rejects and reopens this project's entries, gets the "
        "approval activities and sees the project's reports: its manager and its "
        "delegates (PSA administrators approve on every project).",
    )
    psa_invoice_product_id = fields.Many2one(
        "product.product",
        string="Invoiced Service",
        domain="[('type', '=', 'service')]",
        check_company=True,
        help="Service product on the invoice lines: income account and taxes come "
        "from it. Default: the PSA service product.",
    )
    psa_invoice_detail = fields.Selection(
        selection=INVOICE_DETAILS,
        string="Invoice Lines",
        default="employee",
        required=True,
        help="How the time of this project is gathered on invoice lines (always "
        "one line per rate).",
    )
    psa_cap_type = fields.Selection(
        selection=[("none", "No cap"), ("amount", "Amount"), ("hours", "Hours")],
        string="Not-to-exceed",
        default="none",
        required=True,
        help="Time & materials: time beyond the cap is held from invoicing until "
        "a billing user decides (bill anyway, or write off).",
    )
    psa_cap_amount = fields.Monetary(
        string="Cap Amount", currency_field="psa_currency_id"
    )
    psa_cap_hours = fields.Float(string="Cap Hours", digits=(16, 2))
    psa_invoice_annex = fields.Boolean(
        string="Timesheet Annex",
        help="Print the timesheets billed (date, employee, task, description, "
        "hours, rate, amount) as an annex of the customer invoice.",
    )
    psa_invoice_frequency = fields.Selection(
        selection=[
            ("manual", "On demand"),
            ("weekly", "Weekly"),
            ("monthly", "Monthly"),
        ],
        string="Invoicing",
        default="manual",
        required=True,
        help="Weekly or monthly: the scheduled action invoices the approved work of "
        "each past week or month.",
    )
    psa_can_edit_terms = fields.Boolean(
        compute="_compute_psa_can_edit_terms",
        # A new record's form has the value before any compute runs.
        default=lambda self: self.env.user.has_group("psa_workflow.group_psa_billing"),
        help="The current user may change the billing terms (billing users).",
    )
    psa_last_invoice_date = fields.Date(
        string="Invoiced Up To", readonly=True, copy=False
    )
    psa_invoice_skipped_date = fields.Date(
        string="Scheduled Invoicing Skipped On",
        readonly=True,
        copy=False,
        help="The scheduled invoicing could not invoice this project that day; it "
        "tries again the next day.",
    )
    psa_invoice_skip_reason = fields.Char(
        string="Scheduled Invoicing Problem",
        readonly=True,
        copy=False,
        # It may quote the contract or the billed amount: read as they are.
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
    )
    psa_contract_amount = fields.Monetary(
        string="Contract Amount",
        currency_field="psa_currency_id",
        copy=False,  # copied by copy() as superuser: not readable by everyone
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
        help="Fixed price: the amount the installments add up to; milestones may be "
        "a % of it.",
    )
    psa_installment_ids = fields.One2many(
        "psa.project.installment", "project_id", string="Installments", copy=False
    )
    psa_member_ids = fields.One2many(
        "psa.project.member", "project_id", string="Team", copy=False
    )
    psa_rate_ids = fields.One2many("psa.rate", "project_id", string="Rates", copy=False)
    psa_allocation_ids = fields.One2many(
        "psa.allocation", "project_id", string="Allocations"
    )
    psa_allocation_count = fields.Integer(compute="_compute_psa_allocation_count")

    _sql_constraints = [
        (
            "psa_contract_amount_range",
            sql_check("psa_contract_amount", 0),
            "A project's contract amount must be a finite number, not negative.",
        ),
        (
            "psa_cap_amount_range",
            sql_check("psa_cap_amount", 0),
            "A project's cap amount must be a finite number, not negative.",
        ),
        (
            "psa_budget_amount_range",
            sql_check("psa_budget_amount", 0),
            "A project's budget amount must be a finite number, not negative.",
        ),
        (
            "psa_cap_hours_range",
            sql_check("psa_cap_hours", 0),
            "A project's cap hours must be a finite number, not negative.",
        ),
        (
            "psa_rounding_minutes_range",
            "CHECK(psa_rounding_minutes >= 0 AND psa_rounding_minutes <= 240)",
            "A project's billing rounding must be between 0 and 240 minutes.",
        ),
    ]

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

    def _psa_burn_figures(self):
        """``{project id: {"logged"|"approved"|"invoiced": [hours, amount]}}``
        (zeros for any other id)
        of these projects' timesheets, amounts (billable value) in each
        project's billing currency: one grouped query (sudo: the amounts are
        summed for the fields' readers, whoever logged the time)."""
        figures = defaultdict(
            lambda: {
                "logged": [0.0, 0.0],
                "approved": [0.0, 0.0],
                "invoiced": [0.0, 0.0],
            }
        )
        if not self._origin.ids:
            return figures
        groups = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [("project_id", "in", self._origin.ids)],
                ["project_id", "psa_state", "psa_currency_id"],
                ["unit_amount:sum", "psa_bill_amount:sum"],
            )
        )
        today = fields.Date.context_today(self)
        for project, state, currency, hours, billed in groups:
            amount = billed
            target = project.psa_currency_id
            if billed and currency and target and currency != target:
                company = project.company_id or self.env.company
                amount = currency._convert(billed, target, company, today)
            kinds = ["logged"]
            if state in ("approved", "invoiced"):
                kinds.append("approved")
            if state == "invoiced":
                kinds.append("invoiced")
            for kind in kinds:
                figures[project.id][kind][0] += hours
                figures[project.id][kind][1] += amount
        return figures

    @api.depends(
        "allocated_hours", "timesheet_ids.unit_amount", "timesheet_ids.psa_state"
    )
    def _compute_psa_overrun(self):
        figures = self._psa_burn_figures()
        for project in self:
            burn = figures[project._origin.id]
            hours = burn["logged"][0]
            budget = project.allocated_hours
            project.psa_logged_hours = hours
            project.psa_approved_hours = burn["approved"][0]
            project.psa_invoiced_hours = burn["invoiced"][0]
            project.psa_consumed_percent = 100.0 * hours / budget if budget else 0.0
            project.psa_is_over_budget = bool(budget) and hours > budget

    @api.depends(
        "psa_budget_amount",
        "psa_currency_id",
        "timesheet_ids.psa_bill_amount",
        "timesheet_ids.psa_currency_id",
        "timesheet_ids.psa_state",
    )
    def _compute_psa_burn_amounts(self):
        figures = self._psa_burn_figures()
        for project in self:
            burn = figures[project._origin.id]
            budget = project.psa_budget_amount
            project.psa_logged_amount = burn["logged"][1]
            project.psa_approved_amount = burn["approved"][1]
            project.psa_invoiced_amount = burn["invoiced"][1]
            project.psa_budget_amount_percent = (
                100.0 * burn["logged"][1] / budget if budget else 0.0
            )

    @api.depends(
        "allocated_hours",
        "psa_consumed_percent",
        "psa_budget_amount",
        "psa_budget_amount_percent",
    )
    def _compute_psa_burn(self):
        # sudo: the headline % is shown to the whole team, the amounts are not.
        for project, project_sudo in zip(self, self.sudo(), strict=True):
            percents = []
            if project.allocated_hours:
                percents.append(project.psa_consumed_percent)
            if project_sudo.psa_budget_amount:
                percents.append(project_sudo.psa_budget_amount_percent)
            project.psa_burn_percent = max(percents, default=0.0)
            project.psa_burn_band = budget_band(
                project.psa_burn_percent, has_budget=bool(percents)
            )

    @api.depends("user_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_psa_can_manage(self):
        """What the current user may change from the project form, as the
        server decides it: the project itself (access rights and the manager
        rule of ``_psa_check_manager_write``), then its team and allocations
        (record rules of their models, evaluated on a row of each project),
        and its rates (write policy)."""
        user = self.env.user
        may_write = self.env.su or self.browse().has_access("write")
        restricted = not self._psa_manages_any_project(user)
        team = self._psa_rows_allowed("psa.project.member")
        allocations = self._psa_rows_allowed("psa.allocation")
        Rate = self.env["psa.rate"]
        rates = Rate.has_access("write") and self.env["psa.write.policy"]._may_write(
            Rate, "amount"
        )
        for project in self:
            manage = may_write and (not restricted or project.user_id == user)
            project.psa_can_manage = manage
            project.psa_can_edit_team = manage and team[project]
            project.psa_can_edit_allocations = manage and allocations[project]
            project.psa_can_edit_rates = manage and rates
            project.psa_can_edit_customer = may_write and not restricted

    # ------------------------------------------------------------------
    # Approvers: who approves the project's entries
    # ------------------------------------------------------------------
    @api.model
    def _psa_delegate_domain(self):
        # The group does not exist yet while the module installs (this domain
        # filters every read of the field).
        group = self.env.ref(
            "psa_workflow.group_psa_approver", raise_if_not_found=False
        )
        return [("share", "=", False)] + (
            [("groups_id", "in", group.ids)] if group else []
        )

    @api.depends("user_id", "psa_extra_approver_ids")
    def _compute_psa_approver_ids(self):
        for project in self:
            project.psa_approver_ids = project._psa_approvers()

    def _psa_approvers(self):
        """The users who approve this project's entries: its manager and its
        delegates. The one definition of "the approver" (record rules, the
        queue to approve, the checks and the activities read the stored
        ``psa_approver_ids``): override it to add or replace approvers,
        ``super()._psa_approvers() | others``, and declare what it reads in
        ``_compute_psa_approver_ids``'s dependencies (or call
        ``_psa_recompute_approvers``) so that the stored value follows."""
        self.ensure_one()
        return self.user_id | self.psa_extra_approver_ids

    def _psa_recompute_approvers(self):
        """Compute the approvers of these projects again (after a change of
        facts ``_psa_approvers`` reads that no dependency tracks)."""
        self.env.add_to_compute(self._fields["psa_approver_ids"], self)
        self.flush_recordset(["psa_approver_ids"])

    @api.constrains("psa_extra_approver_ids")
    def _check_psa_extra_approver_ids(self):
        approver = self.env.ref("psa_workflow.group_psa_approver")
        for project in self:
            wrong = project.psa_extra_approver_ids.filtered(
                lambda user: approver not in user.groups_id
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "%(project)s: delegates approve entries, they must be PSA "
                        "approvers (%(users)s are not).",
                        project=project.display_name,
                        users=", ".join(wrong.mapped("name")),
                    )
                )

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

    def _psa_check_manager_write(self, vals):
        """Project managers (PSA approvers) change only the projects they
        manage, and not whom they bill nor where it is booked (customer,
        company, analytic account: billing users and project administrators);
        marking a project as a favourite is no change of it. The manager
        alone (``user_id``): its delegates (``psa_approver_ids``) approve its
        entries, they do not change the project, its team or its staffing."""
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
        policy = self.env["psa.write.policy"]
        # The analytic account carries the project's invoiced revenue and costs.
        for fname in ("partner_id", "company_id", "account_id"):
            if fname in vals and not policy._is_no_change(
                self, fname, vals[fname], False
            ):
                raise AccessError(
                    self.env._(
                        "%(projects)s: only billing users and project administrators "
                        "may change %(field)s (%(technical)s) of a project.",
                        projects=", ".join(self[:5].mapped("display_name")),
                        field=self._fields[fname]._description_string(self.env),
                        technical=fname,
                    )
                )

    def _search_psa_is_over_budget(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        self.env["account.analytic.line"].flush_model(["unit_amount", "project_id"])
        self.flush_model(["allocated_hours"])
        self.env.cr.execute(
            """
            SELECT p.id
              FROM project_project p
              JOIN account_analytic_line l ON l.project_id = p.id
             WHERE p.allocated_hours > 0
          GROUP BY p.id, p.allocated_hours
            HAVING SUM(l.unit_amount) > p.allocated_hours
            """
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    def _compute_psa_allocation_count(self):
        counts = dict(
            self.env["psa.allocation"]._read_group(
                [("project_id", "in", self.ids)], ["project_id"], ["__count"]
            )
        )
        for project in self:
            project.psa_allocation_count = counts.get(project, 0)

    @api.depends_context("uid")
    def _compute_psa_can_edit_terms(self):
        can_edit = self.env.user.has_group("psa_workflow.group_psa_billing")
        for project in self:
            project.psa_can_edit_terms = can_edit

    @api.constrains(
        "psa_contract_amount", "psa_cap_amount", "psa_cap_hours", "psa_budget_amount"
    )
    def _check_psa_amounts(self):
        # sudo: the money fields are read by the check whoever may write them.
        check_ranges(
            self.sudo(),
            {
                "psa_contract_amount": (0.0, None),
                "psa_budget_amount": (0.0, None),
                "psa_cap_amount": (0.0, None),
                "psa_cap_hours": (0.0, None),
            },
        )

    @api.constrains("psa_rounding_minutes")
    def _check_psa_rounding_minutes(self):
        for project in self:
            if not 0 <= project.psa_rounding_minutes <= 240:
                raise ValidationError(
                    self.env._(
                        "%(project)s: the billing rounding must be between 0 and 240 "
                        "minutes.",
                        project=project.display_name,
                    )
                )

    def _psa_round_billed_hours(self, hours):
        """Hours billed for one timesheet of ``hours``, after the rounding."""
        self.ensure_one()
        step = self.psa_rounding_minutes / 60.0
        if not step:
            return float_round(hours, 2)
        method = "UP" if self.psa_rounding_method == "up" else "HALF-UP"
        steps = float_round(hours / step, precision_digits=0, rounding_method=method)
        return float_round(steps * step, 2)

    @api.model_create_multi
    def create(self, vals_list):
        self.env["psa.write.policy"]._check_write(self, vals_list, create=True)
        return super().create(vals_list)

    def copy(self, default=None):
        """A duplicate keeps the original's billing terms, installments, team
        and rates, whoever duplicates it (a project manager outside the PSA
        groups too): copying them is no client's change of what is billed,
        but the values the caller passes in ``default`` are checked."""
        self.env["psa.write.policy"]._check_write(self, [default or {}])
        with trusted_write():
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
        # The write policy first: its refusal names the billing field.
        self.env["psa.write.policy"]._check_write(self, [vals])
        self._psa_check_manager_write(vals)
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

    def _psa_billing_schedule_problem(self, date_to=None):
        """Why this project's fixed-price schedule or milestones cannot be
        invoiced, or None."""
        self.ensure_one()
        currency = self.psa_currency_id
        if self.psa_billing_type == "fixed_price":
            scheduled = sum(self.psa_installment_ids.mapped("amount"))
            if currency.compare_amounts(scheduled, self.psa_contract_amount):
                return self.env._(
                    "The installments of %(project)s add up to %(scheduled)s, not to "
                    "the contract amount %(contract)s.",
                    project=self.display_name,
                    scheduled=currency.format(scheduled),
                    contract=currency.format(self.psa_contract_amount),
                )
        if self.psa_billing_type == "milestone":
            missing = self.milestone_ids.filtered(
                lambda m: (
                    m.is_reached and not m.psa_invoiced and not m.psa_invoice_amount
                )
            )
            if missing:
                return self.env._(
                    "%(project)s: the reached milestone %(milestone)s has no amount.",
                    project=self.display_name,
                    milestone=missing[0].name,
                )
        return None

    def _psa_invoice_product(self):
        self.ensure_one()
        return self.psa_invoice_product_id or self.env.ref(
            "psa_workflow.product_psa_service"
        )

    def action_psa_create_invoices(self):
        """Invoice the approved time and expenses of these projects (server
        action "Create invoices"); report the projects skipped."""
        self.check_access("read")
        result = self.env["psa.invoicing.engine"]._invoice_projects(self)
        return self.env["psa.invoicing.engine"]._result_action(result)
