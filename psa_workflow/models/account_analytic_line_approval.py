# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets, approval: submit, approve, reject and reopen (in batch), who
may approve and the queues of time to approve. The activities telling
approvers and employees what to do are in ``account_analytic_line_activities``."""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .account_analytic_line import STATE_FIELDS
from .psa_hours import format_duration
from .psa_validation import check_no_arguments, ensure_one, to_date
from .psa_write_policy import SERVER


# One class per stage of the timesheet's flow, on purpose (the base class is
# in account_analytic_line.py).
# pylint: disable=consider-merging-classes-inherited
class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    psa_submitted_date = fields.Datetime(
        string="Submitted on",
        copy=False,
        readonly=True,
        psa_write=SERVER,
    )
    psa_approved_by_id = fields.Many2one(
        "res.users",
        string="Approved by",
        copy=False,
        readonly=True,
        psa_write=SERVER,
    )
    psa_approved_date = fields.Datetime(
        string="Approved on", copy=False, readonly=True, psa_write=SERVER
    )
    psa_rejection_reason = fields.Text(
        string="Rejection Reason",
        copy=False,
        readonly=True,
        psa_write=SERVER,
    )

    # ------------------------------------------------------------------
    # Approval: submit, approve, reject, reopen (public API, in batch)
    # ------------------------------------------------------------------
    def action_psa_submit(self):
        """Submit draft or rejected timesheets for approval (one's own, or as
        their approver / a PSA administrator)."""
        lines = self._psa_timesheets()
        # A running timer's time belongs to what is submitted.
        lines._psa_stop_timers()
        lines._psa_check_hours_logged()
        wrong = lines.filtered(lambda line: line.psa_state not in ("draft", "rejected"))
        if wrong:
            raise UserError(
                self.env._(
                    "Only draft or rejected timesheets can be submitted:\n%(entries)s",
                    entries=self._psa_list(wrong),
                )
            )
        future = lines._psa_future_problem()
        if future:
            raise UserError(future)
        others = lines.filtered(lambda line: not line._psa_is_own())
        if others:
            others._psa_check_approver()
        lines._psa_write_state(
            {
                "psa_state": "submitted",
                "psa_submitted_date": fields.Datetime.now(),
                "psa_rejection_reason": False,
            }
        )
        lines._psa_close_rejection()
        lines._psa_notify_approvers()
        return True

    @api.model
    def psa_submit_week(self, day=None):
        """Submit the current user's draft and rejected timesheets of the week
        of ``day`` (a date or "YYYY-MM-DD", default: today) that have hours
        and are not after today (those are skipped, not refused). Returns the
        number of lines submitted."""
        today = self.env["psa.timesheet.week"]._today()
        day = to_date(self.env, day, "day") or today
        monday = day - timedelta(days=day.weekday())
        lines = self.search(
            [
                ("user_id", "=", self.env.uid),
                ("project_id", "!=", False),
                ("psa_state", "in", ("draft", "rejected")),
                ("unit_amount", ">", 0),
                ("date", ">=", monday),
                ("date", "<=", min(monday + timedelta(days=6), today)),
            ]
        )
        lines.action_psa_submit()
        return len(lines)

    def action_psa_approve(self):
        lines = self._psa_timesheets()
        lines._psa_check_can_approve()
        # What is frozen is priced again from the facts, not taken as stored.
        lines._psa_update_billing()
        lines._psa_check_can_approve(check_rate=True)
        lines._psa_check_hours_logged()
        lines._psa_write_state(
            {
                "psa_state": "approved",
                "psa_approved_by_id": self.env.uid,
                "psa_approved_date": fields.Datetime.now(),
            }
        )
        lines._psa_close_approval_activities()
        return lines._psa_confirm(self.env._("Approved"))

    def action_psa_approve_week(self):
        """Approve the week of this entry's employee in one action: the
        week approval, showing its total and warnings first."""
        ensure_one(self, "action_psa_approve_week")
        if not self.env.user.has_group("psa_workflow.group_psa_approver"):
            raise UserError(
                self.env._("Only approvers can approve or reject timesheets.")
            )
        return self.env["psa.timesheet.week.approval"]._open_for(self)

    def _psa_confirm(self, title):
        """What a screen's bulk action says it did (its buttons ask with the
        ``psa_confirm`` context key; the API keeps answering ``True``)."""
        if not self.env.context.get("psa_confirm"):
            return True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": title,
                "message": self.env._(
                    "%(count)s entries, %(hours)s.",
                    count=len(self),
                    hours=format_duration(sum(self.mapped("unit_amount"))),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_psa_reject(self, reason=None):
        """Reject submitted (or approved, not invoiced) timesheets with a reason
        shown to the employee (without a reason: the wizard asking for it)."""
        if reason is not None and reason is not False and not isinstance(reason, str):
            raise UserError(
                self.env._("The reason must be a text, not %(reason)r.", reason=reason)
            )
        if reason and not reason.strip():
            raise UserError(
                self.env._("The reason must not be blank: tell the employee why.")
            )
        if not reason:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Reject Timesheets"),
                "res_model": "psa.timesheet.reject",
                "view_mode": "form",
                "target": "new",
                "context": {"default_line_ids": self.ids},
            }
        lines = self._psa_timesheets()
        lines._psa_check_can_approve(states=("submitted", "approved"))
        reason = reason.strip()
        lines._psa_write_state(
            {
                "psa_state": "rejected",
                "psa_rejection_reason": reason,
                "psa_approved_by_id": False,
                "psa_approved_date": False,
            }
        )
        lines._psa_update_billing()
        lines._psa_close_approval_activities()
        lines._psa_notify_rejection(reason)
        return lines._psa_confirm(self.env._("Rejected"))

    def action_psa_reopen(self):
        """Back to draft: an approved timesheet that is not invoiced yet."""
        lines = self._psa_timesheets()
        lines._psa_check_can_approve(states=("approved",))
        lines._psa_write_state(
            {
                "psa_state": "draft",
                "psa_approved_by_id": False,
                "psa_approved_date": False,
            }
        )
        lines._psa_update_billing()
        return True

    def _psa_write_state(self, vals):
        """Write approval fields on the lines through the ORM, so that Odoo's
        automated actions (``base_automation``), other modules' ``write``
        overrides and stored fields depending on them see the change. Only the
        actions above and the invoicing (invoiced, back to approved) call
        this, after their checks: as superuser (no client writes these fields:
        ``psa.write.policy``), with the acting user as ``write_uid``. A change
        of ``psa_state`` then calls ``_psa_after_state_change`` on the lines
        whose state changed."""
        assert set(vals) <= STATE_FIELDS
        if not self:
            return
        new_state = vals.get("psa_state")
        # What the states' write reads of tens of thousands of lines (Odoo's
        # own write overrides too), read alone: not every column of them, as
        # the prefetch would.
        self.fetch(["psa_state", "project_id", "move_line_id"])
        # The states before, for the hook.
        old_states = {
            line.id: line.psa_state
            for line in self
            if new_state and line.psa_state != new_state
        }
        columns = [*vals, "write_uid", "write_date"]
        # Nothing else of these columns waits in the cache: what the write
        # leaves there is this change's, flushed at once below.
        self.flush_model(columns)
        self.sudo().write(vals)
        self._psa_flush_same_values(columns)
        if old_states:
            self.browse(old_states)._psa_after_state_change(old_states, new_state)

    def _psa_flush_same_values(self, fnames):
        """Flush the pending values of ``fnames`` (plain columns of this
        model) with one UPDATE per set of equal values. Odoo's flush writes
        100 rows per UPDATE: a state change of 50,000 entries, all to the
        same values, would be 500 queries."""
        cache = self.env.cache
        raw = {}  # field: {id: its value in the cache}
        for fname in fnames:
            field = self._fields[fname]
            ids = list(cache.clear_dirty_field(field))
            values = list(cache.get_values(self.browse(ids), field))
            assert len(values) == len(ids), f"{field} is dirty but not cached"
            raw[field] = dict(zip(ids, values, strict=True))
        groups = defaultdict(list)  # ((field, value), ...): ids
        for record_id in sorted(set().union(*raw.values())):
            key = tuple(
                (field, values[record_id])
                for field, values in raw.items()
                if record_id in values
            )
            groups[key].append(record_id)
        for key, ids in groups.items():
            record = self.browse(ids[0])
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s WHERE id = ANY(%s::integer[])",
                    SQL.identifier(self._table),
                    SQL(", ").join(
                        SQL(
                            "%s = %s",
                            SQL.identifier(field.name),
                            field.convert_to_column_update(value, record),
                        )
                        for field, value in key
                    ),
                    # An array literal: psycopg2 adapts a list id by id, slowly.
                    "{" + ",".join(map(str, ids)) + "}",
                )
            )

    def _psa_after_state_change(self, old_states, new_state):
        """Hook after every change of ``psa_state`` (submitted, approved,
        rejected, back to draft, invoiced, back to approved when an invoice is
        cancelled or credited), after the ``write`` that made it (automated
        actions on the state run there). ``self``: the lines whose state
        changed, already in ``new_state``; ``old_states``: ``{line id: state
        before}``. Does nothing; extend it (call ``super()``)."""

    def _psa_timesheets(self):
        lines = self.filtered("project_id")
        if lines != self:
            raise UserError(
                self.env._("Only timesheets (lines with a project) are approved.")
            )
        return lines

    def _psa_check_approver(self):
        """The user approves every project of these lines (``_psa_is_approver``),
        or is a PSA administrator."""
        if self.env.user.has_group("psa_workflow.group_psa_admin"):
            return
        not_theirs = self.filtered(lambda line: not line._psa_is_approver())
        if not_theirs:
            raise UserError(
                self.env._(
                    "You can only act on the timesheets of projects you approve:"
                    "\n%(entries)s",
                    entries=self._psa_list(not_theirs),
                )
            )

    def _psa_is_approver(self, user=None):
        """Whether ``user`` (default: the current user) is one of the approvers
        of this line's project (``project.project._psa_approvers``)."""
        self.ensure_one()
        user = user or self.env.user
        # sudo: who approves is no secret of the project's (delegates may not
        # follow a private project).
        return user in self.project_id.sudo().psa_approver_ids

    @api.model
    def _psa_approver_domain(self):
        """The timesheets of the projects the current user approves, as a
        domain (record rules and view filters say the same in XML)."""
        return [("project_id.psa_approver_ids", "in", self.env.uid)]

    @api.model
    def _psa_approval_conflict_free_domain(self):
        """The separation of duties as a domain: the lines the current user
        may approve, reject or reopen, whatever their groups (PSA
        administrators too). Not theirs (employee or user of the line), not
        entered by them for someone else: an approver logging time for a
        consultant needs another approver. The one definition of the rule:
        checks (``_psa_approval_conflicts``) and queues
        (``_psa_to_approve_domain``) use it."""
        user = self.env.user
        own_employees = (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=False)
            .search([("user_id", "=", user.id)])
        )
        return [
            ("employee_id", "not in", own_employees.ids),
            ("user_id", "!=", user.id),
            ("create_uid", "!=", user.id),
        ]

    def _psa_approval_conflicts(self):
        """The lines the current user may not approve, reject or reopen
        (``_psa_approval_conflict_free_domain``)."""
        return self - self.filtered_domain(self._psa_approval_conflict_free_domain())

    @api.model
    def _psa_to_approve_domain(self):
        """The submitted timesheets the current user may approve: on the
        projects they approve (PSA administrators: every project), free of
        conflicts of duties. The queue (``psa_action_to_approve``) lists them
        and the dashboard counts them."""
        if not self.env.user.has_group("psa_workflow.group_psa_approver"):
            return expression.FALSE_DOMAIN
        domain = [
            ("psa_state", "=", "submitted"),
            ("project_id", "!=", False),
            *self._psa_approval_conflict_free_domain(),
        ]
        if not self.env.user.has_group("psa_workflow.group_psa_admin"):
            domain += self._psa_approver_domain()
        return domain

    @api.model
    def psa_action_to_approve(self, *args, **kwargs):
        """The queue of timesheets to approve (menus, dashboard): the action
        ``account_analytic_line_action_approve`` on ``_psa_to_approve_domain``."""
        check_no_arguments(self.env, "psa_action_to_approve", args, kwargs)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_workflow.account_analytic_line_action_approve"
        )
        action["domain"] = self._psa_to_approve_domain()
        return action

    @api.model
    def psa_action_my_timesheets(self, *args, **kwargs):
        """Odoo's My Timesheets, showing the rejected ones first when there
        are: the employee sees what to correct, with the approver's reason."""
        check_no_arguments(self.env, "psa_action_my_timesheets", args, kwargs)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hr_timesheet.act_hr_timesheet_line"
        )
        # Reloading the page runs this again (the server action's path).
        action.pop("path", None)
        rejected = self.search_count(
            [
                ("project_id", "!=", False),
                ("user_id", "=", self.env.uid),
                ("psa_state", "=", "rejected"),
            ],
            limit=1,
        )
        if rejected:
            context = safe_eval(action.get("context") or "{}", {"uid": self.env.uid})
            # Rejected entries of any week, not only this week's.
            context.pop("search_default_week", None)
            context["search_default_psa_rejected"] = 1
            action["context"] = context
        return action

    def _psa_check_can_approve(self, states=("submitted",), check_rate=False):
        """Refuse, listing every reason, unless all lines can be approved by the
        current user: right state, a project they approve, no conflict of
        duties (``_psa_approval_conflicts``), and a rate for billable lines."""
        if not self.env.user.has_group("psa_workflow.group_psa_approver"):
            raise UserError(
                self.env._("Only approvers can approve or reject timesheets.")
            )
        self._psa_check_approver()
        problems = []
        wrong_state = self.filtered(lambda line: line.psa_state not in states)
        if wrong_state:
            problems.append(
                self.env._(
                    "Not in a state allowing this (%(states)s):\n%(entries)s",
                    states=", ".join(states),
                    entries=self._psa_list(wrong_state),
                )
            )
        future = self._psa_future_problem()
        if future:
            problems.append(future)
        conflicted = self._psa_approval_conflicts()
        if conflicted:
            problems.append(
                self.env._(
                    "Separation of duties: you cannot approve time that is yours or "
                    "that you entered (another approver or a PSA administrator "
                    "does):\n%(entries)s",
                    entries=self._psa_list(conflicted),
                )
            )
        if check_rate:
            no_rate = self.filtered(
                lambda line: line.psa_billable and line.psa_rate_missing
            )
            if no_rate:
                problems.append(
                    self.env._(
                        "Billable without a rate (set one in the project's rates):"
                        "\n%(entries)s",
                        entries=self._psa_list(no_rate),
                    )
                )
        if problems:
            raise UserError("\n\n".join(problems))
