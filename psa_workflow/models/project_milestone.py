# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .psa_validation import MAX_PERCENT, check_ranges, sql_check
from .psa_write_policy import BILLING, SERVER


class ProjectMilestone(models.Model):
    _name = "project.milestone"
    _inherit = ["project.milestone", "psa.guarded.mixin", "psa.billable.mixin"]
    # A billable kind (psa.billable.mixin): reached milestones.
    _psa_billable_kind = "milestones"
    _psa_billable_sequence = 40
    _psa_link_field = "milestone_id"
    _psa_date_field = "reached_date"
    # Invoiced, a milestone keeps its amount: credit it on its invoice first.
    _psa_lock_domain = [("psa_invoiced", "=", True)]

    psa_amount = fields.Monetary(
        string="Amount",
        currency_field="psa_currency_id",
        help="Invoiced once the milestone is reached.",
        copy=False,  # see copy_data: not readable by everyone
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
        psa_write=BILLING,
        psa_lock=True,
    )
    psa_percent = fields.Float(
        string="% of Contract",
        digits=(16, 4),
        help="Used when no amount is set: this share of the project's contract amount.",
        copy=False,  # see copy_data: not readable by everyone
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
        psa_write=BILLING,
        psa_lock=True,
    )
    psa_invoice_amount = fields.Monetary(
        string="Amount to Invoice",
        currency_field="psa_currency_id",
        compute="_compute_psa_invoice_amount",
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
    )
    psa_currency_id = fields.Many2one(related="project_id.psa_currency_id")
    psa_invoiced = fields.Boolean(
        string="Invoiced", readonly=True, copy=False, psa_write=SERVER
    )

    _sql_constraints = [
        (
            "psa_amount_range",
            sql_check("psa_amount", 0),
            "A milestone's amount must be a finite number, not negative.",
        ),
        (
            "psa_percent_range",
            sql_check("psa_percent", 0, MAX_PERCENT),
            "A milestone's % of the contract must be a number from 0 to 100.",
        ),
    ]

    @api.depends(
        "psa_amount", "psa_percent", "project_id.psa_contract_amount", "psa_invoiced"
    )
    def _compute_psa_invoice_amount(self):
        # Invoiced: the amount it was billed at, whatever the contract became.
        billed = dict(
            self.env["psa.invoice.link"]
            .sudo()
            ._read_group(
                [
                    ("milestone_id", "in", self.filtered("psa_invoiced")._origin.ids),
                    ("state", "=", "invoiced"),
                ],
                ["milestone_id"],
                ["amount:sum"],
            )
        )
        for milestone in self:
            if milestone._origin in billed:
                milestone.psa_invoice_amount = billed[milestone._origin]
                continue
            milestone.psa_invoice_amount = milestone.psa_amount or (
                milestone.psa_currency_id.round(
                    milestone.project_id.psa_contract_amount
                    * milestone.psa_percent
                    / 100
                )
            )

    @api.constrains("psa_amount", "psa_percent")
    def _check_psa_amount(self):
        # sudo: the money fields are read by the check whoever may write them.
        check_ranges(
            self.sudo(),
            {"psa_amount": (0.0, None), "psa_percent": (0.0, MAX_PERCENT)},
        )

    def copy_data(self, default=None):
        """A duplicate keeps the amounts when its author may set them (billing
        users, or a project duplicated whole); others get it without them
        instead of an access error on fields they cannot read."""
        vals_list = super().copy_data(default=default)
        policy = self.env["psa.write.policy"]
        if not policy._may_write(self, "psa_amount"):
            return vals_list
        for milestone, vals in zip(self.sudo(), vals_list, strict=True):
            vals.setdefault("psa_amount", milestone.psa_amount)
            vals.setdefault("psa_percent", milestone.psa_percent)
        return vals_list

    @api.model
    def _psa_invoice_domain(self, projects, date_to):
        projects = projects.filtered(lambda p: p.psa_billing_type == "milestone")
        return [
            ("project_id", "in", projects.ids),
            ("psa_invoiced", "=", False),
            ("is_reached", "=", True),
            # Reached in the period: a later milestone waits for its run.
            ("reached_date", "<=", date_to),
        ]

    def _psa_invoice_lines(self, run, currency, company):
        """One line per reached milestone."""
        engine = self.env["psa.invoicing.engine"]
        return [
            engine._psa_fixed_amount_line(
                milestone,
                engine._psa_fixed_line_name(milestone, milestone.reached_date, True),
                milestone.psa_invoice_amount,
            )
            for milestone in self
        ]
