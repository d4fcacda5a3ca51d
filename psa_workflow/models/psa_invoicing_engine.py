# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoicing engine: approved time and expenses become draft customer
invoices, once and only once.

select what is billable -> lock those rows (stable order, skipping rows another
transaction holds; the timesheets' columns are read by the lock) -> check each
project (skip and report the bad ones) -> group (``_invoice_grouping_key``) ->
``_prepare_invoice_vals`` / each kind's lines, then ``_prepare_invoice_line``
-> one ``account.move.create`` -> link entries to lines (found by their plan
key) -> mark them invoiced. Timesheets are handled as plain values grouped on
ids: a run bills tens of thousands of them.

What can be billed is a registry, ``_psa_billable_kinds``, of the models
inheriting ``psa.billable.mixin``: each kind names its model, its column on
``psa.invoice.link`` and how its records are selected, planned on invoice
lines and marked invoiced. The engine's steps loop over it.

This file holds the run (an ``InvoicingRun`` carries what it needs from step
to step), its grouping and building; each other concept has a file of its own:
``_kinds`` (their registry, marking entries), ``_labels``, ``_locking``
and ``_preview`` (what *Create Invoices* shows). Caps are the timesheets'
(``account_analytic_line_caps``); linking, releasing and reclaiming entries the
links' (``psa_invoice_link``); the scheduled invoicing the projects'
(``project_project_schedule``).
"""

import itertools
import logging
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from datetime import date

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# What invoicing reads of a timesheet: plain values read with the lock, since
# ORM field access costs seconds on the tens of thousands of lines of a run.
Time = namedtuple(
    "Time", "id project_id employee_id role_id task_id date hours rate amount decision"
)
TIME_COLUMNS = SQL(
    "id, project_id, employee_id, psa_role_id, task_id, date,"
    " COALESCE(psa_billed_hours, 0), COALESCE(psa_bill_rate, 0),"
    " COALESCE(psa_bill_amount, 0), psa_cap_decision"
)
# A billable kind (see ``PsaInvoicingEngine._psa_billable_kinds``, built from
# ``psa.billable.mixin``): its model, its Many2one on psa.invoice.link, and its
# methods (each the name of an engine method, or a function taking the engine
# first):
#   domain(projects, date_to) -> the search domain of its records billable now;
#   lines(records, run, currency, company) -> [LinePlan] (``run``: InvoicingRun);
#   mark(records, invoiced) -> flag them invoiced, or "to invoice" again;
#   link_vals(spec, move_line, plan) -> the psa.invoice.link values of a line;
# ``project_field``: the record's project; ``date_field``: its date (what
# Credit Entries sorts by); ``still_open``: SQL condition of a row still to
# invoice (checked under lock); ``columns``/``row``: what the lock reads, as
# plain values (``InvoicingRun.times``: the timesheets', keyed by id).
BillableKind = namedtuple(
    "BillableKind",
    "model link_field domain lines project_field mark link_vals still_open columns row"
    " date_field",
    defaults=(
        "project_id",
        "_psa_mark_flag",
        lambda engine, *args: engine.env["psa.invoice.link"]._psa_link_vals(*args),
        SQL("psa_invoiced IS NOT TRUE"),
        SQL("id"),
        None,
        "date",
    ),
)
# One planned invoice line: its values, the entries it bills (may be none),
# their billed hours (the timesheets'; else None) and their kind (set by
# ``_plan_lines``).
LinePlan = namedtuple("LinePlan", "vals records hours kind", defaults=(None,))
# One planned invoice: its ``account.move`` values (lines included), its
# ``{plan key: LinePlan}``, its projects and ``{kind: records}`` it bills.
InvoicePlan = namedtuple("InvoicePlan", "vals plans projects entries")


@dataclass
class InvoicingRun:
    """What one run, or its preview, carries from step to step."""

    date_to: date
    # ``project`` (one invoice per project) or ``customer``
    grouping: str = "project"
    # The invoice line detail; None: each project's own setting.
    detail: str | None = None
    # Print the timesheet annex; None: as set on the invoice's projects.
    annex: bool | None = None
    # ``{project: reason}``: the projects not invoiced, and why.
    skipped: dict = field(default_factory=dict)
    # ``{timesheet id: Time}``: what the lock (or a preview) read of them.
    times: dict = field(default_factory=dict)


class PsaInvoicingEngine(models.AbstractModel):
    _name = "psa.invoicing.engine"
    _description = "PSA Invoicing Engine"

    @api.model
    def _invoice_projects(
        self,
        projects,
        date_to=None,
        grouping="project",
        detail=None,
        *,
        only=None,
        annex=None,
    ):
        """Invoice the approved, billable, not yet invoiced time and the
        re-billable expenses of ``projects`` up to ``date_to`` (default: today).

        :param grouping: ``project`` (one invoice per project) or ``customer``
        :param detail: invoice line detail (``employee``, ``role``, ``task``,
            ``entry``, ``summary``); default: each project's own setting
        :param only: ``{kind: records}``: invoice these entries only (those of
            them that are billable now), nothing of the other kinds
        :param annex: print the timesheet annex on the invoices (``True`` or
            ``False``); default (``None``): as set on their projects
        :return: ``{"moves": account.move, "skipped": {project: reason}}``
        """
        run, projects = self._start_run(
            projects, date_to, grouping=grouping, detail=detail, annex=annex
        )
        projects = self._lock_projects(projects, run.skipped)
        selected = self._select_entries(projects, run.date_to)
        if only is not None:
            selected = {
                kind: records.browse(
                    [rid for rid in records.ids if rid in set(only[kind].ids)]
                )
                if kind in only
                else records.browse()
                for kind, records in selected.items()
            }
        entries = self._lock_entries(run, selected)
        entries["timesheets"] = entries["timesheets"]._psa_apply_caps(run.times)
        if not any(entries.values()):
            return {"moves": self.env["account.move"], "skipped": run.skipped}
        moves = self._create_invoices(run, self._group_entries(run, entries))
        if only is None:  # a selection does not invoice the whole period
            # Not a project with entries left behind: its period is not done.
            projects = self._entries_projects(run, entries).filtered(
                lambda p: p not in run.skipped
            )
            projects.sudo().psa_last_invoice_date = run.date_to
        for project, reason in run.skipped.items():
            _logger.info("PSA invoicing skipped %s: %s", project.display_name, reason)
        return {"moves": moves, "skipped": run.skipped}

    @api.model
    def _invoice_selection(self, kind, records):
        """Invoice exactly the selected entries (a server action on timesheet
        and expense lists): those approved, billable and not invoiced yet; the
        others are reported. Returns the action showing the invoices."""
        spec = self._psa_billable_kinds()[kind]
        # An id the caller cannot read is refused, not invoiced on their behalf.
        records.check_access("read")
        records = self.env[spec.model].sudo().browse(records.ids)
        projects = records.mapped(spec.project_field)
        dates = [day for day in records.mapped(spec.date_field) if day]
        date_to = max([fields.Date.context_today(self), *dates])
        result = self._invoice_projects(projects, date_to=date_to, only={kind: records})
        billed = result["moves"].sudo().psa_link_ids.mapped(spec.link_field)
        left = len(records - billed)
        if left:
            result["skipped"][projects.browse()] = self.env._(
                "%(count)s of the selected entries were not invoiced: not approved, "
                "not billable, held by a cap, already invoiced or of a project "
                "that cannot be invoiced.",
                count=left,
            )
        return self._result_action(result)

    @api.model
    def _start_run(self, projects, date_to, **options):
        """A run (or its preview) by a billing user: ``(InvoicingRun up to
        date_to or today, with ``options``; the projects that can be invoiced)``:
        the others are in the run's ``skipped``."""
        if not self.env.user.has_group("psa_workflow.group_psa_billing"):
            raise AccessError(self.env._("Only billing users can create invoices."))
        run = InvoicingRun(date_to or fields.Date.context_today(self), **options)
        return run, projects.filtered(lambda p: self._check_project(run, p))

    @api.model
    def _check_project(self, run, project):
        """Bad configuration is reported per project (in ``run.skipped``) and
        never blocks the others."""
        company = project.company_id or self.env.company
        partner = project.partner_id.commercial_partner_id
        product = project._psa_invoice_product()
        reason = None
        if project.psa_billing_type == "non_billable":
            reason = self.env._(
                "%(project)s is not billable.", project=project.display_name
            )
        elif not partner:
            reason = self.env._(
                "%(project)s has no customer.", project=project.display_name
            )
        elif not partner.with_company(company).property_account_receivable_id:
            reason = self.env._(
                "The customer %(partner)s of %(project)s has no receivable account.",
                partner=partner.display_name,
                project=project.display_name,
            )
        elif not product.with_company(company)._get_product_accounts()["income"]:
            reason = self.env._(
                "The service product %(product)s of %(project)s has no income account.",
                product=product.display_name,
                project=project.display_name,
            )
        elif project.psa_currency_id != company.currency_id and not self.env[
            "res.currency.rate"
        ].search_count(
            [
                ("currency_id", "=", project.psa_currency_id.id),
                ("company_id", "in", (company.id, False)),
            ],
            limit=1,
        ):
            reason = self.env._(
                "%(project)s is billed in %(currency)s, which has no exchange rate.",
                project=project.display_name,
                currency=project.psa_currency_id.name,
            )
        else:
            reason = project._psa_billing_schedule_problem(run.date_to)
        if reason:
            run.skipped[project] = reason
        return not reason

    @api.model
    def _entries_projects(self, run, entries):
        """The projects of ``entries`` (``{kind: records}`` of ``run``)."""
        return self.env["project.project"].browse(
            sorted(
                {
                    project_id
                    for kind, records in entries.items()
                    for project_id, _id in self._entry_project_ids(run, kind, records)
                }
            )
        )

    @api.model
    def _entry_project_ids(self, run, kind, records):
        """``[(project id, entry id)]`` of ``records`` of ``kind``: read from
        the rows the lock read (``run.times``) for a kind that reads some, else
        from the records."""
        spec = self._psa_billable_kinds()[kind]
        if spec.row:
            return [(run.times[rid].project_id, rid) for rid in records.ids]
        return [(record[spec.project_field].id, record.id) for record in records]

    @api.model
    def _select_entries(self, projects, date_to):
        """``{kind: records}`` billable now, by each kind's domain: approved
        time of time & materials projects, due installments of fixed-price
        ones, reached milestones of milestone ones, re-billable expenses of
        all. Billing users read every timesheet; the rest is read on their
        behalf."""
        return {
            kind: self.env[spec.model]
            .sudo()
            .search(self._psa_kind_call(spec.domain, projects, date_to), order="id")
            for kind, spec in self._psa_billable_kinds().items()
        }

    @api.model
    def _group_entries(self, run, entries):
        """``{invoice key: {kind: records}}``, one invoice per key, in the order
        the groups are met. An invoice key starts with the invoice's
        ``(partner, currency, company)``: see ``_invoice_grouping_key``."""
        pairs = {
            kind: self._entry_project_ids(run, kind, records)
            for kind, records in entries.items()
        }
        projects = (
            self.env["project.project"]
            .sudo()
            .browse({pid for kind_pairs in pairs.values() for pid, _id in kind_pairs})
        )
        key_of = {}
        for project in projects:
            key = (
                project.partner_id.commercial_partner_id,
                project.psa_currency_id,
                project.company_id or self.env.company,
            )
            key_of[project.id] = self._invoice_grouping_key(project, *key, run.grouping)
        groups = {}  # key: {kind: [ids]}, in the order the groups are met
        group_of = {}  # project id: its group (keys hashed once per project)
        for kind, kind_pairs in pairs.items():
            for project_id, record_id in kind_pairs:
                group = group_of.get(project_id)
                if group is None:
                    group = group_of[project_id] = groups.setdefault(
                        key_of[project_id], defaultdict(list)
                    )
                group[kind].append(record_id)
        # Recordsets built once from id lists (unions in the loop are quadratic).
        return {
            key: {
                kind: self.env[spec.model].sudo().browse(group[kind])
                for kind, spec in self._psa_billable_kinds().items()
            }
            for key, group in groups.items()
        }

    @api.model
    def _invoice_grouping_key(self, project, partner, currency, company, grouping):
        """Which invoice the entries of ``project`` go on: entries of equal
        keys share one. A hashable tuple starting with the invoice's
        ``(partner, currency, company)``; what follows is free (by default the
        project with ``grouping == "project"``, else nothing: one invoice per
        customer, currency and company)."""
        return (partner, currency, company, project if grouping == "project" else False)

    @api.model
    def _create_invoices(self, run, groups):
        """One invoice per group, as ``_build_invoices`` plans it, its entries
        linked to the lines that bill them."""
        invoices = self._build_invoices(run, groups)
        Move = self.env["account.move"].with_context(default_move_type="out_invoice")
        moves = Move.create([invoice.vals for invoice in invoices])
        self.env["psa.invoice.link"]._psa_link_invoiced(
            moves, [invoice.plans for invoice in invoices]
        )
        return moves

    @api.model
    def _build_invoices(self, run, groups):
        """``[InvoicePlan]``, one per group: ``_prepare_invoice_vals`` (which
        may bring lines of its own), then the planned lines, each carrying its
        plan key (``psa_plan_key``) by which ``psa.invoice.link`` finds it.
        Writes nothing: the preview of *Create Invoices* shows these."""
        invoices = []
        keys = itertools.count(1)
        for key, entries in groups.items():
            partner, currency, company = key[:3]
            line_plans = self._plan_lines(run, entries, currency, company)
            projects = self._entries_projects(run, entries)
            invoice_vals = self._prepare_invoice_vals(
                partner, currency, company, projects
            )
            # The billing user's choice for this run, or the projects' setting.
            invoice_vals["psa_invoice_annex"] = (
                any(projects.mapped("psa_invoice_annex"))
                if run.annex is None
                else run.annex
            )
            keyed = {next(keys): plan for plan in line_plans}
            invoice_vals["invoice_line_ids"] = [
                *invoice_vals.get("invoice_line_ids", ()),
                *(
                    Command.create({**plan.vals, "psa_plan_key": plan_key})
                    for plan_key, plan in keyed.items()
                ),
            ]
            invoices.append(InvoicePlan(invoice_vals, keyed, projects, entries))
        return invoices

    @api.model
    def _prepare_invoice_vals(self, partner, currency, company, projects):
        """The values of one invoice of ``projects``' entries. An override may
        add lines (``invoice_line_ids``: ``Command.create`` values): the
        engine's lines come after them; a line that bills no entry has no
        link."""
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "currency_id": currency.id,
            "company_id": company.id,
            "invoice_date": False,
            "invoice_origin": ", ".join(projects.sorted("name").mapped("name")),
            "invoice_payment_term_id": partner.with_company(
                company
            ).property_payment_term_id.id,
            "fiscal_position_id": self.env["account.fiscal.position"]
            .with_company(company)
            ._get_fiscal_position(partner)
            .id,
        }

    @api.model
    def _plan_lines(self, run, entries, currency, company):
        """``[LinePlan]`` of one invoice, kind after kind (each kind's
        ``lines`` method), each line's values passed through
        ``_prepare_invoice_line``."""
        plans = []
        for kind, spec in self._psa_billable_kinds().items():
            records = entries.get(kind)
            if not records:
                continue
            for plan in self._psa_kind_call(
                spec.lines, records, run, currency, company
            ):
                vals = self._prepare_invoice_line(kind, plan, currency, company)
                plans.append(plan._replace(vals=vals, kind=kind))
        return plans

    @api.model
    def _prepare_invoice_line(self, kind, plan, currency, company):
        """The values of one planned invoice line (``plan``: a ``LinePlan`` of
        ``kind``, its entries in hand), as it will be created: the place to
        change every line the engine makes. Returns the values."""
        return plan.vals
