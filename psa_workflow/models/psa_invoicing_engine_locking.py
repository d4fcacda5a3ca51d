# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoicing engine: one run at a time per project, and entries locked
in a stable order (rows another transaction holds are left to it); what the
lock reads of the timesheets."""

from collections import defaultdict

import psycopg2.errors

from odoo import api, models
from odoo.tools import SQL

from .psa_invoicing_engine import TIME_COLUMNS, Time


# One file per concept of the engine, on purpose (the run is in
# psa_invoicing_engine.py).
# pylint: disable=consider-merging-classes-inherited
class PsaInvoicingEngine(models.AbstractModel):
    _inherit = "psa.invoicing.engine"

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
    def _lock_entries(self, run, entries):
        """Lock the rows in id order; rows another transaction holds (an edit,
        a decision on capped time) are left to it, and their projects are
        reported in ``run.skipped``: not invoiced up to the date, they are due
        again at the next run, which bills the rows left behind.

        :return: the entries locked; the timesheets' lock reads what invoicing
            needs of them into ``run.times``
        """
        self.env.flush_all()
        locked = {}
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
                run.times.update((row[0], spec.row._make(row)) for row in rows)
            ids = {row[0] for row in rows}
            locked[kind] = records.browse([rid for rid in records.ids if rid in ids])
            missing = records - locked[kind]
            for record in missing:
                left[record[spec.project_field]] += 1
        for project, count in left.items():
            run.skipped[project] = self.env._(
                "%(count)s entries of %(project)s are being changed by another "
                "transaction and were not invoiced; invoice it again later.",
                count=count,
                project=project.display_name,
            )
        return locked

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
