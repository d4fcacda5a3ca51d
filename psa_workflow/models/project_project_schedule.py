# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Projects, scheduled invoicing: the daily job invoices the projects whose
weekly or monthly invoicing is due (as OCA's ``contract`` does its
``_cron_recurring_create``), in batches that survive a busy day, or as one
``queue_job`` job per project where OCA's queue_job is installed."""

import logging
from datetime import timedelta

import psycopg2.errors

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Projects invoiced per call of the scheduled action (one transaction each).
CRON_BATCH_PROJECTS = 50
# What another transaction working on the same rows can make a run meet.
CONCURRENCY_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.DeadlockDetected,
)


# One class per concern of the project, on purpose (the base class is in
# project_project.py).
# pylint: disable=consider-merging-classes-inherited
class ProjectProject(models.Model):
    _inherit = "project.project"

    @api.model
    def _cron_psa_invoice_due(self, batch_size=CRON_BATCH_PROJECTS):
        """Scheduled action: invoice the projects whose invoicing frequency is
        due, up to the end of the last full period, ``batch_size`` projects per
        call. Odoo's cron runner calls it again, committing in between, while
        the progress it reports says that projects remain: memory stays flat
        whatever the number of entries, and a run killed half-way resumes at
        the first project it had not committed. A project skipped (bad
        configuration, held by another run, entries left behind) is logged,
        flagged with the reason and tried again the next day.

        Where OCA's ``queue_job`` is installed, each due project becomes a job
        instead (``_psa_enqueue_invoicing``). Returns the invoices created."""
        today = fields.Date.context_today(self)
        periods = self._psa_due_periods(today)
        # Archived projects too: their approved work is still to invoice.
        Project = self.with_context(active_test=False)
        domain = self._psa_due_domain(periods, today)
        if self.env["psa.queue.job.glue"]._available():
            return Project.search(domain)._psa_enqueue_invoicing(periods)
        projects = Project.search(domain, order="id", limit=batch_size)
        moves = self.env["account.move"]
        busy = Project.browse()
        for (frequency, company), group in projects.grouped(
            lambda p: (p.psa_invoice_frequency, p.company_id)
        ).items():
            group_moves, group_busy = group.with_company(
                company
            )._psa_invoice_scheduled_safely(periods[frequency], today)
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
    def _psa_due_periods(self, today):
        """``{frequency: last day of its last full period}``."""
        return {
            "weekly": today - timedelta(days=today.weekday() + 1),  # last Sunday
            "monthly": today.replace(day=1) - timedelta(days=1),
        }

    @api.model
    def _psa_due_domain(self, periods, today):
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

    def _psa_invoice_scheduled_safely(self, date_to, today):
        """``_psa_invoice_scheduled`` that survives a busy day: when another
        transaction changed a project since this run's snapshot (a user
        saving it), or holds a lock the run needs, the projects are invoiced
        one by one and those that conflict are left for the next call, not
        failing the scheduled job nor losing the rest of the run.

        :return: ``(invoices, projects left for the next call)``
        """
        try:
            with self.env.cr.savepoint():
                return self._psa_invoice_scheduled(date_to, today), self.browse()
        except CONCURRENCY_ERRORS:
            self.env.invalidate_all()
        moves, busy = self.env["account.move"], self.browse()
        for project in self:
            try:
                with self.env.cr.savepoint():
                    moves |= project._psa_invoice_scheduled(date_to, today)
            except CONCURRENCY_ERRORS as error:
                self.env.invalidate_all()
                busy |= project
                _logger.info(
                    "Scheduled invoicing left %s for its next call: %s",
                    project.display_name,
                    type(error).__name__,
                )
        return moves, busy

    def _psa_invoice_scheduled(self, date_to, today=None):
        """Invoice these projects (of one company) up to ``date_to`` as the
        scheduled invoicing does: the period is done for those invoiced, the
        others are flagged with the reason. Returns the invoices."""
        today = today or fields.Date.context_today(self)
        company = self.company_id[:1]
        result = (
            self.env["psa.invoicing.engine"]
            .with_company(company)
            ._invoice_projects(self.with_company(company), date_to=date_to)
        )
        skipped = result["skipped"]
        self.filtered(lambda p: p not in skipped).sudo().write(
            {"psa_last_invoice_date": date_to, "psa_invoice_skip_reason": False}
        )
        for project, reason in skipped.items():
            if project._psa_flag_invoice_skipped(reason, today):
                _logger.warning(
                    "Scheduled invoicing skipped %s: %s", project.name, reason
                )
        return result["moves"]

    def _psa_flag_invoice_skipped(self, reason, today):
        """Flag this project as skipped today with ``reason``, unless another
        transaction holds or changed its row: then it is left unflagged, due
        still, for the next call. Returns whether it was flagged."""
        self.ensure_one()
        self.flush_recordset()
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
                        id=self.id,
                    ),
                    log_exceptions=False,
                )
                flagged = bool(self.env.cr.rowcount)
        except CONCURRENCY_ERRORS:
            flagged = False
        self.invalidate_recordset(
            ["psa_invoice_skipped_date", "psa_invoice_skip_reason"]
        )
        return flagged

    def _psa_enqueue_invoicing(self, periods):
        """One ``queue_job`` job per due project, once: a project whose job is
        still waiting is not enqueued again (identity key), and two jobs of one
        project never bill an entry twice (the runs lock the project)."""
        Glue = self.env["psa.queue.job.glue"]
        for project in self:
            date_to = periods[project.psa_invoice_frequency]
            Glue._delay(
                project.with_company(project.company_id),
                description=self.env._(
                    "Invoice %(project)s up to %(date)s",
                    project=project.display_name,
                    date=date_to,
                ),
                identity_key=f"psa_invoice:{project.id}:{date_to}",
            )._psa_invoice_scheduled(date_to)
        return self.env["account.move"]
