# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The audit trail of customers' approvals: who approved or disputed which
entry, when, and why; never changed once written."""

from odoo import fields, models


class PsaCustomerApprovalLog(models.Model):
    _name = "psa.customer.approval.log"
    _description = "Customer Approval: Answer"
    _order = "date desc, id desc"

    approval_id = fields.Many2one(
        "psa.customer.approval",
        string="Request",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="approval_id.company_id", store=True)
    line_id = fields.Many2one(
        "account.analytic.line", string="Entry", readonly=True, ondelete="set null"
    )
    action = fields.Selection(
        selection=[
            ("approved", "Approved"),
            ("disputed", "Disputed"),
            ("auto", "Approved Automatically"),
        ],
        required=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer Contact", readonly=True
    )
    user_id = fields.Many2one("res.users", readonly=True)
    comment = fields.Text(readonly=True)
    date = fields.Datetime(required=True, readonly=True)
