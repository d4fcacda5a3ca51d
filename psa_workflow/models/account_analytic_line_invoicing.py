# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets, invoicing: timesheets as a billable kind (what is billable,
the invoice lines gathering them, marked invoiced by their state), the
invoice billing an entry, and the actions creating and opening invoices
(caps: account_analytic_line_caps.py)."""

from odoo import api, fields, models
from odoo.tools import SQL, float_round

from .psa_invoicing_engine import TIME_COLUMNS, LinePlan, Time
from .psa_validation import ensure_one


# One class per stage of the timesheet's flow, on purpose (the base class is
# in account_analytic_line.py).
# pylint: disable=consider-merging-classes-inherited
class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"
    # A billable kind (psa.billable.mixin): approved time of T&M projects.
    _psa_billable_kind = "timesheets"
    _psa_billable_sequence = 10
    _psa_link_field = "timesheet_id"

    psa_invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        compute="_compute_psa_invoice_id",
        help="The customer invoice billing this timesheet.",
    )

    @api.model
    def _psa_invoice_domain(self, projects, date_to):
        projects = projects.filtered(lambda p: p.psa_billing_type == "time_material")
        return [
            ("project_id", "in", projects.ids),
            ("psa_state", "=", "approved"),
            ("psa_billable", "=", True),
            ("psa_cap_decision", "!=", "write_off"),
            # Never time after today (it cannot be approved: a safeguard).
            (
                "date",
                "<=",
                min(fields.Date.to_date(date_to), fields.Date.context_today(self)),
            ),
        ]

    def _psa_invoice_lines(self, run, currency, company):
        """Timesheets gathered by the line detail (project setting, or the
        run's ``detail``), one line per project, key and rate; read from
        ``run.times`` (what the run's lock read), not from the records."""
        engine = self.env["psa.invoicing.engine"]
        plans = []
        for project, key, rate, line_detail, line_times in engine._gather_times(
            run, self
        ):
            hours = float_round(sum(time.hours for time in line_times), 2)
            name = engine._timesheet_line_name(
                project,
                key,
                hours,
                line_detail,
                dates=[time.date for time in line_times],
            )
            plans.append(
                LinePlan(
                    engine._prepare_line_vals(project, name, hours, rate),
                    self.browse([time.id for time in line_times]),
                    [time.hours for time in line_times],
                )
            )
        return plans

    def _psa_mark_invoiced(self, invoiced):
        self._psa_write_state({"psa_state": "invoiced" if invoiced else "approved"})

    @api.model
    def _psa_still_open(self):
        return SQL("psa_state = 'approved'")

    @api.model
    def _psa_lock_read(self):
        return TIME_COLUMNS, Time

    def _compute_psa_invoice_id(self):
        links = (
            self.env["psa.invoice.link"]
            .sudo()
            .search_fetch(
                [("timesheet_id", "in", self.ids), ("state", "=", "invoiced")],
                ["timesheet_id", "move_id"],
            )
        )
        invoice_of = {link.timesheet_id.id: link.move_id for link in links}
        for line in self:
            line.psa_invoice_id = invoice_of.get(line.id, False)

    def action_psa_create_invoices(self):
        """Invoice the selected timesheets (approved, billable ones)."""
        return self.env["psa.invoicing.engine"]._invoice_selection("timesheets", self)

    def action_psa_open_invoice(self):
        ensure_one(self, "action_psa_open_invoice")
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": self.psa_invoice_id.id,
        }
