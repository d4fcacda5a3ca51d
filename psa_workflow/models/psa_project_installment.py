# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .psa_validation import MAX_PERCENT, check_ranges, sql_check
from .psa_write_policy import BILLING, SERVER


class PsaProjectInstallment(models.Model):
    """One installment of a fixed-price project's contract: billed once due."""

    _name = "psa.project.installment"
    _inherit = ["psa.guarded.mixin", "psa.billable.mixin"]
    _description = "PSA Fixed-Price Installment"
    _order = "project_id, date, sequence, id"
    # A billable kind (psa.billable.mixin): due installments of fixed prices.
    _psa_billable_kind = "installments"
    _psa_billable_sequence = 30
    _psa_link_field = "installment_id"
    # Invoiced, an installment keeps what it billed: a schedule never adds up
    # to more than what was invoiced.
    _psa_lock_domain = [("psa_invoiced", "=", True)]

    project_id = fields.Many2one(
        "project.project",
        required=True,
        ondelete="cascade",
        index=True,
        psa_write=BILLING,
        psa_lock=True,
    )
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, default=lambda self: self.env._("Installment"))
    date = fields.Date(string="Due", required=True, psa_write=BILLING, psa_lock=True)
    percent = fields.Float(
        string="% of Contract",
        digits=(16, 4),
        help="Share of the contract amount; sets the amount.",
        psa_write=BILLING,
        psa_lock=True,
    )
    amount = fields.Monetary(
        currency_field="currency_id",
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        help="Set directly, or from the % of the contract.",
        psa_write=BILLING,
        psa_lock=True,
    )
    currency_id = fields.Many2one(related="project_id.psa_currency_id")
    psa_invoiced = fields.Boolean(
        string="Invoiced", readonly=True, copy=False, psa_write=SERVER
    )

    _sql_constraints = [
        (
            "amount_positive",
            sql_check("amount", 0),
            "An installment's amount must be a finite number, not negative.",
        ),
        (
            "percent_range",
            sql_check("percent", 0, MAX_PERCENT),
            "An installment's % of the contract must be a number from 0 to 100.",
        ),
    ]

    @api.depends("percent", "project_id.psa_contract_amount")
    def _compute_amount(self):
        for installment in self:
            if installment.psa_invoiced:
                # Billed: keeps its amount whatever the contract becomes.
                installment.amount = installment.amount
            elif installment.percent:
                installment.amount = installment.currency_id.round(
                    installment.project_id.psa_contract_amount
                    * installment.percent
                    / 100
                )
            else:
                installment.amount = installment.amount or 0.0

    @api.constrains("amount", "percent")
    def _check_amount(self):
        # sudo: the money fields are read by the check whoever may write them.
        check_ranges(
            self.sudo(),
            {"amount": (0.0, None), "percent": (0.0, MAX_PERCENT)},
            name=lambda installment: self.env._(
                "%(installment)s of %(project)s",
                installment=installment.name,
                project=installment.project_id.display_name,
            ),
        )

    @api.model
    def _psa_invoice_domain(self, projects, date_to):
        projects = projects.filtered(lambda p: p.psa_billing_type == "fixed_price")
        return [
            ("project_id", "in", projects.ids),
            ("psa_invoiced", "=", False),
            ("date", "<=", date_to),
        ]

    def _psa_invoice_lines(self, run, currency, company):
        """One line per due installment, by due date."""
        engine = self.env["psa.invoicing.engine"]
        return [
            engine._psa_fixed_amount_line(
                installment,
                engine._psa_fixed_line_name(installment, installment.date),
                installment.amount,
            )
            for installment in self.sorted("date")
        ]
