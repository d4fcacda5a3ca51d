# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the workload report (psa.workload.report) at firm scale.

Usage: ``bash benchmarks/bench.sh workload`` creates a throwaway database with
psa_workflow (no demo data), runs this script on it and drops it. Directly, on a
database where psa_workflow is installed::

    python3 benchmarks/bench_workload.py --db psa_bench [--employees 200] \\
        [--weeks 26] [--addons-path ADDONS] [--explain] [--first-opening]

(the default addons path is Odoo's own addons directories plus this repository).

Inside one transaction that is rolled back at the end (the database is left as
it was), the script:

1. creates N employees on the company's standard 40-hour calendar;
2. refreshes their capacity over the weeks measured (timed) - half of the
   weeks before this week, half from this week on;
3. creates three allocations per employee in one ORM call (spread into days);
4. inserts one timesheet per employee per past working day (bulk SQL);
5. reads the report grouped by employee and week over all the weeks, as the
   superuser and as a PSA administrator (record rules applied) (timed).

It prints seconds and SQL query counts per step; ``--explain`` prints the
query plan of the report, ``--first-opening`` also times ``_ensure_fresh``
(the whole capacity horizon of every employee, paid by the first user who opens
the report in a day). Target: capacity refresh +
report read under 2 seconds for 200 employees and 26 weeks.
"""

import argparse
import sys
from datetime import date, timedelta

from bench_common import DEFAULT_ADDONS, Step, rolled_back_env

from odoo.tools import SQL

# psa_employee_capacity.FRESH_PARAM (the addon is importable only once the
# addons path is configured).
FRESH_PARAM = "psa_workflow.capacity_refreshed_on"
MEASURES = [
    "capacity_hours:sum",
    "allocated_hours:sum",
    "logged_hours:sum",
    "free_hours:sum",
]


def make_employees(env, count):
    company = env.company
    return env["hr.employee"].create(
        [
            {
                "name": f"Bench Employee {i:04d}",
                "company_id": company.id,
                "resource_calendar_id": company.resource_calendar_id.id,
            }
            for i in range(count)
        ]
    )


def make_allocations(env, employees, projects, first_monday, weeks):
    """Three allocations per employee: a confirmed one on the whole period, a
    tentative one in the second half, a total-hours one on four weeks."""
    last_friday = first_monday + timedelta(weeks=weeks, days=-3)
    middle = first_monday + timedelta(weeks=weeks // 2)
    vals_list = []
    for index, employee in enumerate(employees):
        project = projects[index % len(projects)]
        other = projects[(index + 1) % len(projects)]
        start = first_monday + timedelta(weeks=index % 4)
        vals_list += [
            {
                "project_id": project.id,
                "employee_id": employee.id,
                "date_from": first_monday,
                "date_to": last_friday,
                "mode": "hours_per_day",
                "hours_per_day": 4.0,
                "state": "confirmed",
            },
            {
                "project_id": other.id,
                "employee_id": employee.id,
                "date_from": middle,
                "date_to": last_friday,
                "mode": "percent",
                "percent": 40.0 + 10 * (index % 5),
                "state": "tentative",
            },
            {
                "project_id": other.id,
                "employee_id": employee.id,
                "date_from": start,
                "date_to": start + timedelta(weeks=4, days=-3),
                "mode": "total_hours",
                "total_hours": 40.0,
                "state": "confirmed",
            },
        ]
    return env["psa.allocation"].create(vals_list)


def insert_timesheets(env, employees, projects, date_from, date_to):
    """One timesheet of 7.5 h per employee per working day (bulk SQL)."""
    env.flush_all()
    accounts = {p.id: p.account_id.id for p in projects}
    project_ids = list(accounts)
    env.cr.execute(
        SQL(
            """
            INSERT INTO account_analytic_line
                   (name, date, amount, unit_amount, company_id, employee_id,
                    user_id, project_id, account_id, create_date, write_date)
            SELECT 'Benchmark', d::date, 0, 7.5, e.company_id, e.id, NULL,
                   (%(projects)s::int[])[1 + mod(e.id, %(n)s)],
                   (%(accounts)s::int[])[1 + mod(e.id, %(n)s)],
                   now() at time zone 'UTC', now() at time zone 'UTC'
              FROM hr_employee e
             CROSS JOIN generate_series(%(from)s::date, %(to)s::date, '1 day') d
             WHERE e.id = ANY(%(employees)s) AND extract(isodow FROM d) < 6
            """,
            projects=project_ids,
            accounts=[accounts[p] for p in project_ids],
            n=len(project_ids),
            employees=employees.ids,
            **{"from": date_from, "to": date_to},
        )
    )
    env["account.analytic.line"].invalidate_model()
    return env.cr.rowcount


def read_report(env, first_monday, weeks):
    return env["psa.workload.report"]._read_group(
        [
            ("week_start", ">=", first_monday),
            ("week_start", "<", first_monday + timedelta(weeks=weeks)),
        ],
        ["employee_id", "week_start:week"],
        MEASURES,
    )


def explain(env, first_monday, weeks):
    report = env["psa.workload.report"]
    query = report._search(
        [
            ("week_start", ">=", first_monday),
            ("week_start", "<", first_monday + timedelta(weeks=weeks)),
        ]
    )
    sql = query.select(
        SQL('"psa_workload_report"."employee_id"'),
        SQL('SUM("psa_workload_report"."free_hours")'),
    )
    env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s GROUP BY 1", sql))
    print("\n".join(row[0] for row in env.cr.fetchall()))


def run(env, args):
    results = {}
    cr = env.cr
    today = date.today()
    this_monday = today - timedelta(days=today.weekday())
    first_monday = this_monday - timedelta(weeks=args.weeks // 2)
    last_day = first_monday + timedelta(weeks=args.weeks, days=-1)
    print(
        f"{args.employees} employees, {args.weeks} weeks "
        f"({first_monday} to {last_day}), database {args.db}\n"
    )

    with Step(cr, "create employees (setup, not in target)", results):
        employees = make_employees(env, args.employees)
        projects = env["project.project"].create(
            [
                {
                    "name": f"Bench Project {i}",
                    "company_id": env.company.id,
                    "psa_billing_type": "time_material",
                }
                for i in range(10)
            ]
        )
        env.flush_all()

    with Step(cr, "capacity refresh (target)", results):
        rows = env["psa.employee.capacity"]._refresh(employees, first_monday, last_day)
    print(f"    {rows} capacity days")

    with Step(cr, "allocations, ORM create + spread (setup)", results):
        allocations = make_allocations(
            env, employees, projects, first_monday, args.weeks
        )
        env.flush_all()
    lines = env["psa.allocation.line"].search_count(
        [("allocation_id", "in", allocations.ids)]
    )
    print(f"    {len(allocations)} allocations, {lines} allocation days")

    with Step(cr, "timesheets, bulk SQL (setup)", results):
        count = insert_timesheets(
            env, employees, projects, first_monday, min(today, last_day)
        )
    print(f"    {count} timesheets")
    cr.execute("ANALYZE psa_employee_capacity")
    cr.execute("ANALYZE psa_allocation_line")
    cr.execute("ANALYZE account_analytic_line")

    with Step(cr, "report read, superuser, cold (target)", results):
        groups = read_report(env, first_monday, args.weeks)
    print(f"    {len(groups)} employee-weeks (all employees of the database)")
    with Step(cr, "report read, superuser, warm", results):
        read_report(env, first_monday, args.weeks)

    admin = env.ref("base.user_admin")
    admin_env = env(user=admin, su=False)
    read_report(admin_env, first_monday, 1)  # warm the rules cache
    with Step(cr, "report read, PSA administrator (record rules)", results):
        read_report(admin_env, first_monday, args.weeks)
    with Step(cr, "report read, 4 weeks only", results):
        read_report(env, first_monday, 4)

    total = (
        results["capacity refresh (target)"]
        + results["report read, superuser, cold (target)"]
    )
    verdict = "OK" if total < 2 else "OVER TARGET"
    print(
        f"\n{'capacity refresh + report read':<52} {total:8.3f} s  ({verdict}, < 2 s)"
    )
    if args.explain:
        print()
        explain(env, first_monday, args.weeks)
    if args.first_opening:
        # What the first user opening the report in a day pays: the capacity
        # of every employee over the whole horizon, and every allocation of the
        # horizon spread again.
        print()
        env["ir.config_parameter"].set_param(FRESH_PARAM, False)
        with Step(cr, "first opening of the day: _ensure_fresh (info)", results):
            env["psa.employee.capacity"]._ensure_fresh()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="database with psa_workflow")
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--addons-path", default=DEFAULT_ADDONS)
    parser.add_argument("--explain", action="store_true", help="print the plan")
    parser.add_argument(
        "--first-opening",
        action="store_true",
        help="also time the daily refresh of the whole horizon (_ensure_fresh)",
    )
    args = parser.parse_args()

    with rolled_back_env(args.db, args.addons_path) as env:
        run(env, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
