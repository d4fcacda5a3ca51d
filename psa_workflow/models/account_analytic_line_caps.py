# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets, caps: not-to-exceed caps of time & materials projects. A run
holds the time beyond a project's cap; a billing user then bills it anyway or
writes it off."""

from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .psa_write_policy import SERVER


# One class per stage of the timesheet's flow, on purpose (the base class is
# in account_analytic_line.py).
# pylint: disable=consider-merging-classes-inherited
class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    psa_cap_held = fields.Boolean(
        string="Held by Cap",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Beyond the project's not-to-exceed cap: not invoiced until a billing "
        "user bills it anyway or writes it off.",
        psa_write=SERVER,
    )
    psa_cap_decision = fields.Selection(
        selection=[("bill", "Bill anyway"), ("write_off", "Written off")],
        string="Cap Decision",
        readonly=True,
        copy=False,
        psa_write=SERVER,
    )

    def _psa_apply_caps(self, times):
        """Time & materials caps, as a run applies them to these timesheets
        (locked by it; ``times``: what the lock read of them): in date order,
        time that would take a project beyond its cap (amount or hours,
        counting what is already invoiced) is held for a billing user's
        decision; the rest is billed, and no longer shown as held (the cap
        was raised or removed). Returns the timesheets to bill."""
        held = self._psa_capped_out(times)
        # Shown to billing users (filter "Held by Cap") until they decide.
        held._psa_set_cap_held(True)
        (self - held)._psa_set_cap_held(False)
        return self - held

    def _psa_capped_out(self, times):
        """The timesheets of these a cap holds (read only; ``times``: their
        values read by the run, ``{id: Time}``)."""
        by_project = defaultdict(list)
        for line_id in self.ids:
            by_project[times[line_id].project_id].append(times[line_id])
        capped = (
            self.env["project.project"]
            .browse(sorted(by_project))
            .filtered(lambda p: p.psa_cap_type != "none")
        )
        if not capped:
            return self.browse()
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
        return self.browse(held)

    def _psa_set_cap_held(self, held):
        """Flag (or clear) "Held by Cap" on these timesheets (locked by the
        run) in one UPDATE, touching only the rows that change."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE account_analytic_line SET psa_cap_held = %s"
                " WHERE id = ANY(%s::integer[]) AND psa_cap_held IS %s TRUE"
                " RETURNING id",
                held,
                # An array literal: psycopg2 adapts a list id by id, slowly.
                "{" + ",".join(map(str, self.ids)) + "}",
                SQL("NOT") if held else SQL(""),
            )
        )
        changed = self.browse([row[0] for row in self.env.cr.fetchall()])
        changed.invalidate_recordset(["psa_cap_held"])
        changed.modified(["psa_cap_held"])

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
