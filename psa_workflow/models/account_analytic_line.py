# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets, capture and lock: the fields every stage reads, the checks on
what is logged (hours, roles, projects, hours per day), and the guards that
lock approved and invoiced entries. Pricing, approval and invoicing extend
the model in ``account_analytic_line_pricing``, ``_approval`` and
``_invoicing``."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_round

from .psa_validation import check_ranges, sql_check
from .psa_write_policy import SERVER

# A timesheet in one of these states is locked: its hours and billing are history.
LOCKED_STATES = ("approved", "invoiced")
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
    activity without a chatter: see ``message_subscribe`` in
    ``account_analytic_line_approval``)."""

    _name = "account.analytic.line"
    _inherit = [
        "psa.guarded.mixin",
        "account.analytic.line",
        "mail.activity.mixin",
        "psa.billable.mixin",
    ]
    # Approved or invoiced, a timesheet's hours and billing are history: its
    # ``psa_lock`` fields keep their value (an approver reopens it first).
    _psa_lock_domain = [("psa_state", "in", LOCKED_STATES)]

    # What an approved timesheet keeps (Odoo's fields, declared locked here).
    unit_amount = fields.Float(psa_lock=True)
    date = fields.Date(psa_lock=True)
    project_id = fields.Many2one(psa_lock=True)
    task_id = fields.Many2one(psa_lock=True)
    employee_id = fields.Many2one(psa_lock=True)
    user_id = fields.Many2one(psa_lock=True)
    account_id = fields.Many2one(psa_lock=True)

    psa_billable = fields.Boolean(
        string="Billable",
        compute="_compute_psa_billable",
        store=True,
        readonly=False,
        help="Billed to the customer. Defaults from the task, else the project; "
        "never on a non-billable project.",
        psa_lock=True,
    )
    psa_role_id = fields.Many2one(
        "psa.role",
        string="Role",
        compute="_compute_psa_role_id",
        store=True,
        readonly=False,
        help="Role the time is billed as: the employee's role on the project team, "
        "else their default role.",
        psa_lock=True,
    )
    psa_description = fields.Char(
        string="Work Description",
        compute="_compute_psa_description",
        help="The description as approvers and customers read it: the entry's "
        'own, else (none, or Odoo\'s "/") its task, else its project.',
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
        psa_write=SERVER,
    )

    _sql_constraints = [
        # Odoo's own column: analytic lines without a project may be negative.
        (
            "psa_unit_amount_finite",
            sql_check("unit_amount"),
            "The quantity (hours) of an analytic line must be a finite number.",
        ),
    ]

    @api.depends("name", "task_id.name", "project_id.name")
    def _compute_psa_description(self):
        for line in self:
            own = (line.name or "").strip()
            line.psa_description = (
                own
                if own and own != "/"
                else line.task_id.name or line.project_id.name or own
            )

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
        role_of = self.env["psa.project.member"]._role_resolver(
            lines.project_id, lines.employee_id
        )
        return {line: role_of(line.project_id, line.employee_id) for line in self}

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
        # Approval and billing fields are the server's (psa.guarded.mixin):
        # drafts, priced here.
        # No role given is the expected role, computed once the employee is
        # known (the forms send none: they have no employee to compute it).
        lines = super().create([self._psa_without_empty_role(v) for v in vals_list])
        lines.filtered("project_id")._psa_update_billing()
        return lines

    def write(self, vals):
        # Submit, Approve, Reject and Reopen change the state; pricing the
        # billing. The write policy and the locks: psa.guarded.mixin.
        changed = set(vals)
        expected_role = "psa_role_id" in vals and not vals["psa_role_id"]
        result = super().write(vals)
        if expected_role:
            # Computed in batch when the billing below (or a flush) reads it.
            self.env.add_to_compute(self._fields["psa_role_id"], self)
        if BILLING_INPUTS & changed:
            self.filtered(
                lambda line: line.project_id and line.psa_state not in LOCKED_STATES
            )._psa_update_billing()
        return result

    def _psa_values_to_write(self, vals):
        # Checked as sent (an empty role is a change of a locked line's role).
        return self._psa_without_empty_role(super()._psa_values_to_write(vals))

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
        """Someone else's timesheet is deleted by its project's approvers
        (``psa_approver_ids``) or a timesheet / PSA administrator only
        (accountants read them to bill them)."""
        if self.env.su or self.env.user.has_group(
            "hr_timesheet.group_hr_timesheet_approver"
        ):
            return
        others = self.filtered(
            lambda line: (
                line.project_id
                and not line._psa_is_own()
                and self.env.user not in line.project_id.sudo().psa_approver_ids
            )
        )
        if others:
            raise UserError(
                self.env._(
                    "You can only delete your own timesheets or those of projects you "
                    "approve:\n%(entries)s",
                    entries=self._psa_list(others),
                )
            )

    def _psa_check_unlocked(self):
        locked = self.filtered(lambda line: line.psa_state in LOCKED_STATES)
        if locked:
            raise UserError(self._psa_lock_refusal(locked, ()))

    def _psa_lock_refusal(self, locked, fnames):
        return self.env._(
            "These timesheets are approved or invoiced and locked; an approver "
            "can reopen an approved one that is not invoiced:\n%(entries)s",
            entries="\n".join(self._psa_entry_name(line) for line in locked[:20]),
        )

    @api.model
    def _psa_list(self, lines, limit=20):
        names = [self._psa_entry_name(line) for line in lines[:limit]]
        if len(lines) > limit:
            names.append(self.env._("... and %(count)s more", count=len(lines) - limit))
        return "\n".join(names)

    def _psa_is_own(self):
        """The current user's own time: by the employee, whoever the line's
        user field says (it can be written)."""
        self.ensure_one()
        return self.env.user in (self.employee_id.user_id | self.user_id)

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
