# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models

from ..models.psa_validation import INVOICE_DETAILS, ensure_one


class PsaInvoiceCreate(models.TransientModel):
    """Create invoices from projects: the approved time and expenses up to a
    date, one invoice per project or per customer, after a preview of what
    each project will be invoiced (or why it is skipped)."""

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
        help="What each project will be invoiced, or why it is skipped; computed "
        "without creating anything.",
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

    @api.depends("project_ids", "date_to", "detail", "annex")
    def _compute_preview_line_ids(self):
        engine = self.env["psa.invoicing.engine"]
        for wizard in self:
            projects = wizard.project_ids._origin
            preview = engine._preview_projects(
                projects,
                date_to=wizard.date_to,
                detail=None if wizard.detail == "project" else wizard.detail,
            )
            wizard.preview_line_ids = [Command.clear()] + [
                Command.create(wizard._preview_line_vals(project, line))
                for project, line in preview.items()
            ]
            wizard.preview_count = sum(1 for line in preview.values() if line["lines"])

    def _preview_line_vals(self, project, line):
        counts = line["counts"]
        engine = self.env["psa.invoicing.engine"]
        parts = [
            self._preview_count_label(kind, number, line)
            for kind, number in counts.items()
            if number
        ]
        if line["held_hours"]:
            parts.append(
                self.env._(
                    "held by the cap: %(hours)s",
                    hours=engine._hours_label(line["held_hours"]),
                )
            )
        annex = (
            project.psa_invoice_annex
            if self.annex == "project"
            else self.annex == "yes"
        )
        return {
            "project_id": project.id,
            "currency_id": line["currency"].id,
            "hours": line["hours"],
            "amount": line["amount"],
            "content": ", ".join(parts),
            "reason": line["reason"] or False,
            "annex": annex and bool(counts["timesheets"]),
        }

    def _preview_count_label(self, kind, number, line):
        """The entries of one billable kind: "Timesheets: 12 (48.25 h)"."""
        if kind == "timesheets":
            return self.env._(
                "Timesheets: %(count)s (%(hours)s)",
                count=number,
                hours=self.env["psa.invoicing.engine"]._hours_label(line["hours"]),
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
