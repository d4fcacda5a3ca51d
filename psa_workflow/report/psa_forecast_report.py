# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.psa_validation import check_no_arguments
from .psa_workload_report import week_start_sql


def period_start_sql(table):
    """The first day of ``table``.date's week within its month: the Monday,
    or the 1st when the week began in the previous month."""
    return SQL(
        "GREATEST(%s, date_trunc('month', %s::timestamp)::date)",
        week_start_sql(table),
        SQL.identifier(table, "date"),
    )


class PsaForecastReport(models.Model):
    """Demand (allocations, staffed or open) against supply (capacity of the
    people holding a role) per role and week.

    Demand rows are grouped by project; supply rows have no project. Demand,
    supply and gap are summable, so the report reads by role, by week or month,
    by project (demand only) or by company.

    Supply counts each person once (``_supply_rows``): day by day, their
    capacity goes to the roles they are allocated as that day, in proportion to
    the hours allocated (all of the capacity when they are allocated beyond
    it), and what is left to their default role (else their first role). The
    supply of all roles together is the capacity of the people holding a role.

    A week across two months has one row per month part (``date``): every hour
    falls in the month of the day it is planned or available, so the months
    add up to the weeks.
    """

    _name = "psa.forecast.report"
    _inherit = ["psa.capacity.report.mixin"]
    _description = "PSA Forecast by Role"
    _auto = False
    _order = "week_start, date, role_id, project_id"
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
        "hr.employee": ["active", "psa_role_ids", "psa_default_role_id"],
        "psa.role": ["sequence"],
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
    date = fields.Date(
        string="Period",
        readonly=True,
        help="The week's first day within its month: a week across two months is "
        "split in two parts, each with the hours of its own days, so that grouping "
        "by month puts every hour in the month of its day.",
    )
    demand_hours = fields.Float(
        string="Demand (h)",
        readonly=True,
        digits=(16, 2),
        aggregator="sum",
        help="Hours allocated to the role: staffed and open, confirmed and tentative.",
    )
    demand_open_hours = fields.Float(
        string="Open Demand (h)",
        readonly=True,
        digits=(16, 2),
        aggregator="sum",
        help="Hours of open roles, not staffed yet.",
    )
    demand_confirmed_hours = fields.Float(
        string="Confirmed Demand (h)", readonly=True, digits=(16, 2), aggregator="sum"
    )
    planned_revenue = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        aggregator="sum",
        help="Planned revenue of the demand (time & materials projects), in company "
        "currency.",
    )
    supply_hours = fields.Float(
        string="Supply (h)",
        readonly=True,
        digits=(16, 2),
        aggregator="sum",
        help="Capacity of the active employees holding a role, each person counted "
        "once: day by day their capacity goes to the roles they are allocated as, "
        "in proportion to the hours allocated, and the rest to their default role.",
    )
    gap_hours = fields.Float(
        string="Gap (h)",
        readonly=True,
        digits=(16, 2),
        aggregator="sum",
        help="Supply minus demand: negative when the role is short of people.",
    )

    @api.model
    def _source_rows(self):
        """Demand rows (allocation days) and supply rows (``_supply_rows``),
        with a key unique across both for the ids."""
        return SQL(
            """
            SELECT l.id::bigint * 2 + 1 AS key, l.role_id, l.project_id,
                   l.company_id, %(line_week)s AS week_start,
                   %(line_period)s AS date,
                   l.hours::numeric AS demand_hours,
                   CASE WHEN l.employee_id IS NULL THEN l.hours ELSE 0 END::numeric
                       AS demand_open_hours,
                   CASE WHEN l.state = 'confirmed' THEN l.hours ELSE 0 END::numeric
                       AS demand_confirmed_hours,
                   COALESCE(l.planned_revenue, 0)::numeric AS planned_revenue,
                   0::numeric AS supply_hours
              FROM psa_allocation_line l
            UNION ALL
            SELECT (s.capacity_id::bigint * 1048576 + s.role_id) * 2, s.role_id, NULL,
                   s.company_id, %(cap_week)s, %(cap_period)s, 0, 0, 0, 0, s.hours
              FROM (%(supply)s) s
            """,
            line_week=week_start_sql("l"),
            line_period=period_start_sql("l"),
            cap_week=week_start_sql("s"),
            cap_period=period_start_sql("s"),
            supply=self._supply_rows(),
        )

    @api.model
    def _supply_rows(self):
        """A person's daily capacity split over roles, counted once.

        For each day of capacity of an active employee holding at least one
        role: each role they are allocated as that day gets
        ``capacity * allocated(role) / max(allocated(all roles), capacity)``;
        the rest, ``capacity - min(allocated, capacity)``, goes to their default
        role (else the first of their roles by sequence). The rows of a day add
        up to that day's capacity exactly."""
        return SQL(
            """
            WITH cap AS (
                SELECT c.id AS capacity_id, c.employee_id, c.company_id, c.date,
                       c.hours::numeric AS hours,
                       COALESCE(e.psa_default_role_id, (
                           SELECT r.role_id
                             FROM hr_employee_psa_role_rel r
                             JOIN psa_role pr ON pr.id = r.role_id
                            WHERE r.employee_id = e.id
                         ORDER BY pr.sequence, pr.id
                            LIMIT 1)) AS default_role_id
                  FROM psa_employee_capacity c
                  JOIN hr_employee e ON e.id = c.employee_id AND e.active
                 WHERE c.hours > 0
                   AND EXISTS (SELECT 1 FROM hr_employee_psa_role_rel r
                                WHERE r.employee_id = c.employee_id)
            ),
            planned AS (
                SELECT l.employee_id, l.date, l.role_id, SUM(l.hours)::numeric AS hours,
                       SUM(SUM(l.hours)) OVER (PARTITION BY l.employee_id, l.date)
                           ::numeric AS day_hours
                  FROM psa_allocation_line l
                 WHERE l.employee_id IS NOT NULL AND l.role_id IS NOT NULL
                   AND l.hours > 0
              GROUP BY l.employee_id, l.date, l.role_id
            )
            SELECT cap.capacity_id, p.role_id, cap.company_id, cap.date,
                   cap.hours * p.hours / GREATEST(p.day_hours, cap.hours) AS hours
              FROM cap
              JOIN planned p
                ON p.employee_id = cap.employee_id AND p.date = cap.date
            UNION ALL
            SELECT cap.capacity_id, cap.default_role_id, cap.company_id, cap.date,
                   cap.hours - LEAST(COALESCE(d.day_hours, 0), cap.hours)
              FROM cap
              LEFT JOIN (SELECT DISTINCT employee_id, date, day_hours FROM planned) d
                ON d.employee_id = cap.employee_id AND d.date = cap.date
             WHERE cap.hours > COALESCE(d.day_hours, 0)
            """
        )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT MIN(src.key) AS id, src.role_id, src.project_id, src.company_id,
                   company.currency_id, src.week_start, src.date,
                   SUM(src.demand_hours) AS demand_hours,
                   SUM(src.demand_open_hours) AS demand_open_hours,
                   SUM(src.demand_confirmed_hours) AS demand_confirmed_hours,
                   SUM(src.planned_revenue) AS planned_revenue,
                   SUM(src.supply_hours) AS supply_hours,
                   SUM(src.supply_hours) - SUM(src.demand_hours) AS gap_hours
              FROM (%(source)s) src
              JOIN res_company company ON company.id = src.company_id
          GROUP BY src.role_id, src.project_id, src.company_id, company.currency_id,
                   src.week_start, src.date
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
