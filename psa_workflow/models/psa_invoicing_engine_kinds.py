# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoicing engine: helpers of the kinds' invoice lines (time gathered
by the line detail, re-billed expenses, fixed amounts, a line's values). What
is billable now, its lines and how it is marked invoiced are each kind's own
(``psa.billable.mixin``)."""

from collections import defaultdict

from odoo import api, models

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
    def _prepare_expense_line_vals(self, expense, amount, company):
        """A re-billed expense's line: the company's re-bill product, or the
        expense's own category (income account and sales taxes from it)."""
        vals = self._prepare_line_vals(
            expense.psa_project_id, self._expense_line_name(expense), 1.0, amount
        )
        vals["product_id"] = company._psa_rebill_product(expense).id
        return vals

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
    def _psa_mark_flag(self, records, invoiced):
        records.sudo().write({"psa_invoiced": invoiced})
