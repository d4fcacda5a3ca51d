# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets, the customer's approval (projects asking it before
invoicing): approved time waits to be sent, then for the customer's answer;
only what the customer approved is invoiced. A disputed entry goes back to
the project's approvers, who correct it (rejecting it to its employee),
send it again as it is, or write it off."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .psa_write_policy import SERVER

# Read under the column "Customer" (lists) or "Customer Approval" (forms).
CUSTOMER_STATES = [
    ("to_send", "To Send"),
    ("waiting", "Waiting"),
    ("approved", "Approved"),
    ("disputed", "Disputed"),
]


# One class per stage of the timesheet's flow, on purpose (the base class is
# in account_analytic_line.py).
# pylint: disable=consider-merging-classes-inherited
class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    psa_customer_state = fields.Selection(
        selection=CUSTOMER_STATES,
        string="Customer Approval",
        copy=False,
        readonly=True,
        index="btree_not_null",
        psa_write=SERVER,
        help="On projects asking the customer's approval before invoicing: where "
        "the approved entry stands with the customer. Only entries the customer "
        "approved are invoiced.",
    )
    psa_signoff_id = fields.Many2one(
        "psa.customer.approval",
        string="Customer Approval Request",
        copy=False,
        readonly=True,
        index="btree_not_null",
        psa_write=SERVER,
    )
    psa_customer_comment = fields.Text(
        string="Customer's Comment",
        copy=False,
        readonly=True,
        psa_write=SERVER,
        help="Why the customer disputed the entry.",
    )

    # ------------------------------------------------------------------
    # Invoicing: only what the customer approved, on such projects
    # ------------------------------------------------------------------
    @api.model
    def _psa_invoice_domain(self, projects, date_to):
        # Entries of projects not asking the customer have no customer state.
        return [
            *super()._psa_invoice_domain(projects, date_to),
            ("psa_customer_state", "in", (False, "approved")),
        ]

    @api.model
    def _psa_still_open(self):
        return SQL(
            "%s AND (psa_customer_state IS NULL OR psa_customer_state = 'approved')",
            super()._psa_still_open(),
        )

    # ------------------------------------------------------------------
    # The flow
    # ------------------------------------------------------------------
    def _psa_signoff_write(self, vals):
        """Customer-approval fields: written by the addon's own code only."""
        self.sudo().write(vals)

    def _psa_signoff_reset(self, state):
        self._psa_signoff_write({"psa_customer_state": state})

    def _psa_after_state_change(self, old_states, new_state):
        result = super()._psa_after_state_change(old_states, new_state)
        if new_state == "approved":
            # Approved inside the firm (not back from an invoice: the customer
            # approved it then) on a project asking its customer.
            fresh = self.filtered(
                lambda line: (
                    old_states[line.id] != "invoiced"
                    and line.project_id.psa_customer_signoff
                )
            )
            fresh._psa_signoff_reset("to_send")
        elif new_state in ("draft", "submitted", "rejected"):
            # Back with its employee (a correction): sent again once approved.
            corrected = self.filtered("psa_customer_state")
            corrected._psa_signoff_reset(False)
            corrected._psa_close_dispute_activities()
        return result

    def _psa_disputed(self):
        lines = self._psa_timesheets()
        lines._psa_check_approver()
        not_disputed = lines.filtered(
            lambda line: (
                line.psa_customer_state != "disputed" or line.psa_state != "approved"
            )
        )
        if not_disputed:
            raise UserError(
                self.env._(
                    "Only entries the customer disputed are sent again or written "
                    "off:\n%(entries)s",
                    entries=self._psa_list(not_disputed),
                )
            )
        return lines

    def action_psa_signoff_send_again(self):
        """Send disputed entries to the customer again, as they are (the
        approver answered the customer's comment)."""
        lines = self._psa_disputed()
        lines._psa_signoff_reset("to_send")
        self.env["psa.customer.approval"]._psa_send(lines.project_id)
        lines._psa_close_dispute_activities()
        return True

    def action_psa_signoff_write_off(self):
        """Bill nothing of disputed entries: written off, as a capped entry
        would be (their cost stays the firm's)."""
        lines = self._psa_disputed()
        lines.sudo().write({"psa_cap_decision": "write_off"})
        lines._psa_close_dispute_activities()
        return True

    def _psa_notify_dispute(self, request, comment, partner):
        """Tell the project's approvers (an activity each, the comment on the
        project's chatter)."""
        project = self.project_id.sudo()
        body = self.env._(
            "%(partner)s disputed %(entries)s: %(comment)s",
            partner=partner.name,
            entries=self._psa_list(self),
            comment=comment,
        )
        project.message_post(body=body, subtype_xmlid="mail.mt_note")
        for approver in project.psa_approver_ids:
            project.activity_schedule(
                "psa_workflow.mail_activity_type_customer_dispute",
                user_id=approver.id,
                summary=self.env._("Time disputed by the customer"),
                note=body,
            )

    def _psa_close_dispute_activities(self):
        projects = self.project_id
        disputed = {
            project.id
            for [project] in self.sudo()._read_group(
                [
                    ("project_id", "in", projects.ids),
                    ("psa_customer_state", "=", "disputed"),
                    ("psa_state", "=", "approved"),
                    ("psa_cap_decision", "!=", "write_off"),
                ],
                ["project_id"],
            )
        }
        done = projects.filtered(lambda project: project.id not in disputed)
        if done:
            done.sudo().activity_feedback(
                ["psa_workflow.mail_activity_type_customer_dispute"]
            )
