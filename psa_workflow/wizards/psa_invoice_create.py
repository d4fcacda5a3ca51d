# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models

from ..models.psa_hours import format_duration
from ..models.psa_validation import INVOICE_DETAILS, ensure_one


class PsaInvoiceCreate(models.TransientModel):
    """Create invoices from projects: the approved time and expenses up to a
    date, one invoice per project or per customer, after a preview of the
    invoices the run will create (computed by the run's own steps) and of the
    projects it skips, and why."""

    _name = "psa.invoice.create"
    _inherit = ["psa.client.access.mixin"]
    _description = "Create Invoices from Projects"

    project_ids = fields.Many2many(
        "project.project",
        string="Projects",
        required=True,
        domain="[('psa_billing_type', '!=', 'non_billable')]",
        # Archived projects' approved work is still to invoice.
        context={"active_test": False},
        default=lambda self: self._default_project_ids(),
    )
    date_to = fields.Date(
        string="Up to",
        required=True,
        default=fields.Date.context_today,
        help="Entries dated up to this day are invoiced.",
    )
    grouping = fields.Selection(
        selection=[
            ("project", "One invoice per project"),
            ("customer", "One per customer"),
        ],
        required=True,
        default="project",
    )

    detail = fields.Selection(
        selection=[("project", "As set on each project"), *INVOICE_DETAILS],
        string="Invoice Lines",
        required=True,
        default="project",
    )
    annex = fields.Selection(
        selection=[
            ("project", "As set on each project"),
            ("yes", "Print the timesheet annex"),
            ("no", "No annex"),
        ],
        string="Timesheet Annex",
        required=True,
        default="project",
        help="Whether the invoices of this run print the timesheets they bill as "
        "an annex. It can still be switched on each draft invoice.",
    )
    preview_line_ids = fields.One2many(
        "psa.invoice.create.line",
        "wizard_id",
        string="Preview",
        compute="_compute_preview_line_ids",
        help="The invoices the run will create, and the projects it skips (and "
        "why); computed by the run's own steps, without creating anything.",
    )
    preview_count = fields.Integer(compute="_compute_preview_line_ids")

    @api.model
    def _default_project_ids(self):
        if self.env.context.get("active_model") == "project.project":
            return [Command.set(self.env.context.get("active_ids", []))]
        # From the menu: the projects with something to invoice today.
        date_to = self.env.context.get("default_date_to")
        projects = self.env["psa.invoicing.engine"]._projects_to_invoice(
            fields.Date.to_date(date_to) if date_to else None,
            company=self.env.company,
        )
        return [Command.set(projects.ids)]

    @api.depends("project_ids", "date_to", "grouping", "detail", "annex")
    def _compute_preview_line_ids(self):
        engine = self.env["psa.invoicing.engine"]
        for wizard in self:
            invoices, skipped = engine._preview_invoices(
                wizard.project_ids._origin,
                date_to=wizard.date_to,
                grouping=wizard.grouping,
                detail=None if wizard.detail == "project" else wizard.detail,
                annex=None if wizard.annex == "project" else wizard.annex == "yes",
            )
            wizard.preview_line_ids = (
                [Command.clear()]
                + [
                    Command.create(wizard._preview_invoice_vals(invoice))
                    for invoice in invoices
                ]
                + [
                    Command.create(wizard._preview_skipped_vals(project, *why))
                    for project, why in skipped.items()
                ]
            )
            wizard.preview_count = len(invoices)

    def _preview_invoice_vals(self, invoice):
        """The preview line of one invoice to create."""
        counts = invoice["counts"]
        parts = [
            self._preview_count_label(kind, number, invoice)
            for kind, number in counts.items()
            if number
        ]
        if invoice["held_hours"]:
            parts.append(self._preview_held_label(invoice["held_hours"]))
        projects = invoice["projects"]
        return {
            "project_id": projects.id if len(projects) == 1 else False,
            "project_ids": [Command.set(projects.ids)],
            "partner_id": invoice["partner"].id,
            "currency_id": invoice["currency"].id,
            "hours": invoice["hours"],
            "amount": invoice["amount"],
            "content": ", ".join(parts),
            "annex": invoice["annex"] and bool(counts.get("timesheets")),
        }

    def _preview_skipped_vals(self, project, reason, held_hours):
        """The preview line of a project on no invoice, and why."""
        return {
            "project_id": project.id,
            "project_ids": [Command.set(project.ids)],
            "partner_id": project.partner_id.commercial_partner_id.id,
            "currency_id": project.psa_currency_id.id,
            "content": held_hours and self._preview_held_label(held_hours),
            "reason": reason,
        }

    def _preview_held_label(self, hours):
        return self.env._(
            "held by the cap: %(hours)s",
            hours=format_duration(hours),
        )

    def _preview_count_label(self, kind, number, line):
        """The entries of one billable kind: "Timesheets: 12 (48:15)"."""
        if kind == "timesheets":
            return self.env._(
                "Timesheets: %(count)s (%(hours)s)",
                count=number,
                hours=format_duration(line["hours"]),
            )
        labels = {
            "expenses": self.env._("Re-billed expenses: %(count)s", count=number),
            "installments": self.env._("Due installments: %(count)s", count=number),
            "milestones": self.env._("Reached milestones: %(count)s", count=number),
        }
        if kind in labels:
            return labels[kind]
        # A kind another module adds: named after its model.
        model = self.env["psa.invoicing.engine"]._psa_billable_kinds()[kind].model
        return self.env._(
            "%(entries)s: %(count)s",
            entries=self.env["ir.model"]._get(model).name,
            count=number,
        )

    def action_create_invoices(self):
        ensure_one(self, "action_create_invoices")
        engine = self.env["psa.invoicing.engine"]
        result = engine._invoice_projects(
            self.project_ids,
            date_to=self.date_to,
            grouping=self.grouping,
            detail=None if self.detail == "project" else self.detail,
            annex=None if self.annex == "project" else self.annex == "yes",
        )
        return engine._result_action(result)
