# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Projects: budget burn, hours and billable value logged, approved and
invoiced against the hours budget and the budget amount."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

from .psa_validation import check_ranges, sql_check

# Budget burn colour bands (% of the budget consumed): green below the
# warning threshold, orange from it up to 100 %, red beyond 100 %. The
# progress bar widget (static/src/budget_progressbar) uses the same bands.
BUDGET_WARNING_PERCENT = 80.0
BUDGET_DANGER_PERCENT = 100.0
MANAGERS_AND_BILLING = "psa_workflow.group_psa_approver,psa_workflow.group_psa_billing"


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


# One class per concern of the project, on purpose (the base class is in
# project_project.py).
# pylint: disable=consider-merging-classes-inherited
class ProjectProject(models.Model):
    _inherit = "project.project"

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

    _sql_constraints = [
        (
            "psa_budget_amount_range",
            sql_check("psa_budget_amount", 0),
            "A project's budget amount must be a finite number, not negative.",
        ),
    ]

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

    @api.constrains("psa_budget_amount")
    def _check_psa_budget_amount(self):
        # sudo: the amount is checked whoever may write it.
        check_ranges(self.sudo(), {"psa_budget_amount": (0.0, None)})
