# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .psa_validation import (
    MAX_HOURLY_RATE,
    MAX_PERCENT,
    OPEN_STATES,
    check_ranges,
    sql_check,
)
from .psa_write_policy import ADMIN


class PsaRole(models.Model):
    """A role people are staffed and billed as (Consultant, Project Manager...)."""

    _name = "psa.role"
    _inherit = ["psa.guarded.mixin"]
    _description = "PSA Role"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        help="Leave empty to share the role between companies.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        help="Default rates are expressed in the company currency.",
    )
    default_bill_rate = fields.Monetary(
        currency_field="currency_id",
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
        help="Hourly rate billed for this role when no more specific rate applies.",
        psa_write=ADMIN,
    )
    default_cost = fields.Monetary(
        string="Default Hourly Cost",
        currency_field="currency_id",
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
        help="Typical hourly cost of the role, for planning before people are staffed.",
        psa_write=ADMIN,
    )
    utilization_target = fields.Float(
        string="Utilization Target (%)",
        digits=(5, 1),
        default=75.0,
        help="Billable hours as a share of capacity expected of this role.",
    )
    employee_ids = fields.Many2many(
        "hr.employee",
        "hr_employee_psa_role_rel",
        "role_id",
        "employee_id",
        string="Employees",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "default_bill_rate_positive",
            sql_check("default_bill_rate", 0, MAX_HOURLY_RATE),
            "A role's default bill rate must be a number from 0 to 1,000,000 per hour.",
        ),
        (
            "default_cost_range",
            sql_check("default_cost", 0, MAX_HOURLY_RATE),
            "A role's default hourly cost must be a number from 0 to 1,000,000.",
        ),
        (
            "utilization_target_range",
            sql_check("utilization_target", 0, MAX_PERCENT),
            "A utilization target must be a number from 0 to 100 %.",
        ),
    ]

    def _compute_currency_id(self):
        for role in self:
            role.currency_id = (role.company_id or self.env.company).currency_id

    @api.constrains("default_bill_rate", "default_cost", "utilization_target")
    def _check_psa_numbers(self):
        # sudo: the rates are read by the check whoever may write them.
        check_ranges(
            self.sudo(),
            {
                "default_bill_rate": (0.0, MAX_HOURLY_RATE),
                "default_cost": (0.0, MAX_HOURLY_RATE),
                "utilization_target": (0.0, MAX_PERCENT),
            },
        )

    def write(self, vals):
        result = super().write(vals)
        if "default_bill_rate" in vals:
            # Open timesheets billed at a role's default follow its new rate.
            self.env["account.analytic.line"].sudo().search(
                [
                    ("psa_role_id", "in", self.ids),
                    ("psa_state", "in", OPEN_STATES),
                    ("psa_billable", "=", True),
                ]
            )._psa_update_billing()
        return result
