# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.psa_validation import check_no_arguments
from .psa_workload_report import week_start_sql


class PsaForecastReport(models.Model):
    """Demand (allocations, staffed or open) against supply (capacity of the
    people holding the role) per role and week.

    Demand rows are grouped by project; supply rows have no project. Demand,
    supply and gap are summable, so the report reads by role, by week or month,
    by project (demand only) or by company.
    """

    _name = "psa.forecast.report"
    _inherit = ["psa.capacity.report.mixin"]
    _description = "PSA Forecast by Role"
    _auto = False
    _order = "week_start, role_id, project_id"
    _rec_name = "role_id"
    _depends = {
        "psa.employee.capacity": ["employee_id", "company_id", "date", "hours"],
        "psa.allocation.line": [
            "employee_id",
            "role_id",
            "project_id",
            "company_id",
            "state",
            "date",
            "hours",
            "planned_revenue",
        ],
        "hr.employee": ["active", "psa_role_ids"],
        "res.company": ["currency_id"],
    }

    role_id = fields.Many2one("psa.role", readonly=True)
    project_id = fields.Many2one(
        "project.project",
        readonly=True,
        help="The project that asks for the hours; empty on supply rows.",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    week_start = fields.Date(string="Week", readonly=True, help="Monday of the week.")
    demand_hours = fields.Float(
        string="Demand",
        readonly=True,
        aggregator="sum",
        help="Hours allocated to the role: staffed and open, confirmed and tentative.",
    )
    demand_open_hours = fields.Float(
        string="Open Demand",
        readonly=True,
        aggregator="sum",
        help="Hours of open roles, not staffed yet.",
    )
    demand_confirmed_hours = fields.Float(
        string="Confirmed Demand", readonly=True, aggregator="sum"
    )
    planned_revenue = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        aggregator="sum",
        help="Planned revenue of the demand (time & materials projects), in company "
        "currency.",
    )
    supply_hours = fields.Float(
        string="Supply",
        readonly=True,
        aggregator="sum",
        help="Capacity of the active employees holding the role. An employee who "
        "holds several roles counts in full in each of them, so the supply of "
        "several roles together can exceed the headcount's capacity.",
    )
    gap_hours = fields.Float(
        string="Gap",
        readonly=True,
        aggregator="sum",
        help="Supply minus demand: negative when the role is short of people.",
    )

    @api.model
    def _source_rows(self):
        """Demand rows (allocation days) and supply rows (capacity days, once per
        role the employee holds), with a key unique across both for the ids."""
        return SQL(
            """
            SELECT l.id::bigint * 2 + 1 AS key, l.role_id, l.project_id,
                   l.company_id, %(line_week)s AS week_start,
                   l.hours::numeric AS demand_hours,
                   CASE WHEN l.employee_id IS NULL THEN l.hours ELSE 0 END::numeric
                       AS demand_open_hours,
                   CASE WHEN l.state = 'confirmed' THEN l.hours ELSE 0 END::numeric
                       AS demand_confirmed_hours,
                   COALESCE(l.planned_revenue, 0)::numeric AS planned_revenue,
                   0::numeric AS supply_hours
              FROM psa_allocation_line l
            UNION ALL
            SELECT (c.id::bigint * 1048576 + r.role_id) * 2, r.role_id, NULL,
                   c.company_id, %(cap_week)s, 0, 0, 0, 0, c.hours::numeric
              FROM psa_employee_capacity c
              JOIN hr_employee e ON e.id = c.employee_id AND e.active
              JOIN hr_employee_psa_role_rel r ON r.employee_id = c.employee_id
            """,
            line_week=week_start_sql("l"),
            cap_week=week_start_sql("c"),
        )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT MIN(src.key) AS id, src.role_id, src.project_id, src.company_id,
                   company.currency_id, src.week_start,
                   SUM(src.demand_hours) AS demand_hours,
                   SUM(src.demand_open_hours) AS demand_open_hours,
                   SUM(src.demand_confirmed_hours) AS demand_confirmed_hours,
                   SUM(src.planned_revenue) AS planned_revenue,
                   SUM(src.supply_hours) AS supply_hours,
                   SUM(src.supply_hours) - SUM(src.demand_hours) AS gap_hours
              FROM (%(source)s) src
              JOIN res_company company ON company.id = src.company_id
          GROUP BY src.role_id, src.project_id, src.company_id, company.currency_id,
                   src.week_start
            """,
            source=self._source_rows(),
        )

    def init(self):
        self.env["psa.report.sources"]._create_view(self)

    @api.model
    def action_open_forecast(self, *args, **kwargs):
        check_no_arguments(self.env, "action_open_forecast", args, kwargs)
        self._psa_ensure_capacity()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "psa_workflow.psa_forecast_report_action"
        )
