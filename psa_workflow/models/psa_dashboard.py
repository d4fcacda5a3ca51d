# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import date_utils, format_date

from .psa_validation import MAX_PERIOD_DAYS, marshallable, to_date

UTILIZATION_HOURS = (
    "capacity_hours",
    "staff_capacity_hours",
    "target_hours",
    "logged_hours",
    "billable_hours",
    "non_billable_hours",
    "staff_billable_hours",
)
UTILIZATION_AMOUNTS = ("billable_value", "standard_value", "invoiced_amount")
PROFITABILITY = (
    "revenue",
    "cost",
    "margin",
    "revenue_invoiced",
    "unapproved_cost",
    "collected",
    "outstanding",
    "paid_days",
    "paid_amount",
)
REVENUE = ("projected", "earned", "invoiced", "wip")
TOP_CUSTOMERS = 5

# The reports a card opens (the dashboard's period as their domain).
REPORT_ACTIONS = {
    "utilization": "psa_workflow.psa_utilization_report_action",
    "profitability": "psa_workflow.psa_profitability_report_action",
    "revenue": "psa_workflow.psa_revenue_report_action",
}


class PsaDashboard(models.AbstractModel):
    """The key figures of a period for the PSA dashboard (client action
    ``psa_workflow.dashboard``), read from the reporting models as the current
    user: their record rules decide which rows count, their access rights which
    sections there are. An employee gets their own hours only; approvers the
    projects they manage (and their teams' capacity); billing users and
    administrators everything. Amounts are in the company currency; sums are
    computed by the database (``_read_group``), whatever the number of entries.
    """

    _name = "psa.dashboard"
    _description = "PSA Dashboard"

    @api.model
    def _period(self, date_from=None, date_to=None):
        today = self.env["psa.report.sources"]._today()
        date_from = to_date(self.env, date_from, "date_from") or date_utils.start_of(
            today, "month"
        )
        date_to = to_date(self.env, date_to, "date_to") or date_utils.end_of(
            date_from, "month"
        )
        if date_from > date_to:
            raise UserError(
                self.env._(
                    "The start of the period (date_from) must be before its end "
                    "(date_to)."
                )
            )
        if (date_to - date_from).days > MAX_PERIOD_DAYS:
            raise UserError(
                self.env._(
                    "The period from %(date_from)s to %(date_to)s is too long: ten "
                    "years at most.",
                    date_from=date_from,
                    date_to=date_to,
                )
            )
        return date_from, date_to

    @api.model
    def _sums(self, model, domain, measures):
        """{measure: sum} of ``model``'s rows matching ``domain`` (one query)."""
        [row] = self.env[model]._read_group(
            domain, aggregates=[f"{name}:sum" for name in measures]
        )
        return {name: value or 0.0 for name, value in zip(measures, row, strict=True)}

    @api.model
    @api.readonly
    def get_figures(self, date_from=None, date_to=None, full_period=False):
        """The dashboard's figures between two dates (default: this month).

        Utilization and capacity are **to date** by default: capacity (and so
        target) is counted up to ``min(today, date_to)`` (``to_date``), time
        whatever its date; ``full_period``: the capacity of the whole period
        (planning). Ratios are over billable staff (``staff``: how many count,
        how many are left out); a ratio without a base is ``False`` ("—"; no
        None, which XML-RPC cannot marshal).

        Returns a dict with the period (``date_from``, ``date_to``) and, as far
        as the current user's rights go:

        - ``utilization``: hours and percentages (with the billable and
          standard values, the invoiced amount and the realization for approvers
          and billing users);
        - ``profitability`` (with the top customers by margin) and ``revenue``:
          for the users who may read these reports, in the company currency
          (``currency``);
        - ``wip``: the work in progress now (earned, not invoiced), by billing
          model and by billing currency, with its company-currency total: for
          billing users and administrators;
        - ``to_approve`` and ``expenses_to_approve``: for approvers, the
          submitted timesheets and expense reports they may approve, whatever
          their date (the lists of the PSA menu's server actions).

        Read-only (a read replica may serve it): the stored capacity is kept
        current by the nightly job, not here.
        """
        date_from, date_to = self._period(date_from, date_to)
        in_period = [("date", ">=", date_from), ("date", "<=", date_to)]
        counted_to = self._to_date(date_from, date_to, full_period)
        result = {
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
            "full_period": bool(full_period),
            "to_date": fields.Date.to_string(counted_to),
        }
        if self.env["psa.utilization.report"].has_access("read"):
            result["utilization"] = self._utilization(
                self._utilization_domain(in_period, counted_to, full_period)
            )
        currency = self.env.company.currency_id
        result.update(self._money_figures(in_period, currency))
        money = {"profitability", "revenue", "wip"} & set(result)
        if money or "billable_value" in result.get("utilization", {}):
            result["currency"] = {
                "id": currency.id,
                "symbol": currency.symbol,
                "position": currency.position,
                "decimal_places": currency.decimal_places,
            }
        if self.env.user.has_group("psa_workflow.group_psa_approver"):
            result.update(self._approval_counts())
        return marshallable(result)

    @api.model
    def _money_figures(self, in_period, currency):
        """The profitability, revenue and work in progress sections the user
        may read, summed over the selected companies whose currency is
        ``currency``: never a sum of amounts in different currencies."""
        same_currency = self.env.companies.filtered(
            lambda company: company.currency_id == currency
        )
        in_period = [*in_period, ("company_id", "in", same_currency.ids)]
        figures = {}
        if self.env["psa.profitability.report"].has_access("read"):
            figures["profitability"] = self._profitability(in_period)
        if self.env["psa.revenue.report"].has_access("read"):
            figures["revenue"] = self._sums("psa.revenue.report", in_period, REVENUE)
        if self.env["psa.wip.report"].has_access("read"):
            figures["wip"] = self.env["psa.wip.report"]._psa_totals(
                [("company_id", "in", same_currency.ids)]
            )
        return figures

    @api.model
    def _approval_counts(self):
        """An approver's queues, whatever their date: the submitted timesheets
        and expense reports they may approve (the PSA menu's lists)."""
        Sheet = self.env["hr.expense.sheet"]
        return {
            "to_approve": self.env["account.analytic.line"].search_count(
                self._to_approve_domain()
            ),
            "expenses_to_approve": Sheet.search_count(Sheet._psa_to_approve_domain()),
        }

    @api.model
    def _to_date(self, date_from, date_to, full_period=False):
        """The last day capacity counts: the period's end for the full
        period, else ``min(today, date_to)`` (the day before ``date_from``
        when the period is still to come: no capacity yet)."""
        if full_period:
            return date_to
        today = self.env["psa.report.sources"]._today()
        return max(min(today, date_to), date_from - timedelta(days=1))

    @api.model
    def _utilization_domain(self, in_period, counted_to, full_period=False):
        """The rows of the utilization report the figures sum: the period's,
        capacity up to ``counted_to`` unless ``full_period``."""
        if full_period:
            return list(in_period)
        return [
            *in_period,
            *self.env["psa.utilization.report"]._psa_to_date_domain(counted_to),
        ]

    @api.model
    def _ratios(self, model, figures):
        """The report's percentages (ratios of sums) of ``figures``, for those
        whose measures the user may read."""
        ratio = self.env["psa.report.sources"]._ratio
        ratios = self.env[model]._psa_ratios.items()
        for name, (numerator, denominator, *percent) in ratios:
            if numerator in figures and denominator in figures:
                figures[name] = ratio(
                    figures[numerator],
                    figures[denominator],
                    percent=percent[0] if percent else True,
                )
        return figures

    @api.model
    def _utilization(self, domain):
        """Hours of the utilization report (and its amounts when the user may
        read them), with its utilization, target and realization."""
        Utilization = self.env["psa.utilization.report"]
        measures = UTILIZATION_HOURS + tuple(
            name
            for name in UTILIZATION_AMOUNTS
            if Utilization._fields[name].is_accessible(self.env)
        )
        figures = self._ratios(
            Utilization._name, self._sums(Utilization._name, domain, measures)
        )
        staff, others = Utilization._psa_staff_counts(domain)
        figures["staff"] = {"counted": staff, "excluded": others}
        return figures

    @api.model
    def _profitability(self, domain):
        """Revenue, cost and margin, and the top customers by margin."""
        ratio = self.env["psa.report.sources"]._ratio
        Profitability = self.env["psa.profitability.report"]
        figures = self._ratios(
            Profitability._name, self._sums(Profitability._name, domain, PROFITABILITY)
        )
        top = Profitability._read_group(
            [*domain, ("partner_id", "!=", False)],
            groupby=["partner_id"],
            aggregates=["margin:sum", "revenue:sum"],
            order="margin:sum desc",
            limit=TOP_CUSTOMERS,
        )
        figures["top_customers"] = [
            {
                "partner_id": partner.id,
                "name": partner.display_name,
                "margin": margin or 0.0,
                "revenue": revenue or 0.0,
                "margin_percent": ratio(margin or 0.0, revenue or 0.0),
            }
            for partner, margin, revenue in top
        ]
        return figures

    @api.model
    def _to_approve_domain(self):
        """Submitted timesheets the current user may approve: the queue's
        domain (``account.analytic.line._psa_to_approve_domain``)."""
        return self.env["account.analytic.line"]._psa_to_approve_domain()

    @api.model
    def open_report(
        self, report, date_from=None, date_to=None, partner_id=None, full_period=False
    ):
        """The action of a report (``utilization``, ``profitability``,
        ``revenue`` or ``wip``) on the dashboard's period (utilization: to date
        unless ``full_period``, as the card), and on one customer if given."""
        if report == "wip":
            return self.env["ir.actions.act_window"]._for_xml_id(
                "psa_workflow.psa_wip_report_action"
            )
        if not isinstance(report, str) or report not in REPORT_ACTIONS:
            raise UserError(self.env._("Unknown report: %(report)s", report=report))
        if partner_id not in (None, False) and (
            isinstance(partner_id, bool) or not isinstance(partner_id, int)
        ):
            raise UserError(
                self.env._(
                    "partner_id must be the id of a customer, not %(value)r.",
                    value=partner_id,
                )
            )
        date_from, date_to = self._period(date_from, date_to)
        action = self.env["ir.actions.act_window"]._for_xml_id(REPORT_ACTIONS[report])
        domain = [
            ("date", ">=", fields.Date.to_string(date_from)),
            ("date", "<=", fields.Date.to_string(date_to)),
        ]
        # The period (and customer) are in the domain: say so in the title.
        what = f"{format_date(self.env, date_from)} - {format_date(self.env, date_to)}"
        if report == "utilization" and not full_period:
            counted_to = self._to_date(date_from, date_to)
            domain = self._utilization_domain(domain, counted_to)
            what = self.env._(
                "%(period)s, capacity to %(day)s",
                period=what,
                day=format_date(self.env, counted_to),
            )
        if partner_id:
            partner = self.env["res.partner"].browse(int(partner_id))
            domain.append(("partner_id", "=", partner.id))
            what = f"{partner.display_name}, {what}"
        action["domain"] = domain
        action["display_name"] = f"{action['name']} ({what})"
        # The period is the domain: not the report's default date filter.
        action["context"] = {}
        return action
