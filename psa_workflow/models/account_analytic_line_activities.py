# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets, approval's activities: approvers are told what to approve on
submission, employees what to correct on rejection; timesheets carry
activities without a chatter."""

from odoo import fields, models
from odoo.tools import plaintext2html


# One class per stage of the timesheet's flow, on purpose (the base class is
# in account_analytic_line.py).
# pylint: disable=consider-merging-classes-inherited
class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    def _psa_notify_approvers(self):
        """One "timesheets to approve" activity per project and approver
        (``psa_approver_ids``), reused while it is open."""
        activity_type = self.env.ref(
            "psa_workflow.mail_activity_type_timesheet_approval"
        )
        projects = self.project_id.sudo().filtered("psa_approver_ids")
        existing = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "project.project"),
                    ("res_id", "in", projects.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        has_activity = {(a.res_id, a.user_id.id) for a in existing}
        model_id = self.env["ir.model"]._get_id("project.project")
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": project.id,
                "activity_type_id": activity_type.id,
                "user_id": approver.id,
                "summary": self.env._("Timesheets to approve"),
                "automated": True,
                "date_deadline": fields.Date.context_today(self),
            }
            for project in projects
            for approver in project.psa_approver_ids
            if (project.id, approver.id) not in has_activity
        ]
        if not vals_list:
            return
        # Two submissions at the same moment would both see no activity and
        # both create one (and both subscribe the approver: a unique violation,
        # which is not retried). Updating the projects' rows first makes the
        # later transaction fail to serialize: Odoo retries it, and the retry
        # sees the activity.
        self.env.cr.execute(
            "UPDATE project_project SET id = id WHERE id = ANY(%s)",
            [list({vals["res_id"] for vals in vals_list})],
        )
        # Approvers are notified by the employee's submission: the employee may
        # not create activities on projects they only follow.
        self.env["mail.activity"].sudo().create(vals_list)

    def _psa_close_approval_activities(self):
        """Mark the approval activity done on projects with nothing left to approve."""
        projects = self.project_id
        pending = {
            project.id
            for [project] in self.sudo()._read_group(
                [("project_id", "in", projects.ids), ("psa_state", "=", "submitted")],
                ["project_id"],
            )
        }
        done = projects.filtered(lambda project: project.id not in pending)
        if done:
            done.sudo().activity_feedback(
                ["psa_workflow.mail_activity_type_timesheet_approval"]
            )

    def _psa_notify_rejection(self, reason):
        """One activity per rejected timesheet, on the timesheet, for its
        employee: the reason as its note; it opens the entry to correct.
        Submitting the entry again closes it (``_psa_close_rejection``)."""
        activity_type = self.env.ref(
            "psa_workflow.mail_activity_type_timesheet_rejected"
        )
        model_id = self.env["ir.model"]._get_id(self._name)
        note = plaintext2html(reason)
        today = fields.Date.context_today(self)
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": line.id,
                "activity_type_id": activity_type.id,
                "user_id": line.employee_id.user_id.id,
                "summary": self.env._(
                    "Rejected: %(entry)s", entry=self._psa_entry_name(line)
                ),
                "note": note,
                "automated": True,
                "date_deadline": today,
            }
            for line in self
            if line.employee_id.user_id
        ]
        # The approver may not create activities on others' timesheets.
        self.env["mail.activity"].sudo().create(vals_list)

    def _psa_close_rejection(self):
        """The rejection activities of these timesheets are done: they are
        submitted again."""
        self.sudo().activity_unlink(
            ["psa_workflow.mail_activity_type_timesheet_rejected"]
        )

    # Activities on timesheets, which have no chatter (``mail.thread`` would
    # log and subscribe on every timesheet created): Odoo's activities call
    # these thread methods on the record they are on.
    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """Timesheets have no followers: the activity's user is notified."""
        return True

    def message_notify(self, **kwargs):
        """Notify as Odoo does on records without a chatter (activity assigned)."""
        self.ensure_one()
        return self.env["mail.thread"].message_notify(
            model=self._name, res_id=self.id, **kwargs
        )

    def message_post_with_source(self, source_ref, **kwargs):
        """An activity marked done leaves no message: no chatter to post on."""
        return self.env["mail.message"]
