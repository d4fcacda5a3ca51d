# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the invoicing engine at firm scale.

Usage: ``bash benchmarks/bench.sh invoicing [--lines 50000 --projects 200
--customers 50]`` (a throwaway database), or ``python3 benchmarks/bench_invoicing.py
--db DB`` on a database where psa_workflow is installed.

In one transaction that is rolled back at the end, the script creates the
customers, projects (time & materials) and employees, inserts the approved
timesheets in bulk SQL and prices them, then invoices every project in one run
(one invoice per project), printing seconds and SQL queries. The query count
grows with the invoices, not with the lines.

With ``--compare-db DB2`` (a database with Odoo's ``sale_timesheet``, which
``bench.sh invoicing`` creates), the same hours are invoiced by Odoo's own
sale_timesheet (a sale order per project, a service invoiced on timesheets,
``sale.order._create_invoices``) and the ratio is printed. Both sides make one
invoice per customer.
"""

import argparse
import sys
from datetime import date

from bench_common import DEFAULT_ADDONS, Step, rolled_back_env

from odoo import Command
from odoo.tools import SQL

START = date(2026, 1, 5)


def make_firm(env, args):
    role = env["psa.role"].create({"name": "Bench Consultant", "default_bill_rate": 95})
    customers = env["res.partner"].create(
        [
            {"name": f"Bench Customer {i}", "is_company": True}
            for i in range(args.customers)
        ]
    )
    projects = env["project.project"].create(
        [
            {
                "name": f"Bench Project {i}",
                "partner_id": customers[i % len(customers)].id,
                "company_id": env.company.id,
            }
            for i in range(args.projects)
        ]
    )
    employees = env["hr.employee"].create(
        [
            {
                "name": f"Bench Employee {i}",
                "hourly_cost": 50,
                "psa_role_ids": [Command.set(role.ids)],
                "psa_default_role_id": role.id,
            }
            for i in range(40)
        ]
    )
    return projects, employees, role


def insert_lines(env, args, projects, employees, role):
    cr = env.cr
    cr.execute(
        SQL(
            """
            WITH p AS (SELECT id, account_id, row_number() OVER (ORDER BY id) - 1 AS k
                         FROM project_project WHERE id = ANY(%(projects)s)),
                 e AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k
                         FROM hr_employee WHERE id = ANY(%(employees)s))
            INSERT INTO account_analytic_line
                (name, date, unit_amount, amount, project_id, employee_id, account_id,
                 company_id, psa_billable, psa_role_id, psa_state,
                 create_date, write_date, create_uid, write_uid)
            SELECT 'Bench', %(start)s::date + mod(n, 120), 0.5 + mod(n, 8) * 0.25, 0,
                   p.id, e.id, p.account_id, %(company)s, TRUE, %(role)s, 'draft',
                   now(), now(), 1, 1
              FROM generate_series(0, %(count)s - 1) AS n
              JOIN p ON p.k = mod(n, %(nprojects)s)
              JOIN e ON e.k = mod(n, %(nemployees)s)
            RETURNING id
            """,
            projects=projects.ids,
            employees=employees.ids,
            start=START,
            company=env.company.id,
            role=role.id,
            count=args.lines,
            nprojects=len(projects),
            nemployees=len(employees),
        )
    )
    lines = env["account.analytic.line"].browse([row[0] for row in cr.fetchall()])
    lines._psa_update_billing()
    lines._psa_write_state({"psa_state": "approved"})
    return lines


def run(env, args):
    results = {}
    cr = env.cr
    with Step(cr, "create customers, projects, employees (setup)", results):
        projects, employees, role = make_firm(env, args)
    with Step(
        cr, f"insert and price {args.lines} approved timesheets (setup)", results
    ):
        insert_lines(env, args, projects, employees, role)
    env.invalidate_all()
    engine = env["psa.invoicing.engine"]
    with Step(cr, f"psa_workflow: invoice {args.lines} lines", results):
        result = engine._invoice_projects(
            projects, date_to=date(2026, 12, 31), grouping="customer"
        )
        env.flush_all()
    moves = result["moves"]
    print(
        f"    {len(moves)} invoices, {len(moves.invoice_line_ids)} invoice lines, "
        f"{len(moves.psa_link_ids)} timesheets linked, "
        f"{sum(moves.mapped('amount_untaxed')):,.2f} untaxed, "
        f"{len(result['skipped'])} projects skipped"
    )
    return results[f"psa_workflow: invoice {args.lines} lines"]


def run_sale_timesheet(env, args):
    """The same hours invoiced by Odoo's sale_timesheet."""
    results = {}
    cr = env.cr
    with Step(cr, "sale_timesheet: orders, projects (setup)", results):
        product = env["product.product"].create(
            {
                "name": "Bench Service",
                "type": "service",
                "service_policy": "delivered_timesheet",
                "list_price": 95,
            }
        )
        customers = env["res.partner"].create(
            [
                {"name": f"Bench Customer {i}", "is_company": True}
                for i in range(args.customers)
            ]
        )
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": customers[i % len(customers)].id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
                for i in range(args.projects)
            ]
        )
        orders.action_confirm()
        projects = env["project.project"].create(
            [
                {
                    "name": f"Bench Project {i}",
                    "partner_id": order.partner_id.id,
                    "allow_billable": True,
                    "sale_line_id": order.order_line.id,
                    "company_id": env.company.id,
                }
                for i, order in enumerate(orders)
            ]
        )
        employees = env["hr.employee"].create(
            [{"name": f"Bench Employee {i}", "hourly_cost": 50} for i in range(40)]
        )
    with Step(cr, f"sale_timesheet: insert {args.lines} timesheets (setup)", results):
        cr.execute(
            SQL(
                """
                WITH p AS (SELECT id, account_id, sale_line_id,
                                  row_number() OVER (ORDER BY id) - 1 AS k
                             FROM project_project WHERE id = ANY(%(projects)s)),
                     e AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k
                             FROM hr_employee WHERE id = ANY(%(employees)s))
                INSERT INTO account_analytic_line
                    (name, date, unit_amount, amount, project_id, employee_id,
                     account_id, company_id, so_line, product_uom_id,
                     create_date, write_date, create_uid, write_uid)
                SELECT 'Bench', %(start)s::date + mod(n, 120),
                       0.5 + mod(n, 8) * 0.25, 0,
                       p.id, e.id, p.account_id, %(company)s, p.sale_line_id, %(uom)s,
                       now(), now(), 1, 1
                  FROM generate_series(0, %(count)s - 1) AS n
                  JOIN p ON p.k = mod(n, %(nprojects)s)
                  JOIN e ON e.k = mod(n, 40)
                """,
                projects=projects.ids,
                employees=employees.ids,
                start=START,
                company=env.company.id,
                uom=env.ref("uom.product_uom_hour").id,
                count=args.lines,
                nprojects=len(projects),
            )
        )
        lines = orders.order_line
        env.invalidate_all()
        lines._compute_qty_delivered()
        env.flush_all()
    env.invalidate_all()
    label = f"sale_timesheet: invoice {args.lines} lines"
    with Step(cr, label, results):
        moves = orders._create_invoices()
        env.flush_all()
    print(
        f"    {len(moves)} invoices, {sum(moves.mapped('amount_untaxed')):,.2f} untaxed"
    )
    return results[label]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="database with psa_workflow")
    parser.add_argument("--lines", type=int, default=50000)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--compare-db", help="database with sale_timesheet")
    parser.add_argument("--addons-path", default=DEFAULT_ADDONS)
    args = parser.parse_args()
    with rolled_back_env(args.db, args.addons_path) as env:
        psa_seconds = run(env, args)
    if args.compare_db:
        with rolled_back_env(args.compare_db, args.addons_path) as env:
            sale_seconds = run_sale_timesheet(env, args)
        print(
            f"\nsale_timesheet / psa_workflow: {sale_seconds / psa_seconds:.2f}x "
            f"(psa_workflow {psa_seconds:.2f} s, sale_timesheet {sale_seconds:.2f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
