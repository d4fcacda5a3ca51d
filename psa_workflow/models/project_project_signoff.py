# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Projects: the customer's approval before invoicing (opt-in). Time
approved inside the firm is sent to the customer's contact, one request per
sending, and only what the customer approved is invoiced."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .psa_write_policy import PROJECT_ADMINS

MAX_SIGNOFF_DAYS = 365


# One class per concern of the project, on purpose (the base class is in
# project_project.py).
# pylint: disable=consider-merging-classes-inherited
class ProjectProject(models.Model):
    _inherit = "project.project"

    psa_customer_signoff = fields.Boolean(
        string="Customer Approval Before Invoicing",
        help="Approved time is sent to the customer's contact, who approves it "
        "or disputes entries in the portal: only the time the customer approved "
        "is invoiced.",
        psa_write=PROJECT_ADMINS,
    )
    psa_signoff_partner_id = fields.Many2one(
        "res.partner",
        string="Customer Approver",
        domain="[('commercial_partner_id', '=', partner_id), ('email', '!=', False)]",
        help="The customer's contact who approves the time (default: the "
        "project's customer).",
        psa_write=PROJECT_ADMINS,
    )
    psa_signoff_auto_days = fields.Integer(
        string="Approve Automatically After",
        help="Days after sending without an answer after which the time counts "
        "as approved by the customer (0: never).",
        psa_write=PROJECT_ADMINS,
    )
    psa_signoff_reminder_days = fields.Integer(
        string="Remind After",
        default=3,
        help="Days after sending without an answer after which the contact is "
        "reminded, once (0: never).",
    )

    @api.constrains(
        "psa_customer_signoff",
        "psa_signoff_partner_id",
        "partner_id",
        "psa_signoff_auto_days",
        "psa_signoff_reminder_days",
    )
    def _check_psa_customer_signoff(self):
        for project in self:
            for days in (
                project.psa_signoff_auto_days,
                project.psa_signoff_reminder_days,
            ):
                if not 0 <= days <= MAX_SIGNOFF_DAYS:
                    raise ValidationError(
                        self.env._(
                            "%(project)s: days before a reminder or an automatic "
                            "approval go from 0 to %(max)s.",
                            project=project.display_name,
                            max=MAX_SIGNOFF_DAYS,
                        )
                    )
            if not project.psa_customer_signoff:
                continue
            approver = project._psa_signoff_partner()
            if not approver or not approver.email:
                raise ValidationError(
                    self.env._(
                        "%(project)s asks the customer's approval: it needs a "
                        "customer, and a customer approver with an e-mail.",
                        project=project.display_name,
                    )
                )
            customer = project.partner_id.commercial_partner_id
            if approver.commercial_partner_id != customer:
                raise ValidationError(
                    self.env._(
                        "%(project)s: the customer approver %(contact)s is not a "
                        "contact of %(customer)s.",
                        project=project.display_name,
                        contact=approver.display_name,
                        customer=customer.display_name,
                    )
                )

    def _psa_signoff_partner(self):
        """Who approves the time for the customer."""
        self.ensure_one()
        return self.psa_signoff_partner_id or self.partner_id

    def write(self, vals):
        if "psa_customer_signoff" not in vals:
            return super().write(vals)
        asking = bool(vals["psa_customer_signoff"])
        changed = self.filtered(lambda project: project.psa_customer_signoff != asking)
        result = super().write(vals)
        if changed:
            changed._psa_signoff_switched(asking)
        return result

    def _psa_signoff_switched(self, asking):
        """Approved time not invoiced yet waits for the customer once a project
        asks its approval; when it no longer does, the pending requests are
        cancelled and the time is invoiced as any other."""
        Line = self.env["account.analytic.line"].sudo()
        pending = [("project_id", "in", self.ids), ("psa_state", "=", "approved")]
        if asking:
            Line.search(
                [*pending, ("psa_customer_state", "=", False)]
            )._psa_signoff_reset("to_send")
            return
        Line.search(
            [*pending, ("psa_customer_state", "in", ("to_send", "waiting", "disputed"))]
        )._psa_signoff_reset(False)
        self.env["psa.customer.approval"].sudo().search(
            [("project_id", "in", self.ids), ("state", "=", "waiting")]
        ).write({"state": "cancel"})

    def action_psa_send_for_signoff(self):
        """Send the approved time waiting to be sent to each project's customer
        approver now (the scheduled job does it daily)."""
        requests = self.env["psa.customer.approval"]._psa_send(self)
        return requests._psa_open()
