# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoicing engine: not-to-exceed caps of time & materials projects.
Time beyond a cap is held for a billing user's decision (*Bill Anyway* /
*Write Off*, on the timesheets: account_analytic_line_invoicing.py)."""

from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL


# One file per concept of the engine, on purpose (the run is in
# psa_invoicing_engine.py).
# pylint: disable=consider-merging-classes-inherited
class PsaInvoicingEngine(models.AbstractModel):
    _inherit = "psa.invoicing.engine"

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
