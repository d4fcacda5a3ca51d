# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoicing engine, as *Create Invoices* shows it: the projects with
work waiting, the preview of a run (the invoices it would create, computed by
the run's own steps, nothing written, nothing locked) and the notice of its
result."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import format_date

from .psa_invoicing_engine import InvoicingRun


# One file per concept of the engine, on purpose (the run is in
# psa_invoicing_engine.py).
# pylint: disable=consider-merging-classes-inherited
class PsaInvoicingEngine(models.AbstractModel):
    _inherit = "psa.invoicing.engine"

    @api.model
    def _preview_invoices(
        self, projects, date_to=None, grouping="project", detail=None, annex=None
    ):
        """What ``_invoice_projects`` would create now, computed by the same
        steps (selection, caps, the grouping hook, ``_prepare_invoice_vals``,
        every kind's lines, ``_prepare_invoice_line``) without writing or
        locking anything.

        :return: ``(invoices, skipped)``: ``invoices``, one dict per invoice
            (``projects``, ``partner``, ``currency``, ``hours``, ``amount``:
            untaxed, ``lines``, ``counts``: ``{kind: number of entries}``,
            ``held_hours``: held by a cap, ``annex``); ``skipped``: ``{project:
            (reason, hours held by a cap)}`` for the projects of ``projects``
            on no invoice (a bad configuration, nothing to invoice), in their
            order
        """
        run, billable = self._start_run(
            projects, date_to, grouping=grouping, detail=detail, annex=annex
        )
        for project in self._held_projects(billable):
            run.skipped[project] = self.env._(
                "%(project)s is being invoiced by another run; try again.",
                project=project.display_name,
            )
        billable = billable.filtered(lambda p: p not in run.skipped)
        entries = self._select_entries(billable, run.date_to)
        run.times = times = self._read_times(entries["timesheets"])
        held = entries["timesheets"]._psa_capped_out(times)
        entries["timesheets"] -= held
        held_hours = defaultdict(float)
        for line_id in held.ids:
            held_hours[times[line_id].project_id] += times[line_id].hours
        invoices = [
            self._preview_invoice(invoice, held_hours)
            for invoice in self._build_invoices(run, self._group_entries(run, entries))
        ]
        on_invoices = {p for invoice in invoices for p in invoice["projects"].ids}
        nothing = self.env._(
            "Nothing to invoice up to %(date)s.",
            date=format_date(self.env, run.date_to),
        )
        return invoices, {
            project: (
                run.skipped.get(project) or nothing,
                held_hours.get(project.id, 0.0),
            )
            for project in projects
            if project.id not in on_invoices
        }

    @api.model
    def _preview_invoice(self, invoice, held_hours):
        """The preview of one planned invoice (``InvoicePlan``): its untaxed
        amount is that of its lines, the engine's and the hooks' alike."""
        vals = invoice.vals
        currency = self.env["res.currency"].browse(vals["currency_id"])
        lines = [
            command[2]
            for command in vals["invoice_line_ids"]
            if command[0] == 0
            and command[2].get("display_type") not in ("line_section", "line_note")
        ]
        return {
            "projects": invoice.projects,
            "partner": self.env["res.partner"].browse(vals["partner_id"]),
            "currency": currency,
            "hours": sum(
                plan.vals["quantity"]
                for plan in invoice.plans.values()
                if plan.hours is not None
            ),
            "amount": sum(
                currency.round(
                    line.get("quantity", 1.0)
                    * line.get("price_unit", 0.0)
                    * (1 - (line.get("discount") or 0.0) / 100.0)
                )
                for line in lines
            ),
            "lines": len(lines),
            "counts": {kind: len(records) for kind, records in invoice.entries.items()},
            "held_hours": sum(held_hours.get(pid, 0.0) for pid in invoice.projects.ids),
            "annex": vals["psa_invoice_annex"],
        }

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
        run = InvoicingRun(date_to, times=self._read_times(entries["timesheets"]))
        entries["timesheets"] -= entries["timesheets"]._psa_capped_out(run.times)
        return self._entries_projects(run, entries).with_env(self.env)

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
