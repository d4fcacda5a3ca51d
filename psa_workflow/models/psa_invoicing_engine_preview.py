# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoicing engine, as *Create Invoices* shows it: the projects with
work waiting, the preview of a run (nothing written, nothing locked) and the
notice of its result."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import format_date


# One file per concept of the engine, on purpose (the run is in
# psa_invoicing_engine.py).
# pylint: disable=consider-merging-classes-inherited
class PsaInvoicingEngine(models.AbstractModel):
    _inherit = "psa.invoicing.engine"

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
