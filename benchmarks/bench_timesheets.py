# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of timesheet capture: pricing, submitting and approving in batch.

Usage: ``bash benchmarks/bench.sh timesheets`` (a throwaway database), or on a
database where psa_workflow is installed::

    python3 benchmarks/bench_timesheets.py --db DB [--lines 10000] [--priced 100000]

In one transaction that is rolled back at the end, the script:

1. creates 20 employees with roles, a project managed by an approver, rates;
2. creates ``--lines`` timesheets through the ORM (billing resolved at create);
3. submits them all as their employees' manager would, then approves them all;
4. inserts ``--priced`` timesheets in bulk SQL and resolves their billing (the
   rate chain, rounding and amounts) in one ``_psa_update_billing`` call.

It prints seconds and SQL queries per step: the queries of submit, approve and
pricing do not grow with the number of lines.
"""

import argparse
import sys
from datetime import date, timedelta

from bench_common import DEFAULT_ADDONS, Step, rolled_back_env

from odoo import Command
from odoo.tools import SQL

START = date(2031, 1, 6)


def make_firm(env, employees):
    role = env["psa.role"].create(
        {"name": "Bench Consultant", "default_bill_rate": 110}
    )
    manager = env["res.users"].create(
        {
            "name": "Bench Manager",
            "login": "bench_manager",
            "groups_id": [Command.link(env.ref("psa_workflow.group_psa_admin").id)],
        }
    )
    partner = env["res.partner"].create({"name": "Bench Customer", "is_company": True})
    project = env["project.project"].create(
        {
            "name": "Bench Project",
            "partner_id": partner.id,
            "user_id": manager.id,
            "company_id": env.company.id,
            "psa_rounding_minutes": 15,
        }
    )
    staff = env["hr.employee"].create(
        [
            {
                "name": f"Bench Employee {i}",
                "hourly_cost": 40 + i,
                "psa_role_ids": [Command.set(role.ids)],
                "psa_default_role_id": role.id,
            }
            for i in range(employees)
        ]
    )
    env["psa.rate"].create(
        [
            {"project_id": project.id, "employee_id": e.id, "amount": 120 + i}
            for i, e in enumerate(staff[: employees // 2])
        ]
        + [
            {
                "project_id": project.id,
                "amount": 100,
                "date_to": START + timedelta(days=30),
            }
        ]
    )
    return manager, project, staff


def run(env, args):
    results = {}
    cr = env.cr
    manager, project, staff = make_firm(env, 20)
    vals = [
        {
            "project_id": project.id,
            "employee_id": staff[i % len(staff)].id,
            "name": "Bench work",
            "unit_amount": 0.5 + (i % 7) * 0.25,
            "date": START + timedelta(days=(i // len(staff)) % 300),
        }
        for i in range(args.lines)
    ]
    with Step(cr, f"create {args.lines} timesheets (ORM, priced)", results):
        lines = env["account.analytic.line"].create(vals)
    env.invalidate_all()
    as_manager = lines.with_user(manager)
    with Step(cr, f"submit {args.lines} timesheets", results):
        as_manager.action_psa_submit()
        env.flush_all()
    env.invalidate_all()
    with Step(cr, f"approve {args.lines} timesheets", results):
        as_manager.action_psa_approve()
        env.flush_all()

    # Bulk lines (as an import would leave them), then price them all at once.
    cr.execute(
        SQL(
            """
            INSERT INTO account_analytic_line
                (name, date, unit_amount, amount, project_id, employee_id, user_id,
                 account_id, company_id, psa_billable, psa_role_id, psa_state,
                 create_date, write_date, create_uid, write_uid)
            SELECT 'Bulk', %(start)s::date + mod(n, 300), 0.25 + mod(n, 9) * 0.25, 0,
                   %(project)s, e.id, NULL, %(account)s, %(company)s, TRUE,
                   %(role)s, 'draft', now(), now(), 1, 1
              FROM generate_series(1, %(count)s) AS n
              JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k
                      FROM hr_employee WHERE id = ANY(%(staff)s)) e
                ON e.k = mod(n, %(size)s)
            RETURNING id
            """,
            start=START,
            project=project.id,
            account=project.account_id.id,
            company=env.company.id,
            role=staff[0].psa_default_role_id.id,
            count=args.priced,
            staff=staff.ids,
            size=len(staff),
        )
    )
    bulk = env["account.analytic.line"].browse([row[0] for row in cr.fetchall()])
    env.invalidate_all()
    with Step(cr, f"price {len(bulk)} timesheets (rate chain, rounding)", results):
        bulk._psa_update_billing()
    cr.execute(
        "SELECT count(*), count(*) FILTER (WHERE psa_rate_missing),"
        " sum(psa_bill_amount) FROM account_analytic_line WHERE id = ANY(%s)",
        [bulk.ids],
    )
    priced, missing, amount = cr.fetchone()
    print(f"    {priced} priced, {missing} without rate, {amount:,.2f} billable")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="database with psa_workflow")
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--priced", type=int, default=100000)
    parser.add_argument("--addons-path", default=DEFAULT_ADDONS)
    args = parser.parse_args()
    with rolled_back_env(args.db, args.addons_path) as env:
        run(env, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
