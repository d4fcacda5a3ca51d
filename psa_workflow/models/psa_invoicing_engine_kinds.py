# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoicing engine's billable kinds: their registry (built from the
models inheriting ``psa.billable.mixin``), entries marked invoiced by their
kind, and the helpers of the kinds' invoice lines (time gathered by the line
detail, re-billed expenses, fixed amounts, a line's values). What is billable
now, its lines and how it is marked invoiced are each kind's own."""

from collections import defaultdict

from odoo import api, models

from .psa_invoicing_engine import BillableKind, LinePlan

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
    def _psa_billable_kinds(self):
        """``{kind: BillableKind}``, in invoice order: what can be billed, the
        models inheriting ``psa.billable.mixin`` (see there: a module adds a
        kind with one such model and its Many2one on ``psa.invoice.link``; the
        link's columns, its one-entry CHECK and its one-live-link indexes
        follow this mapping). Overriding this method to add a
        ``BillableKind`` of engine methods or functions still works."""
        kinds = {}
        for model in self._psa_billable_models():
            columns, row = model._psa_lock_read()
            kinds[model._psa_billable_kind] = BillableKind(
                model._name,
                model._psa_link_field,
                lambda engine, projects, date_to, name=model._name: engine.env[
                    name
                ]._psa_invoice_domain(projects, date_to),
                lambda engine, records, run, *args: records._psa_invoice_lines(
                    run, *args
                ),
                project_field=model._psa_project_field,
                mark=lambda engine, records, invoiced: records._psa_mark_invoiced(
                    invoiced
                ),
                still_open=model._psa_still_open(),
                columns=columns,
                row=row,
                date_field=model._psa_date_field,
            )
        return kinds

    @api.model
    def _psa_billable_models(self):
        """The billable kinds' models (``psa.billable.mixin``), in invoice
        order: each model that declares a kind whose link field
        (``psa.invoice.link``) points to it."""
        Link = self.env["psa.invoice.link"]
        models = []
        for name in self.env.registry.descendants(["psa.billable.mixin"], "_inherit"):
            model = self.env[name]
            field = Link._fields.get(model._psa_link_field or "")
            if model._psa_billable_kind and field and field.comodel_name == name:
                models.append(model)
        return sorted(models, key=lambda m: (m._psa_billable_sequence, m._name))

    @api.model
    def _psa_report_sources(self, report):
        """``[(source, label)]`` of ``report`` (``wip``, ``profitability``):
        what each billable kind declares (one pair, or a list of them), in
        invoice order."""
        sources = []
        for model in self._psa_billable_models():
            declared = model._psa_report_sources().get(report)
            if declared:
                sources.extend(declared if isinstance(declared, list) else [declared])
        return sources

    @api.model
    def _psa_kind_call(self, method, *args):
        """Call a billable kind's ``method``: the name of an engine method, or
        a function taking the engine first."""
        if isinstance(method, str):
            return getattr(self, method)(*args)
        return method(self, *args)

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
    def _gather_times(self, run, timesheets):
        """``[(project, key, rate, line detail, [Time])]``, one per invoice
        line, in invoice order: the timesheets gathered on ids by
        ``_timesheet_line_key``, then the key records browsed together (their
        names are read in batch)."""
        projects = (
            self.env["project.project"]
            .sudo()
            .browse(
                sorted({run.times[line_id].project_id for line_id in timesheets.ids})
            )
        )
        details = {
            project.id: run.detail or project.psa_invoice_detail for project in projects
        }
        gathered = defaultdict(list)
        for line_id in timesheets.ids:
            time = run.times[line_id]
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

    @api.model
    def _mark(self, billed, invoiced):
        """Entries (``{kind: records}``) invoiced, or back to "to invoice"."""
        kinds = self._psa_billable_kinds()
        for kind, records in billed.items():
            self._psa_kind_call(kinds[kind].mark, records, invoiced)
