# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import date_utils

from ..models.psa_dashboard import UTILIZATION_AMOUNTS, UTILIZATION_HOURS
from ..models.psa_validation import MAX_PERIOD_DAYS, ensure_one

REPORTS = {
    "utilization": "psa_workflow.action_report_psa_utilization",
    "profitability": "psa_workflow.action_report_psa_profitability",
}


class PsaReportPrint(models.TransientModel):
    """Print the Resource Utilization or Client Profitability report of a
    period. The figures are those of the reporting models, read as the
    printing user (their record rules apply), aggregated in SQL."""

    _name = "psa.report.print"
    _inherit = ["psa.client.access.mixin"]
    _description = "Print a PSA Report"

    report = fields.Selection(
        selection=[
            ("utilization", "Resource Utilization"),
            ("profitability", "Client Profitability"),
        ],
        required=True,
        default="utilization",
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: date_utils.start_of(
            self.env["psa.report.sources"]._today(), "month"
        ),
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: date_utils.end_of(
            self.env["psa.report.sources"]._today(), "month"
        ),
    )
    full_period = fields.Boolean(
        help="Count the capacity (and target) of the whole period, for planning. "
        "By default they count up to today: utilization to date.",
    )
    include_other_staff = fields.Boolean(
        string="List Non-billable Staff",
        help="Also list the employees who are not billable staff (no utilization "
        "target, no default role): their hours, without utilization. By default "
        "only billable staff are listed.",
    )
    department_ids = fields.Many2many("hr.department", string="Departments")
    partner_ids = fields.Many2many("res.partner", string="Customers")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    _sql_constraints = [
        (
            "period",
            "CHECK(date_from <= date_to)",
            "The report's period must end after it starts.",
        )
    ]

    @api.model
    def _open(self, report):
        """The wizard, set on ``report``: from the reporting views."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_workflow.psa_report_print_action"
        )
        action["context"] = {"default_report": report}
        return action

    def action_print(self):
        ensure_one(self, "action_print")
        if (self.date_to - self.date_from).days > MAX_PERIOD_DAYS:
            raise UserError(
                self.env._(
                    "The period from %(date_from)s to %(date_to)s is too long: ten "
                    "years at most.",
                    date_from=self.date_from,
                    date_to=self.date_to,
                )
            )
        # Refused here, with Odoo's access message, rather than mid-rendering.
        self.env[f"psa.{self.report}.report"].check_access("read")
        if self.report == "utilization":
            # Here, not while rendering: the PDF is rendered in a read-only
            # transaction (on the read replica when there is one).
            self.env["psa.utilization.report"]._psa_ensure_capacity()
        return self.env.ref(REPORTS[self.report]).report_action(self)

    # ------------------------------------------------------------------
    # Figures for the templates
    # ------------------------------------------------------------------
    def _counted_to(self):
        """The last day capacity counts (as the dashboard's ``to_date``)."""
        return self.env["psa.dashboard"]._to_date(
            self.date_from, self.date_to, self.full_period
        )

    def _domain(self):
        domain = [
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
            ("company_id", "=", self.company_id.id),
        ]
        if self.report == "utilization" and not self.full_period:
            domain += self.env["psa.utilization.report"]._psa_to_date_domain(
                self._counted_to()
            )
        if self.report == "utilization" and self.department_ids:
            domain.append(("department_id", "in", self.department_ids.ids))
        if self.report == "profitability" and self.partner_ids:
            domain.append(("partner_id", "in", self.partner_ids.ids))
        return domain

    def _sums(self, model, groupby, measures):
        """``[(group, {measure: sum})]`` with one ``_read_group`` query."""
        rows = self.env[model]._read_group(
            self._domain(), groupby, [f"{name}:sum" for name in measures]
        )
        return [
            (row[: len(groupby)], dict(zip(measures, row[len(groupby) :], strict=True)))
            for row in rows
        ]

    def _utilization_lines(self):
        """Per employee and in total: hours, utilization vs target, value,
        invoiced and realization."""
        measures = list(UTILIZATION_HOURS)
        money = self.env.user.has_group(
            "psa_workflow.group_psa_approver"
        ) or self.env.user.has_group("psa_workflow.group_psa_billing")
        if money:
            measures += UTILIZATION_AMOUNTS
        groups = self._sums(
            "psa.utilization.report", ["employee_id", "billable_staff"], measures
        )
        lines = [
            dict(figures, employee=employee)
            for (employee, staff), figures in sorted(
                groups, key=lambda group: group[0][0].name or ""
            )
            if staff or self.include_other_staff
        ]
        total = {name: sum(line[name] for line in lines) for name in measures}
        for line in [*lines, total]:
            self._add_ratios(line, money)
        staff, others = self.env["psa.utilization.report"]._psa_staff_counts(
            self._domain()
        )
        return {
            "lines": lines,
            "total": total,
            "money": money,
            "staff": staff,
            "excluded": others,
            "others_listed": self.include_other_staff,
            "counted_to": self._counted_to(),
        }

    @api.model
    def _add_ratios(self, line, money):
        """Utilization and target over billable staff, realization: as the
        utilization report's ratios (``None`` without a base)."""
        ratio = self.env["psa.report.sources"]._ratio
        line["utilization"] = ratio(
            line["staff_billable_hours"], line["staff_capacity_hours"]
        )
        line["target"] = ratio(line["target_hours"], line["staff_capacity_hours"])
        if money:
            line["realization"] = ratio(line["invoiced_amount"], line["standard_value"])

    def _profitability_lines(self):
        """Per customer, with its projects: revenue earned, the cost of the
        same approved work, margin; invoiced and the cost of time not approved
        beside; the realization of billed time."""
        measures = [
            "revenue",
            "timesheet_cost",
            "expense_cost",
            "cost",
            "margin",
            "revenue_invoiced",
            "unapproved_cost",
            "billed_amount",
            "standard_amount",
        ]
        groups = self._sums(
            "psa.profitability.report", ["partner_id", "project_id"], measures
        )
        customers = {}
        for (partner, project), figures in groups:
            customer = customers.setdefault(
                partner,
                {"partner": partner, "projects": [], **dict.fromkeys(measures, 0.0)},
            )
            self._add_profit_ratios(figures)
            customer["projects"].append(dict(figures, project=project))
            for name in measures:
                customer[name] += figures[name]
        lines = sorted(customers.values(), key=lambda c: -c["margin"])
        total = {name: sum(line[name] for line in lines) for name in measures}
        widest = max([abs(line["margin"]) for line in lines] or [0.0]) or 1.0
        for line in [*lines, total]:
            self._add_profit_ratios(line)
            line["bar"] = abs(line["margin"]) / widest * 100.0
        for line in lines:
            line["projects"].sort(key=lambda p: p["project"].name or "")
        return {"lines": lines, "total": total}

    def _collections(self):
        """Per customer, of the posted invoices of the period this user may see
        in Client Profitability (its collections columns): invoiced, collected,
        outstanding (untaxed, a partly paid invoice in proportion), and the
        days to pay (invoice date to the last payment of paid invoices,
        averaged weighted by amount; None without a paid invoice), in the
        company currency, sorted by customer."""
        measures = ("revenue_invoiced", "collected", "outstanding")
        groups = self.env["psa.profitability.report"]._read_group(
            [*self._domain(), ("source", "=", "invoice")],
            ["partner_id"],
            [f"{name}:sum" for name in (*measures, "paid_days", "paid_amount")],
        )
        ratio = self.env["psa.report.sources"]._ratio
        lines = [
            {
                "partner": partner,
                "invoiced": invoiced,
                "collected": collected,
                "outstanding": outstanding,
                "days_to_pay": ratio(paid_days, paid_amount, percent=False),
            }
            for partner, invoiced, collected, outstanding, paid_days, paid_amount in (
                groups
            )
        ]
        return sorted(lines, key=lambda line: line["partner"].name or "")

    @api.model
    def _add_profit_ratios(self, line):
        """Margin % and realization, as the profitability report's ratios."""
        ratio = self.env["psa.report.sources"]._ratio
        line["margin_percent"] = ratio(line["margin"], line["revenue"])
        line["realization"] = ratio(line["billed_amount"], line["standard_amount"])

    def _percent(self, value):
        """A ratio as printed: "71.0 %", "—" without a base."""
        return self.env["psa.report.sources"]._format_percent(value)
