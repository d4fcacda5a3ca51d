# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.psa_validation import check_no_arguments

# Over-allocation tolerance, in hours (the allocation days are rounded to 0.01 h).
TOLERANCE = 0.005
# Below this share of the capacity, an employee-week is under-allocated.
UNDERALLOCATION_RATIO = 0.8


def week_start_sql(table):
    """Monday of ``table``.date, as a date. Immutable (``date::timestamp``, not
    the time-zone dependent ``timestamptz``), so that the same expression can be
    indexed and a filter on the report's week is pushed down to the indexes."""
    return SQL("date_trunc('week', %s::timestamp)::date", SQL.identifier(table, "date"))


class PsaWorkloadReport(models.Model):
    """Capacity, planned and logged hours per employee, week and project.

    Each employee-week has one row without project (the capacity) and one row
    per project planned or logged that week, so that every measure is summable
    and the report can be grouped by project. The over/under-allocation flags
    are computed for the whole employee-week (all projects) and repeated on each
    of its rows.
    """

    _name = "psa.workload.report"
    _inherit = ["psa.capacity.report.mixin"]
    _description = "PSA Workload"
    _auto = False
    _order = "week_start, employee_id, project_id"
    _rec_name = "employee_id"
    _depends = {
        "psa.employee.capacity": ["employee_id", "company_id", "date", "hours"],
        "psa.allocation.line": [
            "employee_id",
            "project_id",
            "company_id",
            "state",
            "date",
            "hours",
        ],
        "account.analytic.line": [
            "employee_id",
            "project_id",
            "company_id",
            "date",
            "unit_amount",
        ],
        "hr.employee": ["active", "department_id", "psa_default_role_id"],
    }

    employee_id = fields.Many2one("hr.employee", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    role_id = fields.Many2one(
        "psa.role",
        readonly=True,
        help="The employee's default role.",
    )
    project_id = fields.Many2one(
        "project.project",
        readonly=True,
        help="Empty on the capacity row of the employee-week.",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    week_start = fields.Date(string="Week", readonly=True, help="Monday of the week.")
    capacity_hours = fields.Float(
        string="Capacity",
        readonly=True,
        aggregator="sum",
        help="Working hours of the calendar, minus time off and public holidays.",
    )
    allocated_confirmed_hours = fields.Float(
        string="Confirmed", readonly=True, aggregator="sum"
    )
    allocated_tentative_hours = fields.Float(
        string="Tentative", readonly=True, aggregator="sum"
    )
    allocated_hours = fields.Float(
        string="Allocated",
        readonly=True,
        aggregator="sum",
        help="Confirmed and tentative allocations.",
    )
    logged_hours = fields.Float(
        string="Logged", readonly=True, aggregator="sum", help="Timesheets on projects."
    )
    free_hours = fields.Float(
        string="Free",
        readonly=True,
        aggregator="sum",
        help="Capacity minus allocated hours (negative when over-allocated).",
    )
    is_overallocated = fields.Boolean(
        string="Over-allocated",
        readonly=True,
        help="In this week the employee is allocated (all projects) beyond capacity.",
    )
    is_underallocated = fields.Boolean(
        string="Under-allocated",
        readonly=True,
        help="In this week the employee is allocated (all projects) for less than "
        "80% of their capacity.",
    )

    # ------------------------------------------------------------------
    # The view
    # ------------------------------------------------------------------
    @api.model
    def _source_rows(self):
        """One row per capacity day, allocation day and timesheet, with a key
        unique across the three tables (for the report's ids)."""
        return SQL(
            """
            SELECT c.id::bigint * 3 AS key, c.employee_id, c.company_id,
                   %(cap_week)s AS week_start, NULL::integer AS project_id,
                   c.hours::numeric AS capacity_hours,
                   0::numeric AS confirmed_hours, 0::numeric AS tentative_hours,
                   0::numeric AS logged_hours
              FROM psa_employee_capacity c
            UNION ALL
            SELECT l.id::bigint * 3 + 1, l.employee_id, l.company_id,
                   %(line_week)s, l.project_id, 0,
                   CASE WHEN l.state = 'confirmed' THEN l.hours ELSE 0 END,
                   CASE WHEN l.state = 'confirmed' THEN 0 ELSE l.hours END,
                   0
              FROM psa_allocation_line l
             WHERE l.employee_id IS NOT NULL
            UNION ALL
            SELECT a.id::bigint * 3 + 2, a.employee_id, a.company_id,
                   %(aal_week)s, a.project_id, 0, 0, 0, a.unit_amount::numeric
              FROM account_analytic_line a
             WHERE a.project_id IS NOT NULL AND a.employee_id IS NOT NULL
            """,
            cap_week=week_start_sql("c"),
            line_week=week_start_sql("l"),
            aal_week=week_start_sql("a"),
        )

    @property
    def _table_query(self):
        # No row_number(): the ids come from the source rows and the only window
        # is partitioned by employee and week, so that filters on the employee
        # and the week are pushed down into the three tables' scans.
        return SQL(
            """
            SELECT w.id, w.employee_id, e.department_id,
                   e.psa_default_role_id AS role_id, w.project_id, w.company_id,
                   w.week_start, w.capacity_hours,
                   w.confirmed_hours AS allocated_confirmed_hours,
                   w.tentative_hours AS allocated_tentative_hours,
                   w.confirmed_hours + w.tentative_hours AS allocated_hours,
                   w.logged_hours,
                   w.capacity_hours - w.confirmed_hours - w.tentative_hours
                       AS free_hours,
                   SUM(w.confirmed_hours + w.tentative_hours) OVER employee_week
                       > SUM(w.capacity_hours) OVER employee_week + %(tolerance)s
                       AS is_overallocated,
                   SUM(w.capacity_hours) OVER employee_week > 0
                   AND SUM(w.confirmed_hours + w.tentative_hours) OVER employee_week
                       < SUM(w.capacity_hours) OVER employee_week * %(ratio)s
                       AS is_underallocated
              FROM (
                    SELECT MIN(src.key) AS id, src.employee_id, src.company_id,
                           src.week_start, src.project_id,
                           SUM(src.capacity_hours) AS capacity_hours,
                           SUM(src.confirmed_hours) AS confirmed_hours,
                           SUM(src.tentative_hours) AS tentative_hours,
                           SUM(src.logged_hours) AS logged_hours
                      FROM (%(source)s) src
                  GROUP BY src.employee_id, src.week_start, src.project_id,
                           src.company_id
                   ) w
              JOIN hr_employee e ON e.id = w.employee_id
             WHERE e.active
            WINDOW employee_week AS (PARTITION BY w.employee_id, w.week_start)
            """,
            source=self._source_rows(),
            tolerance=SQL(str(TOLERANCE)),
            ratio=SQL(str(UNDERALLOCATION_RATIO)),
        )

    def init(self):
        cr = self.env.cr
        self.env["psa.report.sources"]._create_view(self)
        # Indexes on the week of the days, in the very expression of the view:
        # a filter on weeks is pushed down to these tables and scans a range of
        # the index instead of the whole table (timesheets grow for years), and
        # ANALYZE keeps statistics on the expression for the planner.
        for table, where in (
            ("psa_employee_capacity", SQL()),
            ("psa_allocation_line", SQL()),
            ("account_analytic_line", SQL("WHERE project_id IS NOT NULL")),
        ):
            cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s ((%s), employee_id) %s",
                    SQL.identifier(f"{table}_psa_week_employee_idx"),
                    SQL.identifier(table),
                    week_start_sql(table),
                    where,
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.model
    def action_open_workload(self, *args, **kwargs):
        check_no_arguments(self.env, "action_open_workload", args, kwargs)
        self._psa_ensure_capacity()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "psa_workflow.psa_workload_report_action"
        )
