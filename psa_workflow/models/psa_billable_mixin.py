# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL


class PsaBillableMixin(models.AbstractModel):
    """What can be billed to a customer: a model inheriting this mixin is a
    billable kind, as ``sale.order.line`` owns how it is invoiced. Timesheets,
    re-billed expenses, installments and milestones are the addon's four; a
    module adds a fifth (a monthly retainer, fixed-fee tasks) with one model
    inheriting it and a Many2one to it on ``psa.invoice.link``
    (``ondelete="restrict"``): the invoicing engine, *Create Invoices*,
    *Credit Entries*, the link's constraints and the money reports find it
    here (``psa.invoicing.engine._psa_billable_kinds``).

    A kind declares, next to its fields:

    - ``_psa_billable_kind``: its name in the engine's registry, and
      ``_psa_billable_sequence``: its place on an invoice (lower first);
    - ``_psa_link_field``: its Many2one on ``psa.invoice.link``;
    - ``_psa_project_field`` / ``_psa_date_field``: its project and date;

    and implements ``_psa_invoice_domain`` (what is billable now) and
    ``_psa_invoice_lines`` (the invoice lines billing its records). By default
    a record is marked invoiced with a ``psa_invoiced`` boolean field
    (``_psa_mark_invoiced``, ``_psa_still_open``). What it gives the money
    reports (work in progress, profitability, earned vs projected, the
    entries behind a row) it declares with the ``_psa_*_branches`` methods
    and ``_psa_report_sources``."""

    _name = "psa.billable.mixin"
    _description = "PSA Billable Kind"

    _psa_billable_kind = None
    _psa_billable_sequence = 100
    _psa_link_field = None
    _psa_project_field = "project_id"
    _psa_date_field = "date"

    @api.model
    def _psa_invoice_domain(self, projects, date_to):
        """The domain of this kind's records of ``projects`` billable up to
        ``date_to`` (searched as superuser: billing users invoice what they
        may not read)."""
        raise NotImplementedError(
            f"{self._name} is billable: it must define _psa_invoice_domain"
        )

    def _psa_invoice_lines(self, run, currency, company):
        """``[LinePlan]``: the invoice lines billing these records on one
        invoice in ``currency`` of ``company`` (``run``: the ``InvoicingRun``,
        its line ``detail`` and the ``times`` it read of the timesheets)."""
        raise NotImplementedError(
            f"{self._name} is billable: it must define _psa_invoice_lines"
        )

    def _psa_mark_invoiced(self, invoiced):
        """These records invoiced (``True``), or to invoice again (``False``):
        the addon's bookkeeping, whoever invoices or cancels."""
        self.sudo().write({"psa_invoiced": invoiced})

    @api.model
    def _psa_still_open(self):
        """SQL condition, on this kind's table, of a row still to invoice
        (checked under the run's lock)."""
        return SQL("psa_invoiced IS NOT TRUE")

    @api.model
    def _psa_lock_read(self):
        """``(columns, row type)``: what the run's lock reads of each row, as
        plain values (``row type`` None: its id only)."""
        return SQL("id"), None

    # The money reports (report/<model>_branches.py for the addon's kinds):
    # what a kind gives each of them. Nothing by default.
    @api.model
    def _psa_report_sources(self):
        """``{"wip" | "profitability": (source, label)}``: the value of the
        reports' *source* for this kind's rows (a list of pairs when the kind
        gives a report several branches)."""
        return {}

    @api.model
    def _psa_wip_branches(self, report):
        """``{source: SQL}`` for *Work in Progress* (see
        ``psa.wip.report._psa_wip_branches`` for the columns)."""
        return {}

    @api.model
    def _psa_profitability_branches(self, report):
        """``{source: branch(row_id)}`` for *Client Profitability* (see
        ``psa.profitability.report._psa_profitability_branches``)."""
        return {}

    @api.model
    def _psa_revenue_branches(self, report):
        """``{name: branch(row_id)}`` for *Earned vs Projected* (see
        ``psa.revenue.report._psa_revenue_branches``)."""
        return {}

    @api.model
    def _psa_wip_entries(self, row):
        """``{source: (model, domain)}``: the entries behind a *Work in
        Progress* ``row`` of this kind's source (its *Entries* button)."""
        return {}
