# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, float_round, plaintext2html
from odoo.tools.safe_eval import safe_eval

from .psa_rate import RATE_SCOPES
from .psa_validation import (
    check_no_arguments,
    check_ranges,
    ensure_one,
    sql_check,
    to_date,
)

# A timesheet in one of these states is locked: its hours and billing are history.
LOCKED_STATES = ("approved", "invoiced")
LOCKED_FIELDS = {
    "unit_amount",
    "date",
    "project_id",
    "task_id",
    "employee_id",
    "user_id",
    "account_id",
    "psa_billable",
    "psa_role_id",
    "psa_billed_hours",
    "psa_bill_rate",
    "psa_bill_amount",
    "psa_currency_id",
}
# Written only by the state transitions (with sudo, after their checks).
STATE_FIELDS = {
    "psa_state",
    "psa_submitted_date",
    "psa_approved_by_id",
    "psa_approved_date",
    "psa_rejection_reason",
}
# Fields whose change re-resolves the billing of an unlocked entry.
BILLING_INPUTS = {
    "unit_amount",
    "date",
    "project_id",
    "task_id",
    "employee_id",
    "psa_billable",
    "psa_role_id",
}
BILLING_FIELDS = {
    "psa_currency_id",
    "psa_billed_hours",
    "psa_bill_rate",
    "psa_bill_amount",
    "psa_bill_amount_company",
    "psa_rate_scope",
    "psa_rate_missing",
}
MAX_HOURS_PER_DAY = 24.0


class AccountAnalyticLine(models.Model):
    """Timesheets (analytic lines with a project) get a billing vocabulary: a
    billable flag, a rate from the rate chain, billed hours after the project's
    rounding, and an approval state that locks them once approved. A rejected
    timesheet carries the activity telling its employee what to correct (an
    activity without a chatter: see ``message_subscribe`` below)."""

    _name = "account.analytic.line"
    _inherit = ["account.analytic.line", "mail.activity.mixin"]

    psa_billable = fields.Boolean(
        string="Billable",
        compute="_compute_psa_billable",
        store=True,
        readonly=False,
        help="Billed to the customer. Defaults from the task, else the project; "
        "never on a non-billable project.",
    )
    psa_role_id = fields.Many2one(
        "psa.role",
        string="Role",
        compute="_compute_psa_role_id",
        store=True,
        readonly=False,
        help="Role the time is billed as: the employee's role on the project team, "
        "else their default role.",
    )
    psa_state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("invoiced", "Invoiced"),
        ],
        string="Approval",
        default="draft",
        required=True,
        index=True,
        copy=False,
        readonly=True,
    )
    psa_submitted_date = fields.Datetime(
        string="Submitted on", copy=False, readonly=True
    )
    psa_approved_by_id = fields.Many2one(
        "res.users", string="Approved by", copy=False, readonly=True
    )
    psa_approved_date = fields.Datetime(string="Approved on", copy=False, readonly=True)
    psa_rejection_reason = fields.Text(
        string="Rejection Reason", copy=False, readonly=True
    )
    # Billing, resolved while the entry is open, frozen once approved.
    psa_billed_hours = fields.Float(
        string="Billed Hours",
        digits=(16, 2),
        readonly=True,
        copy=False,
        help="Hours billed: the hours logged after the project's billing rounding. "
        "The hours logged never change.",
    )
    # In each project's currency: never summed (lists' group totals, pivots),
    # the amount in the company currency is.
    psa_bill_rate = fields.Monetary(
        string="Bill Rate",
        currency_field="psa_currency_id",
        readonly=True,
        copy=False,
        aggregator=None,
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
    )
    psa_bill_amount = fields.Monetary(
        string="Billable Amount",
        currency_field="psa_currency_id",
        readonly=True,
        copy=False,
        aggregator=None,
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
    )
    psa_currency_id = fields.Many2one(
        "res.currency", string="Billing Currency", readonly=True, copy=False
    )
    psa_bill_amount_company = fields.Monetary(
        string="Billable Amount in Company Currency",
        currency_field="currency_id",
        readonly=True,
        copy=False,
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
        help="The billable amount at Odoo's rate of the entry's date (converted "
        "again when a rate of that date changes): what the reports sum.",
    )
    psa_rate_scope = fields.Selection(
        selection=[*RATE_SCOPES, ("role_default", "Role default rate")],
        string="Rate From",
        readonly=True,
        copy=False,
    )
    psa_rate_missing = fields.Boolean(
        string="No Rate",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Billable, but no rate of the rate chain applies: set one before "
        "approval.",
    )

    psa_cap_held = fields.Boolean(
        string="Held by Cap",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Beyond the project's not-to-exceed cap: not invoiced until a billing "
        "user bills it anyway or writes it off.",
    )
    psa_cap_decision = fields.Selection(
        selection=[("bill", "Bill anyway"), ("write_off", "Written off")],
        string="Cap Decision",
        readonly=True,
        copy=False,
    )
    psa_invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        compute="_compute_psa_invoice_id",
        help="The customer invoice billing this timesheet.",
    )

    _sql_constraints = [
        # Odoo's own column: analytic lines without a project may be negative.
        (
            "psa_unit_amount_finite",
            sql_check("unit_amount"),
            "The quantity (hours) of an analytic line must be a finite number.",
        ),
        (
            "psa_billed_hours_range",
            sql_check("psa_billed_hours", 0),
            "The billed hours of a timesheet must be a finite number, not negative.",
        ),
        (
            "psa_bill_rate_range",
            sql_check("psa_bill_rate", 0),
            "The bill rate of a timesheet must be a finite number, not negative.",
        ),
        (
            "psa_bill_amount_range",
            sql_check("psa_bill_amount", 0),
            "The billable amount of a timesheet must be a finite number, not negative.",
        ),
        (
            "psa_bill_amount_company_range",
            sql_check("psa_bill_amount_company", 0),
            "The billable amount of a timesheet must be a finite number, not negative.",
        ),
    ]

    def _compute_psa_invoice_id(self):
        links = (
            self.env["psa.invoice.link"]
            .sudo()
            .search_fetch(
                [("timesheet_id", "in", self.ids), ("state", "=", "invoiced")],
                ["timesheet_id", "move_id"],
            )
        )
        invoice_of = {link.timesheet_id.id: link.move_id for link in links}
        for line in self:
            line.psa_invoice_id = invoice_of.get(line.id, False)

    def action_psa_create_invoices(self):
        """Invoice the selected timesheets (approved, billable ones)."""
        return self.env["psa.invoicing.engine"]._invoice_selection("timesheets", self)

    def action_psa_cap_bill_anyway(self):
        """Release time held by a cap: it is invoiced with the next invoice."""
        self._psa_cap_decide("bill")
        return True

    def action_psa_cap_write_off(self):
        """Never invoice this time held by a cap (it stays approved, as history)."""
        self._psa_cap_decide("write_off")
        return True

    def _psa_cap_decide(self, decision):
        if not self.env.user.has_group("psa_workflow.group_psa_billing"):
            raise AccessError(self.env._("Only billing users decide on capped time."))
        # Invoiced time is not held any more, whatever the flag says: written
        # off, it would never be billed again once credited.
        not_held = self.filtered(
            lambda line: not line.psa_cap_held or line.psa_state != "approved"
        )
        if not_held:
            raise UserError(
                self.env._(
                    "Only approved time held by a cap and not invoiced can be "
                    "billed anyway or written off:\n%(entries)s",
                    entries=self._psa_list(not_held),
                )
            )
        # Billing users decide on time they cannot edit (locked, others').
        self.sudo().write({"psa_cap_held": False, "psa_cap_decision": decision})

    def action_psa_open_invoice(self):
        ensure_one(self, "action_psa_open_invoice")
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": self.psa_invoice_id.id,
        }

    @api.depends("task_id", "project_id")
    def _compute_psa_billable(self):
        for line in self:
            if not line.project_id:
                line.psa_billable = False
            elif line.task_id:
                line.psa_billable = line.task_id.psa_billable
            else:
                line.psa_billable = line.project_id.psa_is_billable

    @api.depends("project_id", "employee_id")
    def _compute_psa_role_id(self):
        expected = self._psa_expected_roles()
        for line in self:
            line.psa_role_id = expected[line]

    def _psa_expected_roles(self):
        """``{line: role}``: the employee's role on the project team, else their
        default role. One query for the whole batch."""
        lines = self.filtered(lambda line: line.project_id and line.employee_id)
        team_role = self.env["psa.project.member"]._team_roles(
            lines.project_id, lines.employee_id
        )
        return {
            line: team_role.get((line.project_id.id, line.employee_id.id))
            or line.employee_id.sudo().psa_default_role_id
            for line in self
        }

    def _psa_sync_roles(self):
        """Open timesheets whose team or default role changed take the new role
        (and so are priced again); approved ones keep theirs."""
        lines = self.filtered(lambda line: line.psa_state not in LOCKED_STATES)
        by_role = defaultdict(self.browse)
        for line, role in lines._psa_expected_roles().items():
            if line.psa_role_id != role:
                by_role[role] |= line
        for role, role_lines in by_role.items():
            role_lines.write({"psa_role_id": role.id})

    def _is_readonly(self):
        # Odoo's timesheet views make a readonly timesheet's fields read-only.
        return super()._is_readonly() or self.psa_state in LOCKED_STATES

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("unit_amount")
    def _check_psa_hours(self):
        """Hours are a finite number from 0 to 24. Zero is accepted here (Odoo
        creates empty lines itself: timers, placeholders) and refused at
        submission and approval (``_psa_check_hours_logged``)."""
        timesheets = self.filtered("project_id")
        check_ranges(
            timesheets,
            {"unit_amount": (0.0, MAX_HOURS_PER_DAY)},
            name=self._psa_entry_name,
        )
        timesheets._psa_check_hours_per_day()

    def _psa_check_hours_logged(self):
        """Refuse, naming them, timesheets without hours (submission, approval)."""
        empty = self.filtered(lambda line: line.unit_amount <= 0)
        if empty:
            raise UserError(
                self.env._(
                    "These timesheets have no hours: log the time spent or delete "
                    "them.\n%(entries)s",
                    entries=self._psa_list(empty),
                )
            )

    @api.constrains("psa_role_id", "employee_id", "project_id")
    def _check_psa_role(self):
        lines = self.filtered(lambda line: line.project_id and line.psa_role_id)
        team_role = self.env["psa.project.member"]._team_roles(
            lines.project_id, lines.employee_id
        )
        for line in lines:
            allowed = line.employee_id.sudo().psa_role_ids | team_role.get(
                (line.project_id.id, line.employee_id.id), self.env["psa.role"]
            )
            if line.psa_role_id not in allowed:
                raise ValidationError(
                    self.env._(
                        "%(entry)s: %(employee)s does not hold the role %(role)s.",
                        entry=self._psa_entry_name(line),
                        employee=line.employee_id.name,
                        role=line.psa_role_id.name,
                    )
                )

    @api.constrains("project_id", "psa_billable", "date", "employee_id")
    def _check_psa_timesheet(self):
        timesheets = self.filtered("project_id")
        for line in timesheets:
            name = self._psa_entry_name(line)
            project = line.project_id
            if not project.active:
                raise ValidationError(
                    self.env._(
                        "%(entry)s: the project %(project)s is archived.",
                        entry=name,
                        project=project.name,
                    )
                )
            company = project.company_id
            if company and line.company_id != company:
                raise ValidationError(
                    self.env._(
                        "%(entry)s: the project %(project)s belongs to %(company)s.",
                        entry=name,
                        project=project.name,
                        company=company.name,
                    )
                )
            # Inter-company time (Odoo's own flow): the project's company bills
            # it at the project's rates, unless that company refuses it.
            employee_company = line.employee_id.company_id
            if (
                company
                and employee_company
                and employee_company != company
                and company.psa_refuse_intercompany_time
            ):
                raise ValidationError(
                    self.env._(
                        "%(entry)s: %(employee)s works for %(employee_company)s, "
                        "and %(company)s takes no time from other companies' "
                        "employees (Settings, PSA).",
                        entry=name,
                        employee=line.employee_id.name,
                        employee_company=employee_company.name,
                        company=company.name,
                    )
                )
            if line.psa_billable and not project.psa_is_billable:
                raise ValidationError(
                    self.env._(
                        "%(entry)s: the project %(project)s is not billable.",
                        entry=name,
                        project=project.name,
                    )
                )
        timesheets._psa_check_hours_per_day()

    def _psa_check_hours_per_day(self):
        """At most 24 hours a day per employee, all projects together."""
        if not self:
            return
        self.flush_model(["unit_amount", "date", "employee_id", "project_id"])
        self._psa_lock_days()
        totals = self.sudo()._read_group(
            [
                ("project_id", "!=", False),
                ("employee_id", "in", self.employee_id.ids),
                ("date", "in", list(set(self.mapped("date")))),
            ],
            ["employee_id", "date:day"],
            ["unit_amount:sum"],
        )
        for employee, day, hours in totals:
            if hours > MAX_HOURS_PER_DAY:
                raise ValidationError(
                    self.env._(
                        "%(employee)s would log %(hours)s hours on %(date)s: more than "
                        "24 hours in a day.",
                        employee=employee.name,
                        hours=float_round(hours, 2),
                        date=day,
                    )
                )

    def _psa_lock_days(self):
        """Serialize the transactions logging time of one employee on one day:
        each upserts the (employee, day) row of ``psa_timesheet_day_lock``
        before reading the day's total. Of two concurrent ones, the second
        waits for the first, then fails to serialize (Odoo retries it with a
        fresh snapshot, which sees the first one's hours). One statement for
        the whole batch, in a stable order."""
        pairs = sorted(
            {
                (line.employee_id.id, line.date)
                for line in self
                if line.employee_id and line.date
            }
        )
        if not pairs:
            return
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO psa_timesheet_day_lock (employee_id, day)
                SELECT employee_id, day
                  FROM unnest(%s::integer[], %s::date[]) AS pair(employee_id, day)
                 ORDER BY employee_id, day
                    ON CONFLICT (employee_id, day)
                    DO UPDATE SET locked_by = txid_current()
                """,
                # Array literals: psycopg2 adapts a list item by item, slowly.
                "{" + ",".join(str(employee_id) for employee_id, _day in pairs) + "}",
                "{" + ",".join(day.isoformat() for _employee_id, day in pairs) + "}",
            )
        )

    @api.model
    def _psa_entry_name(self, line):
        return self.env._(
            "Timesheet of %(employee)s on %(date)s (%(project)s)",
            employee=line.employee_id.name or line.user_id.name or "?",
            date=line.date,
            project=line.project_id.name or "?",
        )

    # ------------------------------------------------------------------
    # CRUD: billing resolved in batch, states and locks guarded
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # Approval and billing fields are the server's (drafts, priced here).
        self.env["psa.write.policy"]._check_write(self, vals_list, create=True)
        # No role given is the expected role, computed once the employee is
        # known (the forms send none: they have no employee to compute it).
        lines = super().create([self._psa_without_empty_role(v) for v in vals_list])
        lines.filtered("project_id")._psa_update_billing()
        return lines

    def write(self, vals):
        # Submit, Approve, Reject and Reopen change the state; pricing the billing.
        self.env["psa.write.policy"]._check_write(self, [vals])
        changed = set(vals)
        if LOCKED_FIELDS & changed:
            self._psa_check_unlocked()
        expected_role = "psa_role_id" in vals and not vals["psa_role_id"]
        result = super().write(self._psa_without_empty_role(vals))
        if expected_role:
            # Computed in batch when the billing below (or a flush) reads it.
            self.env.add_to_compute(self._fields["psa_role_id"], self)
        if BILLING_INPUTS & changed:
            self.filtered(
                lambda line: line.project_id and line.psa_state not in LOCKED_STATES
            )._psa_update_billing()
        return result

    @api.model
    def _psa_without_empty_role(self, vals):
        """``vals`` without an empty ``psa_role_id``: no role means the expected
        role (``_psa_expected_roles``), which the field's compute resolves."""
        if isinstance(vals, dict) and "psa_role_id" in vals and not vals["psa_role_id"]:
            return {
                fname: value for fname, value in vals.items() if fname != "psa_role_id"
            }
        return vals

    @api.ondelete(at_uninstall=False)
    def _unlink_except_psa_locked(self):
        self._psa_check_unlocked()
        self._psa_check_can_delete_others()

    def _psa_check_can_delete_others(self):
        """Someone else's timesheet is deleted by its project's manager or a
        timesheet / PSA administrator only (accountants read them to bill them)."""
        if self.env.su or self.env.user.has_group(
            "hr_timesheet.group_hr_timesheet_approver"
        ):
            return
        others = self.filtered(
            lambda line: (
                line.project_id
                and not line._psa_is_own()
                and line.project_id.user_id != self.env.user
            )
        )
        if others:
            raise UserError(
                self.env._(
                    "You can only delete your own timesheets or those of projects you "
                    "manage:\n%(entries)s",
                    entries=self._psa_list(others),
                )
            )

    def _psa_check_unlocked(self):
        locked = self.filtered(lambda line: line.psa_state in LOCKED_STATES)
        if locked:
            raise UserError(
                self.env._(
                    "These timesheets are approved or invoiced and locked; an approver "
                    "can reopen an approved one that is not invoiced:\n%(entries)s",
                    entries="\n".join(
                        self._psa_entry_name(line) for line in locked[:20]
                    ),
                )
            )

    # ------------------------------------------------------------------
    # Approval: submit, approve, reject, reopen (public API, in batch)
    # ------------------------------------------------------------------
    def action_psa_submit(self):
        """Submit draft or rejected timesheets for approval (one's own, or as
        their approver / a PSA administrator)."""
        lines = self._psa_timesheets()
        lines._psa_check_hours_logged()
        wrong = lines.filtered(lambda line: line.psa_state not in ("draft", "rejected"))
        if wrong:
            raise UserError(
                self.env._(
                    "Only draft or rejected timesheets can be submitted:\n%(entries)s",
                    entries=self._psa_list(wrong),
                )
            )
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
        (empty ones are skipped, not refused). Returns the number of lines
        submitted."""
        day = to_date(self.env, day, "day") or fields.Date.context_today(self)
        monday = day - timedelta(days=day.weekday())
        lines = self.search(
            [
                ("user_id", "=", self.env.uid),
                ("project_id", "!=", False),
                ("psa_state", "in", ("draft", "rejected")),
                ("unit_amount", ">", 0),
                ("date", ">=", monday),
                ("date", "<=", monday + timedelta(days=6)),
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
        return True

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
        return True

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
        """Write approval fields on all the lines in one UPDATE, whatever their
        number. Only the actions above call this, after their checks (the state
        fields cannot be written otherwise)."""
        assert set(vals) <= STATE_FIELDS
        self.env.flush_all()
        assignments = SQL(", ").join(
            # False means NULL in the ORM, whatever the column type.
            SQL("%s = %s", SQL.identifier(fname), None if value is False else value)
            for fname, value in vals.items()
        )
        self.env.cr.execute(
            SQL(
                "UPDATE account_analytic_line SET %s, write_uid = %s, write_date = %s"
                " WHERE id = ANY(%s::integer[])",
                assignments,
                self.env.uid,
                fields.Datetime.now(),
                # An array literal: psycopg2 adapts a list id by id, slowly.
                "{" + ",".join(map(str, self.ids)) + "}",
            )
        )
        self.invalidate_recordset([*vals, "write_uid", "write_date"])
        self.modified(list(vals))

    def _psa_timesheets(self):
        lines = self.filtered("project_id")
        if lines != self:
            raise UserError(
                self.env._("Only timesheets (lines with a project) are approved.")
            )
        return lines

    @api.model
    def _psa_list(self, lines, limit=20):
        names = [self._psa_entry_name(line) for line in lines[:limit]]
        if len(lines) > limit:
            names.append(self.env._("... and %(count)s more", count=len(lines) - limit))
        return "\n".join(names)

    def _psa_check_approver(self):
        """The user manages every project of these lines, or is a PSA administrator."""
        if self.env.user.has_group("psa_workflow.group_psa_admin"):
            return
        not_managed = self.filtered(
            lambda line: line.project_id.user_id != self.env.user
        )
        if not_managed:
            raise UserError(
                self.env._(
                    "You can only act on the timesheets of projects you manage:"
                    "\n%(entries)s",
                    entries=self._psa_list(not_managed),
                )
            )

    def _psa_is_own(self):
        """The current user's own time: by the employee, whoever the line's
        user field says (it can be written)."""
        self.ensure_one()
        return self.env.user in (self.employee_id.user_id | self.user_id)

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
        projects they manage (PSA administrators: every project), free of
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
            domain.append(("project_id.user_id", "=", self.env.uid))
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
        current user: right state, a project they manage, no conflict of
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

    # ------------------------------------------------------------------
    # Activities: approvers on submission, employees on rejection
    # ------------------------------------------------------------------
    def _psa_notify_approvers(self):
        """One "timesheets to approve" activity per project and approver,
        reused while it is open."""
        activity_type = self.env.ref(
            "psa_workflow.mail_activity_type_timesheet_approval"
        )
        projects = self.project_id.filtered("user_id")
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
                "user_id": project.user_id.id,
                "summary": self.env._("Timesheets to approve"),
                "automated": True,
                "date_deadline": fields.Date.context_today(self),
            }
            for project in projects
            if (project.id, project.user_id.id) not in has_activity
        ]
        if not vals_list:
            return
        # Two submissions at the same moment would both see no activity and
        # both create one (and both subscribe the manager: a unique violation,
        # which is not retried). Updating the projects' rows first makes the
        # later transaction fail to serialize: Odoo retries it, and the retry
        # sees the activity.
        self.env.cr.execute(
            "UPDATE project_project SET id = id WHERE id = ANY(%s)",
            [[vals["res_id"] for vals in vals_list]],
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

    @api.model
    def _psa_init_billing(self):
        """At install: resolve the billing of the timesheets already there."""
        self.search(
            [("project_id", "!=", False), ("psa_state", "not in", LOCKED_STATES)]
        )._psa_update_billing()

    # ------------------------------------------------------------------
    # Billing: rounding and the rate chain, in batch
    # ------------------------------------------------------------------
    def _psa_update_billing(self):
        """Resolve billed hours, rate and amount of open (not locked) timesheets:
        one rate resolution for the whole batch, one write per distinct result."""
        lines = self.filtered(lambda line: line.psa_state not in LOCKED_STATES)
        if not lines:
            return
        billable = lines.filtered("psa_billable")
        keys = {
            line.id: (
                line.project_id.id,
                line.employee_id.id,
                line.psa_role_id.id,
                line.date,
            )
            for line in billable
        }
        rates = self.env["psa.rate"]._resolve_rates(keys.values())
        converter = _Converter(self.env)
        rows = []
        for line in lines:
            project = line.project_id
            currency = project.psa_currency_id
            row = [line.id, currency.id or None, 0.0, 0.0, 0.0, None, False]
            if line.psa_billable:
                amount, rate_currency, scope = rates[keys[line.id]]
                rate = converter.convert(
                    amount, rate_currency, currency, project, line.date
                )
                hours = project._psa_round_billed_hours(line.unit_amount)
                row[2:] = [
                    hours,
                    rate,
                    currency.round(hours * rate),
                    scope or None,
                    not scope,
                ]
            rows.append(row)
        self._psa_write_billing(lines, rows)

    def _psa_write_billing(self, lines, rows):
        """Write the billing columns of many lines in a few UPDATE statements:
        derived data owned by the addon (employees may not write rates)."""
        self.env.flush_all()
        for start in range(0, len(rows), 10000):
            values = SQL(", ").join(
                SQL("(%s, %s, %s, %s, %s, %s, %s)", *row)
                for row in rows[start : start + 10000]
            )
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE account_analytic_line AS a
                       SET psa_currency_id = v.currency_id::integer,
                           psa_billed_hours = v.hours::numeric,
                           psa_bill_rate = v.rate::numeric,
                           psa_bill_amount = v.amount::numeric,
                           psa_bill_amount_company = %s,
                           psa_rate_scope = v.scope::varchar,
                           psa_rate_missing = v.missing::boolean
                      FROM (VALUES %s)
                        AS v(id, currency_id, hours, rate, amount, scope, missing),
                           res_company co, res_currency cur
                     WHERE a.id = v.id AND co.id = a.company_id
                       AND cur.id = co.currency_id
                    """,
                    self._psa_company_amount(
                        SQL("v.amount::numeric"), SQL("v.currency_id::integer")
                    ),
                    values,
                )
            )
        fnames = list(BILLING_FIELDS)
        lines.invalidate_recordset(fnames)
        lines.modified(fnames)

    @api.model
    def _psa_convert_bill_amounts(self, condition):
        """Store the billable amount in the company currency, at Odoo's rate
        of the entry's date (``psa_currency_rate``), of the lines matching
        ``condition`` (SQL on the line ``a`` and its company ``co``): so that
        reports over millions of lines sum a column instead of looking rates
        up. Pricing writes it with the amount (``_psa_write_billing``); this
        runs when a rate changes (``res.currency.rate``) and at upgrade."""
        converted = self._psa_company_amount(
            SQL("a.psa_bill_amount"), SQL("a.psa_currency_id")
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_analytic_line AS a
                   SET psa_bill_amount_company = %(converted)s
                  FROM res_company co, res_currency cur
                 WHERE co.id = a.company_id AND cur.id = co.currency_id
                   AND a.psa_bill_amount IS NOT NULL
                   AND a.psa_bill_amount_company IS DISTINCT FROM %(converted)s
                   AND %(condition)s
                """,
                converted=converted,
                condition=condition,
            )
        )
        self.invalidate_model(["psa_bill_amount_company"])

    @api.model
    def _psa_company_amount(self, amount, currency):
        """SQL: ``amount`` in ``currency`` of the line ``a`` in the currency
        ``cur`` of its company ``co`` at Odoo's rate of its date (from the
        company: lines inserted in SQL may lack their stored currency)."""
        return SQL(
            "CASE WHEN %(currency)s IS NULL OR %(currency)s = co.currency_id"
            " THEN %(amount)s"
            " ELSE round(%(amount)s"
            " * psa_currency_rate(co.currency_id, a.company_id, a.date)"
            " / psa_currency_rate(%(currency)s, a.company_id, a.date),"
            " cur.decimal_places) END",
            amount=amount,
            currency=currency,
        )

    def init(self):
        # One row per employee and day logged: see _psa_lock_days.
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS psa_timesheet_day_lock (
                employee_id integer NOT NULL
                    REFERENCES hr_employee (id) ON DELETE CASCADE,
                day date NOT NULL,
                locked_by bigint,
                PRIMARY KEY (employee_id, day)
            )
            """
        )
        # Lines priced before the column existed (an upgrade).
        self.env["psa.report.sources"]._create_functions()
        self._psa_convert_bill_amounts(
            SQL("a.psa_bill_amount_company IS NULL AND a.project_id IS NOT NULL")
        )


class _Converter:
    """Currency conversion with one rate lookup per (from, to, company, date)."""

    def __init__(self, env):
        self.env = env
        self.factors = {}

    def convert(self, amount, from_currency, to_currency, project, date):
        if not amount or not from_currency or from_currency == to_currency:
            return amount
        company = project.company_id or self.env.company
        key = (from_currency.id, to_currency.id, company.id, date)
        if key not in self.factors:
            self.factors[key] = from_currency._get_conversion_rate(
                from_currency, to_currency, company, date
            )
        return to_currency.round(amount * self.factors[key])
