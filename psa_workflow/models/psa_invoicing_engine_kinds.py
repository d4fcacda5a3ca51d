# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoicing engine: the four billable kinds of the addon (time,
re-billed expenses, installments, milestones): what of each is billable now,
the invoice lines that bill it, and how it is marked invoiced."""

from collections import defaultdict

from odoo import api, models
from odoo.tools import float_round

from .psa_invoicing_engine import LinePlan

# The model of the record an invoice line gathers time by, per line detail.
DETAIL_MODELS = {
    "employee": "hr.employee",
    "role": "psa.role",
    "task": "project.task",
    "entry": "account.analytic.line",
    "summary": None,
}


# One file per concept of the engine, on purpose (the run is in
# psa_invoicing_engine.py).
# pylint: disable=consider-merging-classes-inherited
class PsaInvoicingEngine(models.AbstractModel):
    _inherit = "psa.invoicing.engine"

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
    def _prepare_expense_line_vals(self, expense, amount, company):
        """A re-billed expense's line: the company's re-bill product, or the
        expense's own category (income account and sales taxes from it)."""
        vals = self._prepare_line_vals(
            expense.psa_project_id, self._expense_line_name(expense), 1.0, amount
        )
        vals["product_id"] = company._psa_rebill_product(expense).id
        return vals

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
    def _psa_mark_timesheets(self, timesheets, invoiced):
        timesheets._psa_write_state(
            {"psa_state": "invoiced" if invoiced else "approved"}
        )

    @api.model
    def _psa_mark_flag(self, records, invoiced):
        records.sudo().write({"psa_invoiced": invoiced})
