# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoicing engine: approved time and expenses become draft customer
invoices, once and only once.

select what is billable -> lock those rows (stable order, skipping rows another
transaction holds; the timesheets' columns are read by the lock) -> check each
project (skip and report the bad ones) -> group (``_invoice_grouping_key``) ->
``_prepare_invoice_vals`` / each kind's lines, then ``_prepare_invoice_line``
-> one ``account.move.create`` -> link entries to lines (found by their plan
key) -> mark them invoiced. Timesheets are handled as plain values grouped on
ids: a run bills tens of thousands of them.

What can be billed is a registry, ``_psa_billable_kinds``: each kind names its
model, its column on ``psa.invoice.link`` and the engine methods that select,
plan, link and mark its records. The engine's steps loop over it.
"""

import itertools
import logging
from collections import defaultdict, namedtuple
from datetime import timedelta

import psycopg2.errors

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, float_round, format_date, formatLang

from .psa_money import split_by_weights

_logger = logging.getLogger(__name__)

# Projects invoiced per call of the scheduled action (one transaction each).
CRON_BATCH_PROJECTS = 50
# What another transaction working on the same rows can make a run meet.
CONCURRENCY_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.DeadlockDetected,
)
# What invoicing reads of a timesheet: plain values read with the lock, since
# ORM field access costs seconds on the tens of thousands of lines of a run.
Time = namedtuple(
    "Time", "id project_id employee_id role_id task_id date hours rate amount decision"
)
TIME_COLUMNS = SQL(
    "id, project_id, employee_id, psa_role_id, task_id, date,"
    " COALESCE(psa_billed_hours, 0), COALESCE(psa_bill_rate, 0),"
    " COALESCE(psa_bill_amount, 0), psa_cap_decision"
)
# A billable kind (see ``PsaInvoicingEngine._psa_billable_kinds``): its model,
# its Many2one on psa.invoice.link, and its methods (each the name of an engine
# method, or a function taking the engine first):
#   domain(projects, date_to) -> the search domain of its records billable now;
#   lines(records, currency, company, detail, times) -> [LinePlan];
#   mark(records, invoiced) -> flag them invoiced, or "to invoice" again;
#   link_vals(spec, move_line, plan) -> the psa.invoice.link values of a line;
# ``project_field``: the record's project; ``date_field``: its date (what
# Credit Entries sorts by); ``still_open``: SQL condition of a row still to
# invoice (checked under lock); ``columns``/``row``: what the lock reads, as
# plain values (``times``: the timesheets', keyed by id).
BillableKind = namedtuple(
    "BillableKind",
    "model link_field domain lines project_field mark link_vals still_open columns row"
    " date_field",
    defaults=(
        "project_id",
        "_psa_mark_flag",
        "_prepare_link_vals",
        SQL("psa_invoiced IS NOT TRUE"),
        SQL("id"),
        None,
        "date",
    ),
)
# One planned invoice line: its values, the entries it bills (may be none),
# their billed hours (the timesheets'; else None) and their kind (set by
# ``_plan_lines``).
LinePlan = namedtuple("LinePlan", "vals records hours kind", defaults=(None,))
# The model of the record an invoice line gathers time by, per line detail.
DETAIL_MODELS = {
    "employee": "hr.employee",
    "role": "psa.role",
    "task": "project.task",
    "entry": "account.analytic.line",
    "summary": None,
}


class PsaInvoicingEngine(models.AbstractModel):
    _name = "psa.invoicing.engine"
    _description = "PSA Invoicing Engine"

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------
    @api.model
    def _invoice_projects(
        self,
        projects,
        date_to=None,
        grouping="project",
        detail=None,
        *,
        only=None,
        annex=None,
    ):
        """Invoice the approved, billable, not yet invoiced time and the
        re-billable expenses of ``projects`` up to ``date_to`` (default: today).

        :param grouping: ``project`` (one invoice per project) or ``customer``
        :param detail: invoice line detail (``employee``, ``role``, ``task``,
            ``entry``, ``summary``); default: each project's own setting
        :param only: ``{kind: records}``: invoice these entries only (those of
            them that are billable now), nothing of the other kinds
        :param annex: print the timesheet annex on the invoices (``True`` or
            ``False``); default (``None``): as set on their projects
        :return: ``{"moves": account.move, "skipped": {project: reason}}``
        """
        date_to, skipped, projects = self._start_run(projects, date_to)
        projects = self._lock_projects(projects, skipped)
        selected = self._select_entries(projects, date_to)
        if only is not None:
            selected = {
                kind: records.browse(
                    [rid for rid in records.ids if rid in set(only[kind].ids)]
                )
                if kind in only
                else records.browse()
                for kind, records in selected.items()
            }
        entries, times = self._lock_entries(selected, skipped)
        entries["timesheets"] = self._apply_caps(entries["timesheets"], times)
        if not any(entries.values()):
            return {"moves": self.env["account.move"], "skipped": skipped}
        groups = self._group_entries(entries, grouping, times)
        moves = self._create_invoices(groups, detail, times, annex=annex)
        if only is None:  # a selection does not invoice the whole period
            # Not a project with entries left behind: its period is not done.
            projects = self._entries_projects(entries, times).filtered(
                lambda p: p not in skipped
            )
            projects.sudo().psa_last_invoice_date = date_to
        for project, reason in skipped.items():
            _logger.info("PSA invoicing skipped %s: %s", project.display_name, reason)
        return {"moves": moves, "skipped": skipped}

    @api.model
    def _invoice_selection(self, kind, records):
        """Invoice exactly the selected entries (a server action on timesheet
        and expense lists): those approved, billable and not invoiced yet; the
        others are reported. Returns the action showing the invoices."""
        spec = self._psa_billable_kinds()[kind]
        # An id the caller cannot read is refused, not invoiced on their behalf.
        records.check_access("read")
        records = self.env[spec.model].sudo().browse(records.ids)
        projects = records.mapped(spec.project_field)
        dates = [day for day in records.mapped(spec.date_field) if day]
        date_to = max([fields.Date.context_today(self), *dates])
        result = self._invoice_projects(projects, date_to=date_to, only={kind: records})
        billed = result["moves"].sudo().psa_link_ids.mapped(spec.link_field)
        left = len(records - billed)
        if left:
            result["skipped"][projects.browse()] = self.env._(
                "%(count)s of the selected entries were not invoiced: not approved, "
                "not billable, held by a cap, already invoiced or of a project "
                "that cannot be invoiced.",
                count=left,
            )
        return self._result_action(result)

    @api.model
    def _start_run(self, projects, date_to):
        """A run (or its preview) by a billing user: ``(date_to or today,
        {project: reason} of the projects that cannot be invoiced, the others)``."""
        if not self.env.user.has_group("psa_workflow.group_psa_billing"):
            raise AccessError(self.env._("Only billing users can create invoices."))
        date_to = date_to or fields.Date.context_today(self)
        skipped = {}
        projects = projects.filtered(lambda p: self._check_project(p, skipped, date_to))
        return date_to, skipped, projects

    @api.model
    def _preview_projects(self, projects, date_to=None, detail=None):
        """What ``_invoice_projects`` would invoice now, per project, computed
        with its own selection, caps and line plans but without writing or
        locking anything (no invoice, no flag).

        :return: ``{project: {"hours", "amount", "currency", "lines",
            "counts": {kind: number of entries}, "held_hours", "reason"}}`` in
            the order of ``projects``; ``reason``: why the project is skipped
            (a bad configuration, nothing to invoice), else ``False``
        """
        date_to, skipped, billable = self._start_run(projects, date_to)
        for project in self._held_projects(billable):
            skipped[project] = self.env._(
                "%(project)s is being invoiced by another run; try again.",
                project=project.display_name,
            )
        billable = billable.filtered(lambda p: p not in skipped)
        entries = self._select_entries(billable, date_to)
        times = self._read_times(entries["timesheets"])
        held = self._capped_out(entries["timesheets"], times)
        entries["timesheets"] -= held
        held_hours = defaultdict(float)
        for line_id in held.ids:
            held_hours[times[line_id].project_id] += times[line_id].hours
        preview = {
            key[3]: self._preview_figures(kinds, key[1], key[2], detail, times)
            for key, kinds in self._group_entries(
                entries, "project", times, per_project=True
            ).items()
        }
        result = {}
        for project in projects:
            line = preview.get(project) or {
                "hours": 0.0,
                "amount": 0.0,
                "currency": project.psa_currency_id,
                "lines": 0,
                "counts": dict.fromkeys(self._psa_billable_kinds(), 0),
            }
            line["held_hours"] = held_hours.get(project.id, 0.0)
            line["reason"] = skipped.get(project) or (
                not line["lines"]
                and self.env._(
                    "Nothing to invoice up to %(date)s.",
                    date=format_date(self.env, date_to),
                )
            )
            result[project] = line
        return result

    @api.model
    def _preview_figures(self, entries, currency, company, detail, times):
        """The preview of one project's ``entries`` (see ``_preview_projects``)."""
        plans = self._plan_lines(entries, currency, company, detail, times)
        return {
            "hours": sum(
                plan.vals["quantity"] for plan in plans if plan.hours is not None
            ),
            # What each invoice line's subtotal will be (untaxed).
            "amount": sum(
                currency.round(
                    plan.vals["quantity"]
                    * plan.vals["price_unit"]
                    * (1 - (plan.vals.get("discount") or 0.0) / 100.0)
                )
                for plan in plans
            ),
            "currency": currency,
            "lines": len(plans),
            "counts": {kind: len(records) for kind, records in entries.items()},
        }

    @api.model
    def _held_projects(self, projects):
        """The projects of ``projects`` another run is invoicing now. A probe:
        the row locks it takes are released at once (savepoint rolled back)."""
        if not projects:
            return projects
        cr = self.env.cr
        cr.execute("SAVEPOINT psa_preview_probe")
        try:
            cr.execute(
                SQL(
                    "SELECT id FROM project_project WHERE id = ANY(%s)"
                    " FOR NO KEY UPDATE SKIP LOCKED",
                    projects.ids,
                ),
                log_exceptions=False,
            )
            free = {row[0] for row in cr.fetchall()}
        except psycopg2.errors.SerializationFailure:
            free = set()  # invoiced by a run committed since this one began
        cr.execute("ROLLBACK TO SAVEPOINT psa_preview_probe")
        cr.execute("RELEASE SAVEPOINT psa_preview_probe")
        return projects.filtered(lambda p: p.id not in free)

    @api.model
    def _read_times(self, timesheets):
        """``{timesheet id: Time}`` read without locking (previews)."""
        if not timesheets:
            return {}
        timesheets.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM account_analytic_line WHERE id = ANY(%s::integer[])",
                TIME_COLUMNS,
                "{" + ",".join(map(str, timesheets.ids)) + "}",
            )
        )
        return {row[0]: Time._make(row) for row in self.env.cr.fetchall()}

    @api.model
    def _projects_to_invoice(self, date_to=None, company=None):
        """The billable projects with something to invoice up to ``date_to``
        (read only): what *Create Invoices* opens with from the menu."""
        date_to = date_to or fields.Date.context_today(self)
        domain = [("psa_billing_type", "!=", "non_billable")]
        if company:
            domain.append(("company_id", "in", (company.id, False)))
        # Archived projects too: their approved work is still to invoice.
        projects = (
            self.env["project.project"].with_context(active_test=False).search(domain)
        )
        entries = self._select_entries(projects, date_to)
        times = self._read_times(entries["timesheets"])
        entries["timesheets"] -= self._capped_out(entries["timesheets"], times)
        return self._entries_projects(entries, times).with_env(self.env)

    @api.model
    def _entries_projects(self, entries, times):
        """The projects of ``entries`` (``times``: see ``_lock_entries``)."""
        return self.env["project.project"].browse(
            sorted(
                {
                    project_id
                    for kind, records in entries.items()
                    for project_id, _id in self._entry_project_ids(kind, records, times)
                }
            )
        )

    @api.model
    def _entry_project_ids(self, kind, records, times):
        """``[(project id, entry id)]`` of ``records`` of ``kind``: read from
        the rows the lock read (``times``) for a kind that reads some, else
        from the records."""
        spec = self._psa_billable_kinds()[kind]
        if spec.row:
            return [(times[rid].project_id, rid) for rid in records.ids]
        return [(record[spec.project_field].id, record.id) for record in records]

    @api.model
    def _cron_invoice_due_projects(self, batch_size=CRON_BATCH_PROJECTS):
        """Scheduled action: invoice the projects whose invoicing frequency is
        due, up to the end of the last full period, ``batch_size`` projects per
        call. Odoo's cron runner calls it again, committing in between, while
        the progress it reports says that projects remain: memory stays flat
        whatever the number of entries, and a run killed half-way resumes at
        the first project it had not committed. A project skipped (bad
        configuration, held by another run, entries left behind) is logged,
        flagged with the reason and tried again the next day.

        Where OCA's ``queue_job`` is installed, each due project becomes a job
        instead (``_psa_enqueue_due_projects``)."""
        today = fields.Date.context_today(self)
        periods = self._due_periods(today)
        # Archived projects too: their approved work is still to invoice.
        Project = self.env["project.project"].with_context(active_test=False)
        domain = self._due_projects_domain(periods, today)
        if self.env["psa.queue.job.glue"]._available():
            return self._psa_enqueue_due_projects(Project.search(domain), periods)
        projects = Project.search(domain, order="id", limit=batch_size)
        moves = self.env["account.move"]
        busy = Project
        for (frequency, company), group in projects.grouped(
            lambda p: (p.psa_invoice_frequency, p.company_id)
        ).items():
            group_moves, group_busy = self._invoice_scheduled_safely(
                group.with_company(company), periods[frequency], today
            )
            moves |= group_moves
            busy |= group_busy
        remaining = Project.search_count(domain) if projects else 0
        # A project busy elsewhere is due still: the next call (a transaction
        # of its own) takes it again; no progress made ends the run.
        self.env["ir.cron"]._notify_progress(
            done=len(projects - busy), remaining=remaining
        )
        # The next batch starts from an empty cache (the runner keeps the env).
        self.env.flush_all()
        self.env.invalidate_all()
        return moves

    @api.model
    def _invoice_scheduled_safely(self, projects, date_to, today):
        """``_invoice_scheduled`` that survives a busy day: when another
        transaction changed a project since this run's snapshot (a user
        saving it), or holds a lock the run needs, the projects are invoiced
        one by one and those that conflict are left for the next call, not
        failing the scheduled job nor losing the rest of the run.

        :return: ``(invoices, projects left for the next call)``
        """
        try:
            with self.env.cr.savepoint():
                return self._invoice_scheduled(
                    projects, date_to, today
                ), projects.browse()
        except CONCURRENCY_ERRORS:
            self.env.invalidate_all()
        moves, busy = self.env["account.move"], projects.browse()
        for project in projects:
            try:
                with self.env.cr.savepoint():
                    moves |= self._invoice_scheduled(project, date_to, today)
            except CONCURRENCY_ERRORS as error:
                self.env.invalidate_all()
                busy |= project
                _logger.info(
                    "Scheduled invoicing left %s for its next call: %s",
                    project.display_name,
                    type(error).__name__,
                )
        return moves, busy

    @api.model
    def _invoice_scheduled(self, projects, date_to, today=None):
        """Invoice ``projects`` (of one company) up to ``date_to`` as the
        scheduled invoicing does: the period is done for those invoiced, the
        others are flagged with the reason. Returns the invoices."""
        today = today or fields.Date.context_today(self)
        company = projects.company_id[:1]
        result = self.with_company(company)._invoice_projects(
            projects.with_company(company), date_to=date_to
        )
        skipped = result["skipped"]
        projects.filtered(lambda p: p not in skipped).sudo().write(
            {"psa_last_invoice_date": date_to, "psa_invoice_skip_reason": False}
        )
        for project, reason in skipped.items():
            if self._flag_skipped(project, reason, today):
                _logger.warning(
                    "Scheduled invoicing skipped %s: %s", project.name, reason
                )
        return result["moves"]

    @api.model
    def _flag_skipped(self, project, reason, today):
        """Flag ``project`` as skipped today with ``reason``, unless another
        transaction holds or changed its row: then it is left unflagged, due
        still, for the next call. Returns whether it was flagged."""
        project.flush_recordset()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """
                        UPDATE project_project
                           SET psa_invoice_skipped_date = %(today)s,
                               psa_invoice_skip_reason = %(reason)s
                         WHERE id IN (SELECT id FROM project_project
                                       WHERE id = %(id)s
                                         FOR NO KEY UPDATE SKIP LOCKED)
                        """,
                        today=today,
                        reason=reason,
                        id=project.id,
                    ),
                    log_exceptions=False,
                )
                flagged = bool(self.env.cr.rowcount)
        except CONCURRENCY_ERRORS:
            flagged = False
        project.invalidate_recordset(
            ["psa_invoice_skipped_date", "psa_invoice_skip_reason"]
        )
        return flagged

    @api.model
    def _psa_enqueue_due_projects(self, projects, periods):
        """One ``queue_job`` job per due project, once: a project whose job is
        still waiting is not enqueued again (identity key), and two jobs of one
        project never bill an entry twice (the runs lock the project)."""
        Glue = self.env["psa.queue.job.glue"]
        for project in projects:
            date_to = periods[project.psa_invoice_frequency]
            Glue._delay(
                self.with_company(project.company_id),
                description=self.env._(
                    "Invoice %(project)s up to %(date)s",
                    project=project.display_name,
                    date=date_to,
                ),
                identity_key=f"psa_invoice:{project.id}:{date_to}",
            )._invoice_scheduled(project, date_to)
        return self.env["account.move"]

    @api.model
    def _due_periods(self, today):
        """``{frequency: last day of its last full period}``."""
        return {
            "weekly": today - timedelta(days=today.weekday() + 1),  # last Sunday
            "monthly": today.replace(day=1) - timedelta(days=1),
        }

    @api.model
    def _due_projects_domain(self, periods, today):
        """Projects due for scheduled invoicing and not skipped today."""
        due = expression.OR(
            [
                [
                    ("psa_invoice_frequency", "=", frequency),
                    "|",
                    ("psa_last_invoice_date", "=", False),
                    ("psa_last_invoice_date", "<", date_to),
                ]
                for frequency, date_to in periods.items()
            ]
        )
        return expression.AND(
            [
                due,
                [
                    "|",
                    ("psa_invoice_skipped_date", "=", False),
                    ("psa_invoice_skipped_date", "<", today),
                ],
            ]
        )

    @api.model
    def _result_action(self, result):
        """The invoices created, with a notice of the projects skipped."""
        moves, skipped = result["moves"], result["skipped"]
        message = "\n".join(skipped.values())
        if not moves:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": self.env._("Nothing invoiced"),
                    "message": message or self.env._("No approved entry is waiting."),
                    "type": "warning" if message else "info",
                    "sticky": bool(message),
                },
            }
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", moves.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        if len(moves) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=moves.id)
        if message:
            action = {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": self.env._("Some projects were skipped"),
                    "message": message,
                    "type": "warning",
                    "sticky": True,
                    "next": action,
                },
            }
        return action

    # ------------------------------------------------------------------
    # Steps (each overridable)
    # ------------------------------------------------------------------
    @api.model
    def _check_project(self, project, skipped, date_to=None):
        """Bad configuration is reported per project and never blocks the others."""
        company = project.company_id or self.env.company
        partner = project.partner_id.commercial_partner_id
        product = project._psa_invoice_product()
        reason = None
        if project.psa_billing_type == "non_billable":
            reason = self.env._(
                "%(project)s is not billable.", project=project.display_name
            )
        elif not partner:
            reason = self.env._(
                "%(project)s has no customer.", project=project.display_name
            )
        elif not partner.with_company(company).property_account_receivable_id:
            reason = self.env._(
                "The customer %(partner)s of %(project)s has no receivable account.",
                partner=partner.display_name,
                project=project.display_name,
            )
        elif not product.with_company(company)._get_product_accounts()["income"]:
            reason = self.env._(
                "The service product %(product)s of %(project)s has no income account.",
                product=product.display_name,
                project=project.display_name,
            )
        elif project.psa_currency_id != company.currency_id and not self.env[
            "res.currency.rate"
        ].search_count(
            [
                ("currency_id", "=", project.psa_currency_id.id),
                ("company_id", "in", (company.id, False)),
            ],
            limit=1,
        ):
            reason = self.env._(
                "%(project)s is billed in %(currency)s, which has no exchange rate.",
                project=project.display_name,
                currency=project.psa_currency_id.name,
            )
        else:
            reason = project._psa_billing_schedule_problem(date_to)
        if reason:
            skipped[project] = reason
        return not reason

    @api.model
    def _lock_projects(self, projects, skipped):
        """Take each project for this run: its row is locked and updated (to
        itself), so that one run at a time invoices a project. A project
        another run holds is skipped, not waited for; a run whose snapshot
        predates another run's commit fails to serialize (and is retried by
        Odoo with a fresh one): what it read of the project's invoices (its
        cap) would be stale.

        :return: the projects taken
        """
        if not projects:
            return projects
        projects.flush_recordset(["psa_last_invoice_date"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE project_project
                   SET psa_last_invoice_date = psa_last_invoice_date
                 WHERE id IN (
                        SELECT id FROM project_project
                         WHERE id = ANY(%s)
                         ORDER BY id
                           FOR NO KEY UPDATE SKIP LOCKED)
             RETURNING id
                """,
                projects.ids,
            ),
            # A run whose snapshot is stale fails here, as it should: Odoo
            # retries the request, the scheduled run leaves the project for
            # its next call. Neither is an error worth logging.
            log_exceptions=False,
        )
        taken = {row[0] for row in self.env.cr.fetchall()}
        for project in projects:
            if project.id not in taken:
                skipped[project] = self.env._(
                    "%(project)s is being invoiced by another run; try again.",
                    project=project.display_name,
                )
        return projects.filtered(lambda p: p.id in taken)

    @api.model
    def _psa_billable_kinds(self):
        """``{kind: BillableKind}``, in invoice order: what can be billed.

        A module adds a kind without editing the engine's steps: it extends
        this mapping (``{**super()._psa_billable_kinds(), "retainers":
        BillableKind("x.retainer", "retainer_id", "_x_retainers_domain",
        "_x_retainer_lines")}``), implements the methods its spec names (or
        gives functions), and adds the Many2one ``link_field``
        (``ondelete="restrict"``) to ``psa.invoice.link``; the link's columns,
        its one-entry CHECK and its one-live-link indexes follow this mapping
        (``tests/test_invoicing_hooks.py`` adds a monthly retainer so).
        """
        return {
            "timesheets": BillableKind(
                "account.analytic.line",
                "timesheet_id",
                "_psa_timesheets_domain",
                "_psa_timesheet_lines",
                mark="_psa_mark_timesheets",
                still_open=SQL("psa_state = 'approved'"),
                columns=TIME_COLUMNS,
                row=Time,
            ),
            "expenses": BillableKind(
                "hr.expense",
                "expense_id",
                "_psa_expenses_domain",
                "_psa_expense_lines",
                project_field="psa_project_id",
            ),
            "installments": BillableKind(
                "psa.project.installment",
                "installment_id",
                "_psa_installments_domain",
                "_psa_installment_lines",
            ),
            "milestones": BillableKind(
                "project.milestone",
                "milestone_id",
                "_psa_milestones_domain",
                "_psa_milestone_lines",
                date_field="reached_date",
            ),
        }

    @api.model
    def _psa_kind_call(self, method, *args):
        """Call a billable kind's ``method``: the name of an engine method, or
        a function taking the engine first."""
        if isinstance(method, str):
            return getattr(self, method)(*args)
        return method(self, *args)

    @api.model
    def _select_entries(self, projects, date_to):
        """``{kind: records}`` billable now, by each kind's domain: approved
        time of time & materials projects, due installments of fixed-price
        ones, reached milestones of milestone ones, re-billable expenses of
        all. Billing users read every timesheet; the rest is read on their
        behalf."""
        return {
            kind: self.env[spec.model]
            .sudo()
            .search(self._psa_kind_call(spec.domain, projects, date_to), order="id")
            for kind, spec in self._psa_billable_kinds().items()
        }

    @api.model
    def _psa_timesheets_domain(self, projects, date_to):
        projects = projects.filtered(lambda p: p.psa_billing_type == "time_material")
        return [
            ("project_id", "in", projects.ids),
            ("psa_state", "=", "approved"),
            ("psa_billable", "=", True),
            ("psa_cap_decision", "!=", "write_off"),
            ("date", "<=", date_to),
        ]

    @api.model
    def _psa_expenses_domain(self, projects, date_to):
        # The billing state is derived again from its facts: an approved
        # report, re-billed, not invoiced yet.
        return [
            ("psa_project_id", "in", projects.ids),
            ("psa_rebillable", "=", True),
            ("psa_invoiced", "=", False),
            ("sheet_id.state", "in", ("approve", "post", "done")),
            ("date", "<=", date_to),
        ]

    @api.model
    def _psa_installments_domain(self, projects, date_to):
        projects = projects.filtered(lambda p: p.psa_billing_type == "fixed_price")
        return [
            ("project_id", "in", projects.ids),
            ("psa_invoiced", "=", False),
            ("date", "<=", date_to),
        ]

    @api.model
    def _psa_milestones_domain(self, projects, date_to):
        projects = projects.filtered(lambda p: p.psa_billing_type == "milestone")
        return [
            ("project_id", "in", projects.ids),
            ("psa_invoiced", "=", False),
            ("is_reached", "=", True),
            # Reached in the period: a later milestone waits for its run.
            ("reached_date", "<=", date_to),
        ]

    @api.model
    def _lock_entries(self, entries, skipped=None):
        """Lock the rows in id order; rows another transaction holds (an edit,
        a decision on capped time) are left to it, and their projects are
        reported in ``skipped``: not invoiced up to the date, they are due again
        at the next run, which bills the rows left behind.

        :return: ``(entries locked, {timesheet id: Time})``: the timesheets'
            lock reads what invoicing needs of them
        """
        self.env.flush_all()
        locked, times = {}, {}
        left = defaultdict(int)  # project: entries not locked
        kinds = self._psa_billable_kinds()
        for kind, records in entries.items():
            if not records:
                locked[kind] = records
                continue
            spec = kinds[kind]
            self.env.cr.execute(
                SQL(
                    "SELECT %s FROM %s WHERE id = ANY(%s::integer[]) AND %s"
                    " ORDER BY id FOR UPDATE SKIP LOCKED",
                    spec.columns,
                    SQL.identifier(records._table),
                    # An array literal: psycopg2 adapts a list id by id, slowly.
                    "{" + ",".join(map(str, records.ids)) + "}",
                    spec.still_open,
                ),
                log_exceptions=False,  # a stale snapshot: see _lock_projects
            )
            rows = self.env.cr.fetchall()
            if spec.row:
                times.update((row[0], spec.row._make(row)) for row in rows)
            ids = {row[0] for row in rows}
            locked[kind] = records.browse([rid for rid in records.ids if rid in ids])
            missing = records - locked[kind]
            for record in missing:
                left[record[spec.project_field]] += 1
        if skipped is not None:
            for project, count in left.items():
                skipped[project] = self.env._(
                    "%(count)s entries of %(project)s are being changed by another "
                    "transaction and were not invoiced; invoice it again later.",
                    count=count,
                    project=project.display_name,
                )
        return locked, times

    @api.model
    def _apply_caps(self, timesheets, times):
        """Time & materials caps: in date order, time that would take a project
        beyond its cap (amount or hours, counting what is already invoiced) is
        held for a billing user's decision; the rest is billed, and no longer
        shown as held (the cap was raised or removed)."""
        held = self._capped_out(timesheets, times)
        # Shown to billing users (filter "Held by Cap") until they decide.
        self._set_cap_held(held, held=True)
        self._set_cap_held(timesheets - held, held=False)
        return timesheets - held

    @api.model
    def _capped_out(self, timesheets, times):
        """The timesheets of ``timesheets`` a cap holds (read only)."""
        by_project = defaultdict(list)
        for line_id in timesheets.ids:
            by_project[times[line_id].project_id].append(times[line_id])
        capped = (
            timesheets.env["project.project"]
            .browse(sorted(by_project))
            .filtered(lambda p: p.psa_cap_type != "none")
        )
        if not capped:
            return timesheets.browse()
        invoiced = defaultdict(lambda: [0.0, 0.0])
        self.env["psa.invoice.link"].flush_model()
        self.env["account.analytic.line"].flush_model(["project_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT line.project_id, COALESCE(link.hours, 0),
                       COALESCE(link.amount, 0)
                  FROM psa_invoice_link link
                  JOIN account_analytic_line line ON line.id = link.timesheet_id
                 WHERE line.project_id = ANY(%s) AND link.state = 'invoiced'
                 ORDER BY link.move_id, link.move_line_id, link.id
                """,
                capped.ids,
            )
        )
        for project_id, hours, amount in self.env.cr.fetchall():
            totals = invoiced[project_id]
            totals[0] += hours
            totals[1] += amount
        held = []
        for project in capped:
            hours, amount = invoiced.get(project.id, (0.0, 0.0))
            exceeded = False
            for time in sorted(by_project[project.id], key=lambda t: (t.date, t.id)):
                if time.decision == "bill":
                    continue
                hours += time.hours
                amount += time.amount
                exceeded = exceeded or (
                    hours > project.psa_cap_hours + 0.005
                    if project.psa_cap_type == "hours"
                    else project.psa_currency_id.compare_amounts(
                        amount, project.psa_cap_amount
                    )
                    > 0
                )
                if exceeded:
                    held.append(time.id)
        return timesheets.browse(held)

    @api.model
    def _set_cap_held(self, timesheets, held):
        """Flag (or clear) "Held by Cap" on ``timesheets`` (locked by this
        run) in one UPDATE, touching only the rows that change."""
        if not timesheets:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE account_analytic_line SET psa_cap_held = %s"
                " WHERE id = ANY(%s::integer[]) AND psa_cap_held IS %s TRUE"
                " RETURNING id",
                held,
                # An array literal: psycopg2 adapts a list id by id, slowly.
                "{" + ",".join(map(str, timesheets.ids)) + "}",
                SQL("NOT") if held else SQL(""),
            )
        )
        changed = timesheets.browse([row[0] for row in self.env.cr.fetchall()])
        changed.invalidate_recordset(["psa_cap_held"])
        changed.modified(["psa_cap_held"])

    @api.model
    def _group_entries(self, entries, grouping, times, per_project=False):
        """``{invoice key: {kind: records}}``, one invoice per key, in the order
        the groups are met. An invoice key starts with the invoice's
        ``(partner, currency, company)``: see ``_invoice_grouping_key``
        (bypassed with ``per_project``: the key ends with the project)."""
        pairs = {
            kind: self._entry_project_ids(kind, records, times)
            for kind, records in entries.items()
        }
        projects = (
            self.env["project.project"]
            .sudo()
            .browse({pid for kind_pairs in pairs.values() for pid, _id in kind_pairs})
        )
        key_of = {}
        for project in projects:
            key = (
                project.partner_id.commercial_partner_id,
                project.psa_currency_id,
                project.company_id or self.env.company,
            )
            key_of[project.id] = (
                (*key, project)
                if per_project
                else self._invoice_grouping_key(project, *key, grouping)
            )
        groups = {}  # key: {kind: [ids]}, in the order the groups are met
        group_of = {}  # project id: its group (keys hashed once per project)
        for kind, kind_pairs in pairs.items():
            for project_id, record_id in kind_pairs:
                group = group_of.get(project_id)
                if group is None:
                    group = group_of[project_id] = groups.setdefault(
                        key_of[project_id], defaultdict(list)
                    )
                group[kind].append(record_id)
        # Recordsets built once from id lists (unions in the loop are quadratic).
        return {
            key: {
                kind: self.env[spec.model].sudo().browse(group[kind])
                for kind, spec in self._psa_billable_kinds().items()
            }
            for key, group in groups.items()
        }

    @api.model
    def _invoice_grouping_key(self, project, partner, currency, company, grouping):
        """Which invoice the entries of ``project`` go on: entries of equal
        keys share one. A hashable tuple starting with the invoice's
        ``(partner, currency, company)``; what follows is free (by default the
        project with ``grouping == "project"``, else nothing: one invoice per
        customer, currency and company)."""
        return (partner, currency, company, project if grouping == "project" else False)

    @api.model
    def _create_invoices(self, groups, detail, times, annex=None):
        """One invoice per group: ``_prepare_invoice_vals`` (which may bring
        lines of its own), then the planned lines, each carrying its plan key
        (``psa_plan_key``) by which ``_link_entries`` finds it."""
        plans = []  # (invoice vals, {plan key: LinePlan})
        keys = itertools.count(1)
        for key, entries in groups.items():
            partner, currency, company = key[:3]
            line_plans = self._plan_lines(entries, currency, company, detail, times)
            projects = self._entries_projects(entries, times)
            invoice_vals = self._prepare_invoice_vals(
                partner, currency, company, projects
            )
            # The billing user's choice for this run, or the projects' setting.
            invoice_vals["psa_invoice_annex"] = (
                any(projects.mapped("psa_invoice_annex")) if annex is None else annex
            )
            keyed = {next(keys): plan for plan in line_plans}
            invoice_vals["invoice_line_ids"] = [
                *invoice_vals.get("invoice_line_ids", ()),
                *(
                    Command.create({**plan.vals, "psa_plan_key": plan_key})
                    for plan_key, plan in keyed.items()
                ),
            ]
            plans.append((invoice_vals, keyed))
        Move = self.env["account.move"].with_context(default_move_type="out_invoice")
        moves = Move.create([vals for vals, _keyed in plans])
        self._link_entries(moves, [keyed for _vals, keyed in plans])
        return moves

    @api.model
    def _prepare_invoice_vals(self, partner, currency, company, projects):
        """The values of one invoice of ``projects``' entries. An override may
        add lines (``invoice_line_ids``: ``Command.create`` values): the
        engine's lines come after them; a line that bills no entry has no
        link."""
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "currency_id": currency.id,
            "company_id": company.id,
            "invoice_date": False,
            "invoice_origin": ", ".join(projects.sorted("name").mapped("name")),
            "invoice_payment_term_id": partner.with_company(
                company
            ).property_payment_term_id.id,
            "fiscal_position_id": self.env["account.fiscal.position"]
            .with_company(company)
            ._get_fiscal_position(partner)
            .id,
        }

    @api.model
    def _timesheet_line_key(self, time, detail):
        """What one invoice line gathers (ids), by the project's line detail;
        always per rate so that quantity x unit price is the amount billed."""
        key = {
            "employee": time.employee_id,
            "role": time.role_id,
            "task": time.task_id,
            "entry": time.id,
            "summary": False,
        }[detail]
        return (time.project_id, key, time.rate)

    @api.model
    def _hours_label(self, hours):
        """Hours as the invoice, its annex and credit notes write them: decimal
        with two places, in the user's language ("48.25 h")."""
        return self.env._("%(hours)s h", hours=formatLang(self.env, hours, digits=2))

    @api.model
    def _period_label(self, first, last=None):
        """The service period of an invoice line: "1 Nov 2026 to 30 Nov 2026",
        or the day ("3 Nov 2026")."""
        start = format_date(self.env, first, date_format="d MMM y")
        if not last or last == first:
            return start
        return self.env._(
            "%(start)s to %(end)s",
            start=start,
            end=format_date(self.env, last, date_format="d MMM y"),
        )

    @api.model
    def _timesheet_line_name(self, project, key, hours, detail, dates=()):
        """``Project: what, 48.25 h — 1 Nov 2026 to 30 Nov 2026`` (``dates``:
        those of the timesheets the line bills)."""
        if detail == "entry":
            label = ", ".join(name for name in (key.employee_id.name, key.name) if name)
            dates = dates or [key.date]
        else:
            label = key.display_name if key else self.env._("services")
        return self.env._(
            "%(project)s: %(label)s, %(hours)s — %(period)s",
            project=project.name,
            label=label,
            hours=self._hours_label(hours),
            period=self._period_label(min(dates), max(dates)),
        )

    @api.model
    def _expense_line_name(self, expense):
        """The full label of a re-billed expense: what, its category, who and
        when (never cut)."""
        what = expense.name or expense.product_id.name or ""
        category = expense.product_id.name
        if category and category != what:
            what = f"{what} ({category})"
        return self.env._(
            "%(project)s: expense %(expense)s, %(employee)s — %(date)s",
            project=expense.psa_project_id.name,
            expense=what,
            employee=expense.employee_id.name or "",
            date=self._period_label(expense.date),
        )

    @api.model
    def _prepare_expense_line_vals(self, expense, amount, company):
        """A re-billed expense's line: the company's re-bill product, or the
        expense's own category (income account and sales taxes from it)."""
        vals = self._prepare_line_vals(
            expense.psa_project_id, self._expense_line_name(expense), 1.0, amount
        )
        vals["product_id"] = company._psa_rebill_product(expense).id
        return vals

    @api.model
    def _gather_times(self, timesheets, detail, times):
        """``[(project, key, rate, line detail, [Time])]``, one per invoice
        line, in invoice order: the timesheets gathered on ids by
        ``_timesheet_line_key``, then the key records browsed together (their
        names are read in batch)."""
        projects = (
            self.env["project.project"]
            .sudo()
            .browse(sorted({times[line_id].project_id for line_id in timesheets.ids}))
        )
        details = {
            project.id: detail or project.psa_invoice_detail for project in projects
        }
        gathered = defaultdict(list)
        for line_id in timesheets.ids:
            time = times[line_id]
            line_detail = details[time.project_id]
            gathered[self._timesheet_line_key(time, line_detail), line_detail].append(
                time
            )
        key_ids = defaultdict(set)  # model: ids of the key records
        for (_project_id, key_id, _rate), line_detail in gathered:
            if DETAIL_MODELS[line_detail] and key_id:
                key_ids[DETAIL_MODELS[line_detail]].add(key_id)
        records = {("project.project", project.id): project for project in projects}
        for model, ids in key_ids.items():
            records.update(
                ((model, record.id), record)
                for record in self.env[model].sudo().browse(ids)
            )
        lines = []
        for ((project_id, key_id, rate), line_detail), line_times in gathered.items():
            model = DETAIL_MODELS[line_detail]
            key = False
            if model:  # no key id (a line without task): an empty recordset
                key = records.get((model, key_id)) or self.env[model].sudo()
            project = records["project.project", project_id]
            lines.append((project, key, rate, line_detail, line_times))
        return sorted(
            lines,
            key=lambda line: (
                line[0].name,
                line[1].display_name if line[1] else "",
                line[2],
            ),
        )

    @api.model
    def _plan_lines(self, entries, currency, company, detail, times):
        """``[LinePlan]`` of one invoice, kind after kind (each kind's
        ``lines`` method), each line's values passed through
        ``_prepare_invoice_line``."""
        plans = []
        for kind, spec in self._psa_billable_kinds().items():
            records = entries.get(kind)
            if not records:
                continue
            for plan in self._psa_kind_call(
                spec.lines, records, currency, company, detail, times
            ):
                vals = self._prepare_invoice_line(kind, plan, currency, company)
                plans.append(plan._replace(vals=vals, kind=kind))
        return plans

    @api.model
    def _prepare_invoice_line(self, kind, plan, currency, company):
        """The values of one planned invoice line (``plan``: a ``LinePlan`` of
        ``kind``, its entries in hand), as it will be created: the place to
        change every line the engine makes. Returns the values."""
        return plan.vals

    @api.model
    def _psa_timesheet_lines(self, timesheets, currency, company, detail, times):
        """Timesheets gathered by the line detail (project setting, or
        ``detail``), one line per project, key and rate."""
        plans = []
        for project, key, rate, line_detail, line_times in self._gather_times(
            timesheets, detail, times
        ):
            hours = float_round(sum(time.hours for time in line_times), 2)
            name = self._timesheet_line_name(
                project,
                key,
                hours,
                line_detail,
                dates=[time.date for time in line_times],
            )
            plans.append(
                LinePlan(
                    self._prepare_line_vals(project, name, hours, rate),
                    timesheets.browse([time.id for time in line_times]),
                    [time.hours for time in line_times],
                )
            )
        return plans

    @api.model
    def _psa_expense_lines(self, expenses, currency, company, detail, times):
        """One line per re-billed expense, in the invoice currency."""
        plans = []
        for expense in expenses:
            amount = expense.currency_id._convert(
                expense._psa_derive_rebill_amount(), currency, company, expense.date
            )
            vals = self._prepare_expense_line_vals(expense, amount, company)
            plans.append(LinePlan(vals, expense, None))
        return plans

    @api.model
    def _psa_installment_lines(self, installments, currency, company, detail, times):
        """One line per due installment, by due date."""
        return [
            self._psa_fixed_amount_line(
                installment,
                self._psa_fixed_line_name(installment, installment.date),
                installment.amount,
            )
            for installment in installments.sorted("date")
        ]

    @api.model
    def _psa_milestone_lines(self, milestones, currency, company, detail, times):
        """One line per reached milestone."""
        return [
            self._psa_fixed_amount_line(
                milestone,
                self._psa_fixed_line_name(milestone, milestone.reached_date, True),
                milestone.psa_invoice_amount,
            )
            for milestone in milestones
        ]

    @api.model
    def _psa_fixed_line_name(self, record, date, reached=False):
        """ "Project: Go-live — due 3 Mar 2030" (an installment) or "Project:
        milestone Design — reached 3 Mar 2030"."""
        values = {
            "project": record.project_id.name,
            "name": record.name,
            "date": self._period_label(date),
        }
        if reached:
            return self.env._(
                "%(project)s: milestone %(name)s — reached %(date)s", **values
            )
        return self.env._("%(project)s: %(name)s — due %(date)s", **values)

    @api.model
    def _psa_fixed_amount_line(self, record, name, amount, project=None):
        """The ``LinePlan`` billing ``record`` (of a project, or ``project``)
        for a fixed ``amount``: one line of quantity 1."""
        project = project or record.project_id
        return LinePlan(
            self._prepare_line_vals(project, name, 1.0, amount), record, None
        )

    @api.model
    def _prepare_line_vals(self, project, name, quantity, price_unit):
        product = project._psa_invoice_product()
        return {
            "product_id": product.id,
            "name": name,
            "quantity": quantity,
            "price_unit": price_unit,
            "analytic_distribution": {str(project.account_id.id): 100}
            if project.account_id
            else False,
        }

    @api.model
    def _link_entries(self, moves, plans_per_move):
        """Record which entries each invoice line bills (its kind's
        ``link_vals``), then mark the entries invoiced.

        :param plans_per_move: per move, ``{plan key: LinePlan}``: a planned
            line is found on its move by its key (``psa_plan_key``), whatever
            other lines the move has; a line that bills no entry has no link
        """
        links = []
        billed = defaultdict(list)
        kinds = self._psa_billable_kinds()
        for move, keyed in zip(moves, plans_per_move, strict=True):
            move_lines = {
                line.psa_plan_key: line for line in move.line_ids if line.psa_plan_key
            }
            for plan_key, plan in keyed.items():
                if not plan.records:
                    continue
                billed[plan.kind] += plan.records.ids
                spec = kinds[plan.kind]
                links += self._psa_kind_call(
                    spec.link_vals, spec, move_lines[plan_key], plan
                )
        self.env["psa.invoice.link"]._insert(links)
        self._mark(
            {
                kind: self.env[spec.model].sudo().browse(billed[kind])
                for kind, spec in kinds.items()
            },
            invoiced=True,
        )

    @api.model
    def _prepare_link_vals(self, spec, move_line, plan):
        """The links of one invoice line (``plan``, of the kind ``spec``): its
        subtotal split over its entries so that the shares add up to the cent,
        by their billed hours (which the links record) or evenly."""
        link_field = spec.link_field
        weights = plan.hours if plan.hours is not None else [1.0] * len(plan.records)
        shares = split_by_weights(
            move_line.price_subtotal, weights, move_line.currency_id.rounding
        )
        links = [
            {"move_line_id": move_line.id, link_field: entry_id, "amount": share}
            for entry_id, share in zip(plan.records.ids, shares, strict=True)
        ]
        if plan.hours is not None:
            for link, hours in zip(links, plan.hours, strict=True):
                link["hours"] = hours
        return links

    @api.model
    def _mark(self, billed, invoiced):
        """Entries (``{kind: records}``) invoiced, or back to "to invoice"."""
        kinds = self._psa_billable_kinds()
        for kind, records in billed.items():
            self._psa_kind_call(kinds[kind].mark, records, invoiced)

    @api.model
    def _psa_mark_timesheets(self, timesheets, invoiced):
        timesheets._psa_write_state(
            {"psa_state": "invoiced" if invoiced else "approved"}
        )

    @api.model
    def _psa_mark_flag(self, records, invoiced):
        records.sudo().write({"psa_invoiced": invoiced})

    @api.model
    def _linked(self, links):
        """``{kind: the records of links}``"""
        return {
            kind: links[spec.link_field].sudo()
            for kind, spec in self._psa_billable_kinds().items()
        }

    @api.model
    def _psa_taken(self, kind, records):
        """The records of ``records`` no longer to invoice (their kind's
        ``still_open`` condition is false)."""
        if not records:
            return records
        records.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id = ANY(%s) AND NOT COALESCE(%s, FALSE)",
                SQL.identifier(records._table),
                records.ids,
                self._psa_billable_kinds()[kind].still_open,
            )
        )
        taken = {row[0] for row in self.env.cr.fetchall()}
        return records.filtered(lambda record: record.id in taken)

    # ------------------------------------------------------------------
    # Releasing entries (cancelled, deleted or fully credited invoices)
    # ------------------------------------------------------------------
    @api.model
    def _release(self, links, state, credit_move=None):
        """Entries of ``links`` go back to "to invoice"; the links keep the
        history (``cancelled`` or ``credited``). The addon's own bookkeeping:
        done with sudo, whoever cancels or credits the invoice in Invoicing."""
        links = links.sudo().filtered(lambda link: link.state == "invoiced")
        if not links:
            return
        links.write(
            {"state": state, "credit_move_id": credit_move.id if credit_move else False}
        )
        self._mark(self._linked(links), invoiced=False)

    @api.model
    def _reclaim(self, links):
        """A cancelled invoice set back to draft bills its entries again, unless
        they were invoiced elsewhere meanwhile."""
        links = links.sudo().filtered(lambda link: link.state == "cancelled")
        if not links:
            return
        linked = self._linked(links)
        names = [
            name
            for kind, records in linked.items()
            for name in self._psa_taken(kind, records).mapped("display_name")
        ]
        if names:
            raise UserError(
                self.env._(
                    "Some entries of this invoice were invoiced again since it was "
                    "cancelled; create a new invoice instead:\n%(entries)s",
                    entries="\n".join(names[:20]),
                )
            )
        links.write({"state": "invoiced"})
        self._mark(linked, invoiced=True)
