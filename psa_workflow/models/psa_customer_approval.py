# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A customer's approval of time: the approved time of one project sent at
once to the customer's approver (one e-mail, one portal page), who approves
it all or disputes entries; reminded and approved automatically by the
scheduled job when the project says so. Every answer is kept in its log."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import consteq, format_date

from .psa_validation import ensure_one

# How long a dispute comment may be: a note, not a letter.
MAX_COMMENT = 2000


class PsaCustomerApproval(models.Model):
    _name = "psa.customer.approval"
    _inherit = ["portal.mixin", "mail.thread"]
    _description = "Customer Approval of Time"
    _order = "sent_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    project_id = fields.Many2one(
        "project.project",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="project_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Sent to", required=True, readonly=True
    )
    customer_id = fields.Many2one(
        "res.partner", required=True, readonly=True, index=True
    )
    date_from = fields.Date(string="From", readonly=True)
    date_to = fields.Date(string="To", readonly=True)
    state = fields.Selection(
        selection=[
            ("waiting", "Waiting for the Customer"),
            ("done", "Answered"),
            ("cancel", "Cancelled"),
        ],
        default="waiting",
        required=True,
        readonly=True,
        tracking=True,
    )
    sent_date = fields.Datetime(string="Sent on", readonly=True)
    reminder_date = fields.Datetime(string="Reminded on", readonly=True)
    answered_date = fields.Datetime(string="Answered on", readonly=True)
    line_ids = fields.One2many(
        "account.analytic.line", "psa_signoff_id", string="Entries", readonly=True
    )
    log_ids = fields.One2many(
        "psa.customer.approval.log", "approval_id", string="Answers", readonly=True
    )
    hours = fields.Float(compute="_compute_totals")
    entry_count = fields.Integer(string="Entries Sent", compute="_compute_totals")
    waiting_count = fields.Integer(string="Waiting", compute="_compute_totals")
    disputed_count = fields.Integer(string="Disputed", compute="_compute_totals")

    @api.depends("line_ids.unit_amount", "line_ids.psa_customer_state")
    def _compute_totals(self):
        for request in self:
            lines = request.line_ids
            request.hours = sum(lines.mapped("unit_amount"))
            request.entry_count = len(lines)
            states = lines.mapped("psa_customer_state")
            request.waiting_count = states.count("waiting")
            request.disputed_count = states.count("disputed")

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/approvals/{request.id}"
        return result

    # ------------------------------------------------------------------
    # Sending (the scheduled job, or "Send to the Customer" on a project)
    # ------------------------------------------------------------------
    @api.model
    def _psa_send(self, projects=None):
        """One request per project of the approved time waiting to be sent
        (of ``projects``, default: every project asking the customer's
        approval), e-mailed to its customer approver. Returns the requests."""
        domain = [
            ("psa_customer_state", "=", "to_send"),
            ("psa_state", "=", "approved"),
            ("project_id.psa_customer_signoff", "=", True),
        ]
        if projects is not None:
            domain.append(("project_id", "in", projects.ids))
        lines = (
            self.env["account.analytic.line"].sudo().search(domain, order="date, id")
        )
        requests = self.sudo().browse()
        template = self.env.ref("psa_workflow.mail_template_psa_customer_approval")
        for project, project_lines in lines.grouped("project_id").items():
            dates = project_lines.mapped("date")
            request = self.sudo().create(
                {
                    "name": self._psa_request_name(project, dates),
                    "project_id": project.id,
                    "partner_id": project._psa_signoff_partner().id,
                    "customer_id": project.partner_id.commercial_partner_id.id,
                    "date_from": min(dates),
                    "date_to": max(dates),
                    "sent_date": fields.Datetime.now(),
                }
            )
            project_lines._psa_signoff_write(
                {"psa_customer_state": "waiting", "psa_signoff_id": request.id}
            )
            request._portal_ensure_token()
            request.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
            requests |= request
        return requests

    @api.model
    def _psa_request_name(self, project, dates):
        start, end = min(dates), max(dates)
        if start == end:
            return self.env._(
                "%(project)s, %(day)s",
                project=project.name,
                day=format_date(self.env, start),
            )
        return self.env._(
            "%(project)s, %(start)s to %(end)s",
            project=project.name,
            start=format_date(self.env, start),
            end=format_date(self.env, end),
        )

    def _psa_open(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_workflow.action_psa_customer_approval"
        )
        if len(self) == 1:
            action.update(res_id=self.id, view_mode="form", views=[(False, "form")])
        else:
            action["domain"] = [("id", "in", self.ids)]
        return action

    # ------------------------------------------------------------------
    # The customer's answers (the portal; as superuser after its checks)
    # ------------------------------------------------------------------
    def _psa_visible_to(self, user, access_token=None):
        """Whether ``user`` (or a visitor with the request's token) may see and
        answer this request: its token, or a contact of its customer."""
        self.ensure_one()
        request = self.sudo()
        if access_token:
            return bool(request.access_token) and consteq(
                request.access_token, access_token
            )
        if user._is_public() or user._is_internal():
            return False
        return user.partner_id.commercial_partner_id == request.customer_id

    def _psa_portal_rows(self):
        """The entries as the customer sees them (read as superuser: the
        caller checked ``_psa_visible_to``): billed hours, rate and amount in
        the project's billing currency, never costs or internal notes."""
        self.ensure_one()
        return [
            {
                "id": line.id,
                "date": line.date,
                "consultant": line.employee_id.name or "",
                "task": line.task_id.name or "",
                "description": line.psa_description or "",
                "hours": line.psa_billed_hours,
                "rate": line.psa_bill_rate,
                "amount": line.psa_bill_amount,
                "state": line.psa_customer_state,
                "comment": line.psa_customer_comment or ""
                if line.psa_customer_state == "disputed"
                else "",
            }
            for line in self.sudo().line_ids.sorted(
                lambda entry: (entry.date, entry.id)
            )
        ]

    def _psa_waiting(self):
        """The entries still waiting for the customer's answer."""
        return self.line_ids.filtered(lambda line: line.psa_customer_state == "waiting")

    def _psa_check_open(self):
        if self.state != "waiting" or not self._psa_waiting():
            raise UserError(
                self.env._(
                    "%(request)s was already answered: nothing is left to approve "
                    "or dispute.",
                    request=self.name,
                )
            )

    def psa_customer_approve(self, partner):
        """The customer approves every entry still waiting (``partner``: who
        answers, for the log)."""
        ensure_one(self, "psa_customer_approve")
        self._psa_lock()
        self._psa_check_open()
        waiting = self._psa_waiting()
        self._psa_answer(waiting, "approved", partner)
        return waiting

    def psa_customer_dispute(self, line_id, comment, partner):
        """The customer disputes one entry of the request with a comment: it
        goes back to the project's approvers."""
        ensure_one(self, "psa_customer_dispute")
        comment = (comment or "").strip() if isinstance(comment, str) else ""
        if not comment:
            raise ValidationError(
                self.env._("Say what is wrong with the entry: the comment is empty.")
            )
        if len(comment) > MAX_COMMENT:
            raise ValidationError(
                self.env._(
                    "The comment is too long (at most %(max)s characters).",
                    max=MAX_COMMENT,
                )
            )
        self._psa_lock()
        self._psa_check_open()
        line = self.line_ids.filtered(
            lambda entry: entry.id == line_id and entry.psa_customer_state == "waiting"
        )
        if not line:
            raise UserError(
                self.env._(
                    "%(request)s has no entry waiting for your answer with this "
                    "reference: it may have been answered already.",
                    request=self.name,
                )
            )
        self._psa_answer(line, "disputed", partner, comment)
        line._psa_notify_dispute(self, comment, partner)
        return line

    def _psa_lock(self):
        """One answer at a time per request (two tabs, two contacts, the
        scheduled job): the second waits, then sees the first's answer."""
        self.env.cr.execute(
            "SELECT id FROM psa_customer_approval WHERE id = %s FOR UPDATE",
            [self.id],
        )
        self.invalidate_recordset()
        self.line_ids.invalidate_recordset(["psa_customer_state"])

    def _psa_answer(self, lines, answer, partner, comment=None, automatic=False):
        """Write the customer's ``answer`` on ``lines``, log it, and close the
        request once nothing waits."""
        vals = {"psa_customer_state": answer}
        if answer == "disputed":
            vals["psa_customer_comment"] = comment
        lines._psa_signoff_write(vals)
        now = fields.Datetime.now()
        self.env["psa.customer.approval.log"].sudo().create(
            [
                {
                    "approval_id": self.id,
                    "line_id": line.id,
                    "action": "auto" if automatic else answer,
                    "partner_id": partner.id if partner else False,
                    "user_id": self.env.user.id,
                    "comment": comment,
                    "date": now,
                }
                for line in lines
            ]
        )
        if not self._psa_waiting():
            self.sudo().write({"state": "done", "answered_date": now})
        self.sudo().message_post(
            body=self._psa_answer_message(lines, answer, partner, comment, automatic),
            subtype_xmlid="mail.mt_note",
        )

    def _psa_answer_message(self, lines, answer, partner, comment, automatic):
        hours = sum(lines.mapped("unit_amount"))
        if automatic:
            return self.env._(
                "%(count)s entries (%(hours).2f h) approved automatically: no answer "
                "in %(days)s days.",
                count=len(lines),
                hours=hours,
                days=self.project_id.psa_signoff_auto_days,
            )
        if answer == "approved":
            return self.env._(
                "%(partner)s approved %(count)s entries (%(hours).2f h).",
                partner=partner.name,
                count=len(lines),
                hours=hours,
            )
        return self.env._(
            "%(partner)s disputed %(entry)s: %(comment)s",
            partner=partner.name,
            entry=lines._psa_list(lines),
            comment=comment,
        )

    # ------------------------------------------------------------------
    # The scheduled job: send, remind, approve automatically
    # ------------------------------------------------------------------
    @api.model
    def _cron_psa_customer_approval(self):
        self._psa_send()
        now = fields.Datetime.now()
        waiting = self.sudo().search([("state", "=", "waiting")])
        for request in waiting:
            project = request.project_id
            age = now - request.sent_date
            auto_days = project.psa_signoff_auto_days
            if auto_days and age >= timedelta(days=auto_days):
                request._psa_lock()
                if request.state != "waiting":
                    continue
                lines = request._psa_waiting()
                request._psa_answer(lines, "approved", False, automatic=True)
                continue
            reminder_days = project.psa_signoff_reminder_days
            if (
                reminder_days
                and not request.reminder_date
                and age >= timedelta(days=reminder_days)
            ):
                request.reminder_date = now
                request.message_post_with_source(
                    "psa_workflow.mail_template_psa_customer_approval_reminder",
                    subtype_xmlid="mail.mt_comment",
                )
