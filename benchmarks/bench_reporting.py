# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the reporting views (utilization, client profitability) at
firm scale, against hand-written SQL over the same tables.

Usage: ``bash benchmarks/bench.sh reporting [--lines 1000000]`` creates a
throwaway database with psa_workflow (no demo data), runs this script on it and
drops it. Directly::

    python3 benchmarks/bench_reporting.py --db DB [--lines 1000000] \\
        [--employees 300 --projects 400 --customers 80] [--runs 5] \\
        [--explain] [--compare-indexes] [--compare-overrides] [--reuse] \\
        [--addons-path ADDONS]

The script COMMITS the data it loads (a benchmark over a million rows must see
them as production does: committed, vacuumed, analysed): run it on a throwaway
database only. With ``--reuse``, a database it has already loaded is measured
again without loading (to iterate on indexes: upgrade the module, re-run).

1. Load (timed): through the ORM the firm (roles, departments, a daily EUR
   rate, 80 customers of which one in ten billed in EUR, 400 projects - mostly
   time & materials, some fixed price with installments, milestones,
   non-billable - two tasks each, 300 employees); the employees' stored
   capacity over two years and the coming planning horizon
   (``psa.employee.capacity._refresh``); 1,000,000 timesheets
   over two years in one ``INSERT ... SELECT generate_series`` (about 8 h per
   working day per employee on their five projects, 88 % billable on billable
   projects, priced at their role's rate, costed at the employee's hourly
   cost; 1 % rejected; invoiced before this quarter, approved after, the last
   two weeks draft/submitted/approved); one customer invoice per project and
   quarter for the invoiced time (ORM, posted but for the last quarter of one
   project in five, still draft) and the links of every invoiced timesheet to
   its invoice line (bulk SQL). Then ``VACUUM ANALYZE``.
2. Measure (in a transaction rolled back at the end), best of ``--runs`` runs
   after a warm-up: the ORM's ``read_group`` of the utilization report (by
   employee; by department and month) over the last 12 months and of the
   client profitability report (by customer and by project, all time and over
   the 12 months) against hand-written ``GROUP BY`` queries over the base
   tables; the figures must be equal (asserted). Then what the web client's
   views read: the pivots' default ``read_group`` calls, the graphs'
   ``web_read_group``, the lists' first page (``web_search_read``, 80 rows, in
   the model's order) - target under 2 s each -, as a billing user and as a
   project manager (approver) of 10 projects. ``--explain`` prints the plans;
   ``--compare-indexes`` measures the reads again without the indexes of
   ``psa.report.sources._create_indexes`` (before/after).
"""

import argparse
import math
import sys
import time
from datetime import date, timedelta

from bench_common import (
    DEFAULT_ADDONS,
    Step,
    best_of,
    committed_env,
    recorded_queries,
    rolled_back_env,
    vacuum_analyze,
)

from odoo import Command, fields
from odoo.tools import SQL

# psa_employee_capacity.FRESH_PARAM (the addon is importable only once the
# addons path is configured).
FRESH_PARAM = "psa_workflow.capacity_refreshed_on"
MARK = "Bench Reporting"  # name prefix of what the load creates
TABLES = [
    "account_analytic_line",
    "psa_employee_capacity",
    "psa_invoice_link",
    "account_move",
    "account_move_line",
    "hr_employee",
    "project_project",
    "res_partner",
]
ROLES = [  # name, bill rate, hourly cost, utilization target
    ("Junior Consultant", 90, 45, 85),
    ("Consultant", 120, 60, 80),
    ("Senior Consultant", 160, 80, 75),
    ("Project Manager", 150, 75, 60),
    ("Architect", 200, 95, 70),
    ("Designer", 110, 55, 75),
]
DEPARTMENTS = ["Consulting", "Delivery", "Data", "Cloud", "Design", "PMO", "Support"]
UTILIZATION = [
    "capacity_hours",
    "target_hours",
    "logged_hours",
    "billable_hours",
    "non_billable_hours",
    "billable_value",
    "standard_value",
    "invoiced_amount",
]
UTILIZATION_RATIOS = {
    "utilization": ("billable_hours", "capacity_hours"),
    "target": ("target_hours", "capacity_hours"),
    "realization": ("invoiced_amount", "standard_value"),
}
PROFITABILITY = [
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
PROFITABILITY_RATIOS = {
    "margin_percent": ("margin", "revenue"),
    "realization": ("billed_amount", "standard_amount"),
}
UTILIZATION_LIST = [
    "date",
    "employee_id",
    "department_id",
    "role_id",
    "project_id",
    "timesheet_id",
    "company_id",
    "currency_id",
    *UTILIZATION,
]
PROFITABILITY_LIST = [
    "date",
    "partner_id",
    "project_id",
    "source",
    "move_id",
    "timesheet_id",
    "expense_id",
    "company_id",
    "currency_id",
    *PROFITABILITY,
]


# ----------------------------------------------------------------------
# Load
# ----------------------------------------------------------------------
def make_currencies(env, date_from):
    """EUR active with a company rate every working day (as the automatic
    rate updates of a multi-currency firm give)."""
    eur = env.ref("base.EUR")
    eur.active = True
    first = date_from - timedelta(days=31)
    days = (first + timedelta(days=n) for n in range((date.today() - first).days + 1))
    env["res.currency.rate"].create(
        [
            {
                "currency_id": eur.id,
                "name": day,
                "rate": round(0.88 + 0.04 * math.sin(day.toordinal() / 60), 6),
                "company_id": env.company.id,
            }
            for day in days
            if day.weekday() < 5
        ]
    )
    return eur


def make_firm(env, args, date_from):
    eur = make_currencies(env, date_from)
    eur_pricelist = env["product.pricelist"].create(
        {"name": f"{MARK} EUR", "currency_id": eur.id}
    )
    roles = env["psa.role"].create(
        [
            {
                "name": f"{MARK} {name}",
                "default_bill_rate": rate,
                "default_cost": cost,
                "utilization_target": target,
            }
            for name, rate, cost, target in ROLES
        ]
    )
    departments = env["hr.department"].create(
        [{"name": f"{MARK} {name}"} for name in DEPARTMENTS]
    )
    customers = env["res.partner"].create(
        [
            {
                "name": f"{MARK} Customer {i:03d}",
                "is_company": True,
                # one customer in ten billed in EUR
                **(
                    {"property_product_pricelist": eur_pricelist.id}
                    if i % 10 == 9
                    else {}
                ),
            }
            for i in range(args.customers)
        ]
    )
    projects = env["project.project"].create(
        [
            {
                "name": f"{MARK} Project {i:03d}",
                "partner_id": False
                if i % 20 == 3
                else customers[i % len(customers)].id,
                "company_id": env.company.id,
                "psa_billing_type": {
                    0: "fixed_price",
                    1: "fixed_price",
                    2: "milestone",
                    3: "non_billable",
                }.get(i % 20, "time_material"),
                "psa_contract_amount": 80000 + 1000 * (i % 50)
                if i % 20 in (0, 1, 2)
                else 0,
            }
            for i in range(args.projects)
        ]
    )
    env["project.task"].create(
        [
            {"name": f"{MARK} Task {n}", "project_id": project.id}
            for project in projects
            for n in (1, 2)
        ]
    )
    make_contracts(env, projects, date_from)
    employees = env["hr.employee"].create(
        [
            {
                "name": f"{MARK} Employee {i:03d}",
                "department_id": departments[i % len(departments)].id,
                "hourly_cost": ROLES[i % len(ROLES)][2] + 5 * (i % 4),
                "psa_role_ids": [Command.set(roles[i % len(roles)].ids)],
                "psa_default_role_id": roles[i % len(roles)].id,
                # one in five has a target of their own
                "psa_utilization_target": 60 + 5 * (i % 6) if i % 5 == 0 else 0,
            }
            for i in range(args.employees)
        ]
    )
    return projects, employees


def make_contracts(env, projects, date_from):
    """Quarterly installments of the fixed-price projects, four milestones of
    each milestone project (reached when due)."""
    today = date.today()
    starts = [date_from + timedelta(days=91 * n) for n in range(8)]
    fixed = projects.filtered(lambda p: p.psa_billing_type == "fixed_price")
    env["psa.project.installment"].create(
        [
            {
                "project_id": project.id,
                "name": f"Installment {n + 1}",
                "date": start,
                "amount": project.psa_contract_amount / 8,
            }
            for project in fixed
            for n, start in enumerate(starts)
        ]
    )
    milestone = projects.filtered(lambda p: p.psa_billing_type == "milestone")
    milestones = env["project.milestone"].create(
        [
            {
                "project_id": project.id,
                "name": f"Milestone {n + 1}",
                "deadline": starts[2 * n + 1],
                "psa_percent": 25,
                "is_reached": starts[2 * n + 1] <= today,
            }
            for project in milestone
            for n in range(4)
        ]
    )
    env.flush_all()
    env.cr.execute(
        SQL(
            "UPDATE project_milestone SET reached_date = deadline"
            " WHERE id = ANY(%s) AND is_reached",
            milestones.ids,
        )
    )


def insert_timesheets(env, args, firm, dates):
    """``args.lines`` timesheets in one statement, spread evenly over the
    working days of two years; each employee logs on five projects."""
    projects, employees = firm
    date_from, cutoff = dates
    env.flush_all()
    cr = env.cr
    cr.execute("SELECT setseed(0.42)")
    cr.execute(
        SQL(
            """
            WITH e AS (SELECT e.id, e.department_id, e.psa_default_role_id AS role_id,
                              e.hourly_cost, r.default_bill_rate AS rate,
                              row_number() OVER (ORDER BY e.id) - 1 AS k
                         FROM hr_employee e
                         JOIN psa_role r ON r.id = e.psa_default_role_id
                        WHERE e.id = ANY(%(employees)s)),
                 p AS (SELECT p.id, p.account_id, p.partner_id, p.company_id,
                              p.psa_currency_id, p.psa_billing_type,
                              row_number() OVER (ORDER BY p.id) - 1 AS k,
                              ARRAY(SELECT t.id FROM project_task t
                                     WHERE t.project_id = p.id ORDER BY t.id) AS tasks
                         FROM project_project p WHERE p.id = ANY(%(projects)s)),
                 d AS (SELECT day::date, row_number() OVER (ORDER BY day) - 1 AS k
                         FROM generate_series(%(from)s::date, %(to)s::date, '1 day') day
                        WHERE extract(isodow FROM day) < 6),
                 n AS (SELECT n, mod(n, %(nemployees)s) AS ek,
                              n / %(nemployees)s AS slot, random() AS r_project,
                              random() AS r_hours, random() AS r_billable,
                              random() AS r_state, random() AS r_task
                         FROM generate_series(0, %(lines)s - 1) n),
                 x AS (SELECT n.*, e.id AS employee_id, e.department_id, e.role_id,
                              e.hourly_cost, e.rate, d.day, p.id AS project_id,
                              p.account_id, p.partner_id, p.company_id,
                              p.psa_currency_id, p.psa_billing_type,
                              p.tasks[1 + floor(n.r_task * 3)::int] AS task_id,
                              0.25 * (1 + floor(n.r_hours * 9)::int) AS hours,
                              p.psa_billing_type <> 'non_billable'
                                  AND n.r_billable >= 0.12 AS billable
                         FROM n
                         JOIN e ON e.k = n.ek
                         JOIN d ON d.k = n.slot * %(ndays)s / %(nslots)s
                         JOIN p ON p.k = mod(e.k * 7
                                             + floor(n.r_project * 5)::int * 53,
                                             %(nprojects)s))
            INSERT INTO account_analytic_line
                (name, date, employee_id, department_id, project_id, task_id,
                 account_id, partner_id, company_id, currency_id, product_uom_id,
                 unit_amount, amount, psa_role_id, psa_billable, psa_state,
                 psa_currency_id, psa_billed_hours, psa_bill_rate, psa_bill_amount,
                 psa_rate_scope, create_uid, create_date, write_uid, write_date)
            SELECT 'Bench work', x.day, x.employee_id, x.department_id, x.project_id,
                   x.task_id, x.account_id, x.partner_id, x.company_id,
                   %(currency)s, %(uom)s, x.hours, -round(x.hours * x.hourly_cost, 2),
                   x.role_id, x.billable,
                   CASE WHEN x.r_state < 0.01 THEN 'rejected'
                        WHEN x.day < %(cutoff)s
                            THEN CASE WHEN x.billable
                                       AND x.psa_billing_type = 'time_material'
                                      THEN 'invoiced' ELSE 'approved' END
                        WHEN x.day < %(recent)s OR x.r_state >= 0.6 THEN 'approved'
                        WHEN x.r_state >= 0.3 THEN 'submitted'
                        ELSE 'draft' END,
                   x.psa_currency_id,
                   CASE WHEN x.billable THEN x.hours ELSE 0 END,
                   CASE WHEN x.billable THEN x.rate ELSE 0 END,
                   CASE WHEN x.billable THEN round(x.hours * x.rate, 2) ELSE 0 END,
                   CASE WHEN x.billable THEN 'role_default' END,
                   1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
              FROM x
            """,
            employees=employees.ids,
            projects=projects.ids,
            nemployees=len(employees),
            nprojects=len(projects),
            lines=args.lines,
            ndays=working_days(date_from, date.today()),
            nslots=-(-args.lines // len(employees)),
            currency=env.company.currency_id.id,
            uom=env.ref("uom.product_uom_hour").id,
            cutoff=cutoff,
            recent=date.today() - timedelta(days=14),
            **{"from": date_from, "to": date.today()},
        )
    )
    count = cr.rowcount
    # as pricing does: the amounts in company currency at the entries' dates
    env["account.analytic.line"]._psa_convert_bill_amounts(SQL("TRUE"))
    return count


def working_days(date_from, date_to):
    return sum(
        1
        for n in range((date_to - date_from).days + 1)
        if (date_from + timedelta(days=n)).weekday() < 5
    )


def quarter_end(day):
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)


def make_invoices(env, projects, cutoff):
    """One invoice per project and quarter of invoiced time (the last quarter
    of one project in five left in draft), then the links of every invoiced
    timesheet to its invoice line, with its amount."""
    cr = env.cr
    cr.execute(
        SQL(
            """
            SELECT project_id, date_trunc('quarter', date)::date, sum(psa_bill_amount)
              FROM account_analytic_line
             WHERE psa_state = 'invoiced' AND project_id = ANY(%s)
          GROUP BY 1, 2 ORDER BY 1, 2
            """,
            projects.ids,
        )
    )
    totals = cr.fetchall()
    product = env.ref("psa_workflow.product_psa_service")
    by_id = {project.id: project for project in projects}
    last_quarter = quarter_end(cutoff - timedelta(days=1))
    vals_list, draft = [], []
    for project_id, quarter, amount in totals:
        project = by_id[project_id]
        day = quarter_end(quarter)
        vals_list.append(
            {
                "move_type": "out_invoice",
                "partner_id": project.partner_id.id,
                "currency_id": project.psa_currency_id.id,
                "invoice_date": day,
                "date": day,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": f"{project.name} {quarter:%Y-%m}",
                            "quantity": 1,
                            "price_unit": float(amount),
                            "analytic_distribution": {str(project.account_id.id): 100},
                        }
                    )
                ],
            }
        )
        draft.append(day == last_quarter and project_id % 5 == 0)
    moves = env["account.move"].create(vals_list)
    moves.browse(
        [move.id for move, is_draft in zip(moves, draft, strict=True) if not is_draft]
    ).action_post()
    env.flush_all()
    keys = [(project_id, quarter) for project_id, quarter, _amount in totals]
    lines = [move.invoice_line_ids.filtered("product_id")[:1].id for move in moves]
    cr.execute(
        SQL(
            """
            INSERT INTO psa_invoice_link
                (move_line_id, move_id, company_id, currency_id, timesheet_id, hours,
                 amount, state, create_uid, create_date, write_uid, write_date)
            SELECT aml.id, aml.move_id, aml.company_id, aml.currency_id, a.id,
                   a.psa_billed_hours, a.psa_bill_amount, 'invoiced',
                   1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
              FROM unnest(%(projects)s::int[], %(quarters)s::date[], %(lines)s::int[])
                AS v(project_id, quarter, line_id)
              JOIN account_move_line aml ON aml.id = v.line_id
              JOIN account_analytic_line a
                ON a.project_id = v.project_id AND a.psa_state = 'invoiced'
               AND date_trunc('quarter', a.date)::date = v.quarter
            """,
            projects=[key[0] for key in keys],
            quarters=[key[1] for key in keys],
            lines=lines,
        )
    )
    return moves, sum(draft), cr.rowcount


def load(env, args):
    results = {}
    cr = env.cr
    today = date.today()
    date_from = today - timedelta(days=730)
    cutoff = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)  # this quarter
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
    with Step(cr, "firm: customers, projects, tasks, employees (ORM)", results):
        projects, employees = make_firm(env, args, date_from)
        env.flush_all()
    print(
        f"    {len(employees)} employees, {len(projects)} projects, "
        f"{args.customers} customers, {len(ROLES)} roles, "
        f"{len(DEPARTMENTS)} departments"
    )
    capacity = env["psa.employee.capacity"]
    with Step(cr, "capacity: _refresh, 2 years + planning horizon", results):
        rows = capacity._refresh(employees, date_from, capacity._horizon()[1])
        env["ir.config_parameter"].set_param(FRESH_PARAM, fields.Date.to_string(today))
    print(f"    {rows} capacity days")
    with Step(cr, f"timesheets: {args.lines} lines, one INSERT ... SELECT", results):
        count = insert_timesheets(env, args, (projects, employees), (date_from, cutoff))
    print(f"    {count} timesheets from {date_from} to {today}")
    with Step(cr, "invoices per project and quarter (ORM) + links (SQL)", results):
        moves, drafts, links = make_invoices(env, projects, cutoff)
    print(f"    {len(moves)} invoices ({drafts} draft), {links} timesheets linked")
    return results


# ----------------------------------------------------------------------
# Hand-written queries
# ----------------------------------------------------------------------
def converted(amount, currency, day):
    """``amount`` in the currency of company ``co`` (``ccur``) at ``day``, rates
    looked up per row (the few expenses, installments and milestones)."""
    return SQL(
        "CASE WHEN %(currency)s = co.currency_id THEN %(amount)s"
        " ELSE round(%(amount)s * psa_currency_rate(co.currency_id, co.id, %(day)s)"
        " / psa_currency_rate(%(currency)s, co.id, %(day)s), ccur.decimal_places)"
        " END",
        amount=amount,
        currency=currency,
        day=day,
    )


def hand_utilization(cr, period, by_month):
    """Utilization per employee (or per department and month) over ``period``:
    ``{(key, month or None): {measure: value}}``."""
    date_from, date_to = period
    if by_month:
        cap_key = SQL("e.department_id, date_trunc('month', c.date)::date")
        ts_key = SQL("e.department_id, date_trunc('month', a.date)::date")
    else:
        cap_key = SQL("c.employee_id, NULL::date")
        ts_key = SQL("a.employee_id, NULL::date")
    cr.execute(
        SQL(
            """
            SELECT k1, k2, sum(n), sum(capacity), sum(target), sum(logged),
                   sum(billable), sum(non_billable), sum(value), sum(standard),
                   sum(invoiced)
              FROM (
                SELECT %(cap_key)s, count(*) AS n, sum(c.hours) AS capacity,
                       sum(c.hours * COALESCE(NULLIF(e.psa_utilization_target, 0),
                                              r.utilization_target, 0) / 100.0)
                           AS target,
                       NULL::float AS logged, NULL::float AS billable,
                       NULL::float AS non_billable, NULL::numeric AS value,
                       NULL::float AS standard, NULL::numeric AS invoiced
                  FROM psa_employee_capacity c
                  JOIN hr_employee e ON e.id = c.employee_id
                  LEFT JOIN psa_role r ON r.id = e.psa_default_role_id
                 WHERE e.active AND c.date BETWEEN %(from)s AND %(to)s
                 GROUP BY 1, 2
                UNION ALL
                SELECT %(ts_key)s, count(*), NULL, NULL, sum(a.unit_amount),
                       sum(a.unit_amount) FILTER (WHERE a.psa_billable),
                       sum(a.unit_amount) FILTER (WHERE a.psa_billable IS NOT TRUE),
                       sum(a.psa_bill_amount_company) FILTER (WHERE a.psa_billable),
                       sum(a.unit_amount * COALESCE(sr.default_bill_rate, 0.0))
                           FILTER (WHERE a.psa_billable),
                       sum(round(k.amount * aml.balance
                                 / NULLIF(aml.amount_currency, 0), 2))
                  FROM account_analytic_line a
                  JOIN hr_employee e ON e.id = a.employee_id
                  LEFT JOIN psa_role sr
                         ON sr.id = COALESCE(a.psa_role_id, e.psa_default_role_id)
                  LEFT JOIN psa_invoice_link k
                         ON k.timesheet_id = a.id AND k.state = 'invoiced'
                  LEFT JOIN account_move_line aml
                         ON aml.id = k.move_line_id AND aml.parent_state = 'posted'
                 WHERE a.project_id IS NOT NULL AND e.active
                   AND a.psa_state IS DISTINCT FROM 'rejected'
                   AND a.date BETWEEN %(from)s AND %(to)s
                 GROUP BY 1, 2
              ) u (k1, k2, n, capacity, target, logged, billable, non_billable,
                   value, standard, invoiced)
          GROUP BY k1, k2
            """,
            cap_key=cap_key,
            ts_key=ts_key,
            **{"from": date_from, "to": date_to},
        )
    )
    return {
        (k1, k2): dict(
            zip(
                ["__count", *UTILIZATION],
                [n, *(float(v or 0) for v in values)],
                strict=True,
            )
        )
        for k1, k2, n, *values in cr.fetchall()
    }


def hand_profitability(cr, period, by_project):
    """Revenue, costs and margin per customer (or project), all time
    (``period`` None) or over ``period``; the entries are summed per project
    first, then per customer."""
    within = SQL("BETWEEN %s AND %s", *period) if period else SQL("IS NOT NULL")
    key = SQL("s.project_id" if by_project else "rp.commercial_partner_id")
    cr.execute(
        SQL(
            """
            WITH s (project_id, n, invoiced, earned, timesheet_cost, expense_cost,
                    unapproved_cost, billed, standard) AS (
                -- posted invoices and credit notes, per analytic account
                SELECT p.id, i.n, i.invoiced, 0, 0, 0, 0, 0, 0
                  FROM (SELECT a.account_id, count(*) AS n, sum(a.amount) AS invoiced
                          FROM account_analytic_line a
                          JOIN account_move_line aml ON aml.id = a.move_line_id
                          JOIN account_move m ON m.id = aml.move_id
                         WHERE m.move_type IN ('out_invoice', 'out_refund')
                           AND m.state = 'posted' AND a.date %(within)s
                         GROUP BY a.account_id) i
                  JOIN project_project p ON p.account_id = i.account_id
                UNION ALL
                -- timesheets: their value once earned, invoiced or not; the
                -- cost of approved time, and apart of time not approved yet
                SELECT a.project_id, count(*),
                       0, sum(a.psa_bill_amount_company) FILTER (
                           WHERE a.psa_billable AND p.psa_billing_type = 'time_material'
                             AND a.psa_state IN ('approved', 'invoiced')
                             AND a.psa_cap_decision IS DISTINCT FROM 'write_off'),
                       sum(-a.amount) FILTER (
                           WHERE a.psa_state IN ('approved', 'invoiced')),
                       0,
                       sum(-a.amount) FILTER (
                           WHERE a.psa_state IS DISTINCT FROM 'approved'
                             AND a.psa_state IS DISTINCT FROM 'invoiced'
                             AND a.date <= CURRENT_DATE),
                       -- billed time against its standard value (posted)
                       sum(round(k.amount
                                 / COALESCE(NULLIF(km.invoice_currency_rate, 0), 1), 2))
                           FILTER (WHERE km.state = 'posted'),
                       sum(round(k.standard_amount
                                 / COALESCE(NULLIF(km.invoice_currency_rate, 0), 1), 2))
                           FILTER (WHERE km.state = 'posted')
                  FROM account_analytic_line a
                  JOIN project_project p ON p.id = a.project_id
                  LEFT JOIN psa_invoice_link k
                         ON k.timesheet_id = a.id AND k.state = 'invoiced'
                  LEFT JOIN account_move km ON km.id = k.move_id
                 WHERE a.psa_state IS DISTINCT FROM 'rejected' AND a.date %(within)s
                 GROUP BY a.project_id
                UNION ALL
                -- expenses: their untaxed cost; re-billed, invoiced or not
                SELECT x.psa_project_id, count(*), 0,
                       sum(%(expense_value)s)
                           FILTER (WHERE x.psa_billing_state
                                         IN ('to_invoice', 'invoiced')),
                       0, sum(x.total_amount - COALESCE(x.tax_amount, 0.0)), 0, 0, 0
                  FROM hr_expense x
                  JOIN res_company co ON co.id = x.company_id
                  JOIN res_currency ccur ON ccur.id = co.currency_id
                 WHERE x.psa_project_id IS NOT NULL
                   AND x.state IN ('approved', 'done') AND x.date %(within)s
                 GROUP BY x.psa_project_id
                UNION ALL
                -- installments due, reached milestones, invoiced or not
                SELECT p.id, count(*), 0,
                       sum(%(installment_value)s), 0, 0, 0, 0, 0
                  FROM psa_project_installment t
                  JOIN project_project p ON p.id = t.project_id
                  JOIN res_company co ON co.id = p.company_id
                  JOIN res_currency ccur ON ccur.id = co.currency_id
                 WHERE p.psa_billing_type = 'fixed_price' AND t.date <= CURRENT_DATE
                   AND t.date %(within)s
                 GROUP BY p.id
                UNION ALL
                SELECT p.id, count(*), 0,
                       sum(%(milestone_value)s), 0, 0, 0, 0, 0
                  FROM project_milestone m
                  JOIN project_project p ON p.id = m.project_id
                  JOIN res_currency cur ON cur.id = p.psa_currency_id
                  JOIN res_company co ON co.id = p.company_id
                  JOIN res_currency ccur ON ccur.id = co.currency_id
                 WHERE p.psa_billing_type = 'milestone' AND m.is_reached
                   AND m.reached_date %(within)s
                 GROUP BY p.id
            )
            SELECT %(key)s, sum(s.n), sum(s.invoiced), sum(s.earned),
                   sum(s.timesheet_cost), sum(s.expense_cost),
                   sum(s.unapproved_cost), sum(s.billed), sum(s.standard)
              FROM s
              JOIN project_project p ON p.id = s.project_id
              -- client profitability: projects with a customer only
              JOIN res_partner rp ON rp.id = p.partner_id
             GROUP BY 1
            """,
            expense_value=converted(
                SQL("x.psa_rebill_amount"), SQL("x.currency_id"), SQL("x.date")
            ),
            installment_value=converted(
                SQL("t.amount"), SQL("p.psa_currency_id"), SQL("t.date")
            ),
            milestone_value=converted(
                SQL(
                    "COALESCE(NULLIF(m.psa_amount, 0), round(p.psa_contract_amount"
                    " * m.psa_percent / 100.0, cur.decimal_places))"
                ),
                SQL("p.psa_currency_id"),
                SQL("m.reached_date"),
            ),
            within=within,
            key=key,
        )
    )
    result = {}
    for key_id, n, *values in cr.fetchall():
        invoiced, earned, timesheet_cost, expense_cost, unapproved, billed, standard = (
            float(v or 0) for v in values
        )
        cost = timesheet_cost + expense_cost
        result[key_id, None] = {
            "__count": n,
            "revenue": earned,
            "timesheet_cost": timesheet_cost,
            "expense_cost": expense_cost,
            "cost": cost,
            "margin": earned - cost,
            "revenue_invoiced": invoiced,
            "unapproved_cost": unapproved,
            "billed_amount": billed,
            "standard_amount": standard,
        }
    return result


def with_ratios(groups, ratios):
    for values in groups.values():
        for name, (numerator, denominator) in ratios.items():
            values[name] = (
                values[numerator] / values[denominator] * 100.0
                if values[denominator]
                else 0.0
            )
    return groups


# ----------------------------------------------------------------------
# The ORM's side
# ----------------------------------------------------------------------
def group_key(row, groupby):
    """``(id or month, ...)`` of a ``read_group`` row, as the hand-written keys."""
    key = []
    for spec in groupby:
        if ":" in spec:
            bound = row["__range"][spec]["from"]
            key.append(fields.Date.to_date(bound[:10]) if bound else None)
        else:
            key.append(row[spec][0] if row[spec] else None)
    return tuple(key + [None] * (2 - len(key)))


def orm_groups(model, domain, measures, groupby):
    rows = model.read_group(domain, measures, groupby, lazy=False)
    return {group_key(row, groupby): row for row in rows}


def compare(label, orm, hand, measures):
    """Assert that both sides found the same groups and figures."""
    assert set(orm) == set(hand), (
        f"{label}: groups differ: {sorted(set(orm) ^ set(hand), key=str)[:5]}"
    )
    for key, values in hand.items():
        for name in ["__count", *measures]:
            mine, theirs = float(orm[key][name] or 0), float(values[name] or 0)
            assert math.isclose(mine, theirs, rel_tol=1e-9, abs_tol=0.005), (
                f"{label} {key} {name}: ORM {mine} != hand-written {theirs}"
            )


# ----------------------------------------------------------------------
# Measure
# ----------------------------------------------------------------------
def periods():
    today = date.today()
    this_month = today.replace(day=1)
    year_ago = (this_month - timedelta(days=360)).replace(day=1)
    last_month_end = this_month - timedelta(days=1)
    month_end = (this_month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return (year_ago, last_month_end), (this_month, month_end)


def cases(env, year):
    """``(label, ORM call, hand-written call, measures compared)``."""
    cr = env.cr
    domain = [("date", ">=", year[0]), ("date", "<=", year[1])]
    utilization = env["psa.utilization.report"]
    profitability = env["psa.profitability.report"]
    u_fields = [*UTILIZATION, *UTILIZATION_RATIOS]
    p_fields = [*PROFITABILITY, *PROFITABILITY_RATIOS]
    u_measures = [*UTILIZATION, *UTILIZATION_RATIOS]
    p_measures = [*PROFITABILITY, *PROFITABILITY_RATIOS]
    return [
        (
            "utilization by employee, 12 months",
            lambda: orm_groups(utilization, domain, u_fields, ["employee_id"]),
            lambda: with_ratios(hand_utilization(cr, year, False), UTILIZATION_RATIOS),
            u_measures,
        ),
        (
            "utilization by department x month, 12 months",
            lambda: orm_groups(
                utilization, domain, u_fields, ["department_id", "date:month"]
            ),
            lambda: with_ratios(hand_utilization(cr, year, True), UTILIZATION_RATIOS),
            u_measures,
        ),
        (
            "profitability by customer, all time",
            lambda: orm_groups(profitability, [], p_fields, ["partner_id"]),
            lambda: with_ratios(
                hand_profitability(cr, None, False), PROFITABILITY_RATIOS
            ),
            p_measures,
        ),
        (
            "profitability by project, all time",
            lambda: orm_groups(profitability, [], p_fields, ["project_id"]),
            lambda: with_ratios(
                hand_profitability(cr, None, True), PROFITABILITY_RATIOS
            ),
            p_measures,
        ),
        (
            "profitability by customer, 12 months",
            lambda: orm_groups(profitability, domain, p_fields, ["partner_id"]),
            lambda: with_ratios(
                hand_profitability(cr, year, False), PROFITABILITY_RATIOS
            ),
            p_measures,
        ),
    ]


def web_reads(env, month):
    """What the web client reads when the views open with their default
    filters (utilization: this month; profitability: this year), then the
    same without the filter: ``(label, call, as the view opens)``."""
    utilization = env["psa.utilization.report"]
    profitability = env["psa.profitability.report"]
    this_month = [("date", ">=", month[0]), ("date", "<=", month[1])]
    this_year = [
        ("date", ">=", month[0].replace(month=1)),
        ("date", "<=", month[0].replace(month=12, day=31)),
    ]
    u_pivot = ["capacity_hours:sum", "billable_hours:sum", "utilization:avg"]
    u_pivot.append("target:avg")
    p_pivot = ["revenue:sum", "cost:sum", "margin:sum", "margin_percent:avg"]

    def pivot(model, domain, measures, row, col):
        # the pivot's read_group calls: total, rows, columns, cells
        for groupby in ([], [row], [col], [row, col]) if col else ([], [row]):
            model.read_group(domain, [*measures, "__count"], groupby, lazy=False)

    def listing(model, domain, names):
        spec = {
            name: {"fields": {"display_name": {}}}
            if model._fields[name].type == "many2one"
            else {}
            for name in names
        }
        return model.web_search_read(
            domain, spec, limit=80, order=model._order, count_limit=10001
        )

    return [
        (
            "utilization pivot (this month, employee x month)",
            lambda: pivot(
                utilization, this_month, u_pivot, "employee_id", "date:month"
            ),
            True,
        ),
        (
            "utilization graph (this month, by employee)",
            lambda: utilization.web_read_group(
                this_month, ["utilization:avg"], ["employee_id"], lazy=False
            ),
            True,
        ),
        (
            "utilization list, first 80 (this month)",
            lambda: listing(utilization, this_month, UTILIZATION_LIST),
            True,
        ),
        (
            "profitability pivot (this year, by customer)",
            lambda: pivot(profitability, this_year, p_pivot, "partner_id", None),
            True,
        ),
        (
            "profitability graph (this year, by customer)",
            lambda: profitability.web_read_group(
                this_year, ["margin:sum"], ["partner_id"], lazy=False
            ),
            True,
        ),
        (
            "profitability list, first 80 (this year)",
            lambda: listing(profitability, this_year, PROFITABILITY_LIST),
            True,
        ),
        (
            "utilization list, first 80 (filter removed)",
            lambda: listing(utilization, [], UTILIZATION_LIST),
            False,
        ),
        (
            "profitability pivot (filter removed: all time)",
            lambda: pivot(profitability, [], p_pivot, "partner_id", None),
            False,
        ),
        (
            "profitability list, first 80 (filter removed)",
            lambda: listing(profitability, [], PROFITABILITY_LIST),
            False,
        ),
    ]


def explain(cr, query, params=None):
    if isinstance(query, SQL):
        query, params = query.code, query.params
    cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}", params)
    print("\n".join("      " + row[0] for row in cr.fetchall()))


def slowest_query(cr, func):
    """The slowest SQL query ``func()`` runs: ``(seconds, query, params)``."""
    with recorded_queries(cr) as queries:
        func()
    return max(queries, key=lambda entry: entry[0])


def measure(env, args):
    cr = env.cr
    year, month = periods()
    cr.execute("SELECT current_setting('jit'), current_setting('work_mem')")
    jit, work_mem = cr.fetchone()
    print(
        f"\n12 months: {year[0]} to {year[1]}; this month: {month[0]} to {month[1]};"
        f" best of {args.runs} runs after a warm-up; jit={jit}, work_mem={work_mem}\n"
    )
    timings = compare_cases(env, args, year)
    billing = make_billing_user(env)
    print("\nAs a billing user (record rules, field groups):")
    for label, orm_call, _hand, _measures in cases(billing, year)[::2]:
        orm_call()
        seconds, queries, _result = best_of(cr, args.runs, orm_call)
        print(f"{label:<46} {seconds:7.3f}s {queries:4d} queries", flush=True)
    print("\nWeb views as they open (target < 2 s each), as a billing user:")
    timings.update(time_web_reads(env, args, web_reads(billing, month)))
    print("\nThe same as a project manager (approver) of 10 of the projects:")
    time_web_reads(env, args, web_reads(make_project_manager(env), month))
    if args.compare_indexes:
        reads = [*cases(env, year), *web_reads(billing, month)]
        compare_indexes(env, args, timings, reads)
    if args.compare_overrides:
        reads = [*cases(env, year), *web_reads(billing, month)]
        compare_overrides(env, args, timings, reads)


def compare_cases(env, args, year):
    """The ORM's reads against the hand-written queries: ``{label: seconds}``
    of the ORM's."""
    cr = env.cr
    print(
        f"{'query':<46} {'ORM':>8} {'(SQL)':>8} {'hand':>8} {'ratio':>6} {'queries':>8}"
    )
    ratios, timings = [], {}
    for label, orm_call, hand_call, measures in cases(env, year):
        orm, hand = orm_call(), hand_call()  # warm-up
        compare(label, orm, hand, measures)
        orm_seconds, orm_queries, _result = best_of(cr, args.runs, orm_call)
        hand_seconds, hand_queries, settings = best_hand(env, args, hand_call)
        _seconds, query, params = slowest_query(cr, orm_call)
        sql_seconds, _count, _result = best_of(
            cr, args.runs, lambda query=query, params=params: cr.execute(query, params)
        )
        ratio = orm_seconds / hand_seconds
        ratios.append(ratio)
        timings[label] = orm_seconds
        print(
            f"{label:<46} {orm_seconds:7.3f}s {sql_seconds:7.3f}s {hand_seconds:7.3f}s"
            f" {ratio:5.2f}x {orm_queries:4d}/{hand_queries:<3d}"
            f"  {len(orm)} groups, equal; hand-written best {settings}",
            flush=True,
        )
        if args.explain:
            print("    ORM's main query:")
            explain(cr, query, params)
            print("    hand-written:")
            with recorded_queries(cr) as queries:
                hand_call()
            explain(cr, *max(queries, key=lambda entry: entry[0])[1:])
    verdict = "OK" if max(ratios) <= 1.5 else "OVER TARGET"
    print(
        f"{'worst ratio ORM / hand-written':<46} {max(ratios):5.2f}x"
        f" ({verdict}, <= 1.5x)"
    )
    return timings


def best_hand(env, args, hand_call):
    """The hand-written query's best time, with the database's settings or
    with the reports' (``READ_SETTINGS``), whichever is faster: the floor.

    :return: ``(seconds, queries, which settings)``
    """
    cr = env.cr
    cr.execute("RESET jit; RESET work_mem")
    default = best_of(cr, args.runs, hand_call)[:2]
    env["psa.sql.report.mixin"]._psa_tune_reads()
    tuned = best_of(cr, args.runs, hand_call)[:2]
    if default[0] <= tuned[0]:
        return (*default, "with the database's settings")
    return (*tuned, "with the reports' settings")


def time_web_reads(env, args, reads):
    cr, timings, opening = env.cr, {}, []
    for label, call, as_opened in reads:
        call()
        seconds, queries, _result = best_of(cr, args.runs, call)
        timings[label] = seconds
        if as_opened:
            opening.append(seconds)
        print(f"{label:<52} {seconds:7.3f}s {queries:4d} queries", flush=True)
        if args.explain:
            explain(cr, *slowest_query(cr, call)[1:])
    slowest = max(opening)
    verdict = "OK" if slowest < 2 else "OVER TARGET"
    print(
        f"{'slowest read of a view as it opens':<52} {slowest:7.3f}s ({verdict}, < 2 s)"
    )
    return timings


def compare_indexes(env, args, timings, calls):
    """The same reads without the indexes of ``_create_indexes`` (dropped in
    this transaction, which is rolled back)."""
    cr = env.cr
    names = env["psa.report.sources"]._create_indexes()
    for name in names:
        cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    print(f"\nWithout the reporting indexes ({', '.join(names)}):")
    time_against(env, args, timings, calls)


def time_against(env, args, timings, calls):
    """Each read of ``calls`` timed again, printed against ``timings``."""
    print(f"{'read':<52} {'with':>8} {'without':>8}")
    for label, call, *_hand in calls:
        call()
        seconds = best_of(env.cr, args.runs, call)[0]
        print(
            f"{label:<52} {timings[label]:7.3f}s {seconds:7.3f}s"
            f" {seconds / timings[label]:5.2f}x",
            flush=True,
        )


def compare_overrides(env, args, timings, calls):
    """The same reads without each of ``psa.sql.report.mixin``'s overrides of
    Odoo's private ORM methods in turn (the proof that each is needed, or not):
    the read settings (``_psa_tune_reads``), sums of parts (``_read_group_select``)
    and many2one groups ordered without joining the comodel
    (``_psa_group_sort``, ``_order_field_to_sql``)."""
    from odoo import models  # noqa: PLC0415 - once the addons path is set

    mixin = type(env["psa.sql.report.mixin"])

    def untuned(self):
        self.env.cr.execute("RESET jit")

    variants = {
        "without the read settings": {"_psa_tune_reads": untuned},
        "without sums of parts": {
            "_read_group_select": models.BaseModel._read_group_select,
        },
        "without the many2one group order": {
            "_psa_group_sort": lambda self, groupby, order: None,
            "_order_field_to_sql": models.BaseModel._order_field_to_sql,
        },
    }
    for variant, methods in variants.items():
        saved = {name: mixin.__dict__.get(name) for name in methods}
        print(f"\n{variant.capitalize()}:")
        try:
            for name, method in methods.items():
                setattr(mixin, name, method)
            time_against(env, args, timings, calls)
        finally:
            for name, method in saved.items():
                if method is None:
                    delattr(mixin, name)
                else:
                    setattr(mixin, name, method)
            env["psa.sql.report.mixin"]._psa_tune_reads()


def make_project_manager(env):
    """An approver managing one project in 40 (record rules: their projects)."""
    user = env["res.users"].create(
        {
            "name": f"{MARK} Project Manager",
            "login": "bench_reporting_manager",
            "groups_id": [Command.link(env.ref("psa_workflow.group_psa_approver").id)],
        }
    )
    projects = env["project.project"].search(
        [("name", "=like", f"{MARK} Project %")], order="id"
    )
    projects[::40].write({"user_id": user.id})
    env.flush_all()
    return env(user=user, su=False)


def make_billing_user(env):
    user = env["res.users"].create(
        {
            "name": f"{MARK} Billing",
            "login": "bench_reporting_billing",
            "groups_id": [
                Command.link(env.ref("psa_workflow.group_psa_billing").id),
                Command.link(env.ref("hr.group_hr_user").id),
            ],
        }
    )
    return env(user=user, su=False)


def loaded(env):
    return bool(env["psa.role"].search_count([("name", "=like", f"{MARK} %")]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="a throwaway database")
    parser.add_argument("--lines", type=int, default=1000000)
    parser.add_argument("--employees", type=int, default=300)
    parser.add_argument("--projects", type=int, default=400)
    parser.add_argument("--customers", type=int, default=80)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print the plans")
    parser.add_argument(
        "--compare-indexes",
        action="store_true",
        help="measure again without the indexes of psa.report.sources",
    )
    parser.add_argument(
        "--compare-overrides",
        action="store_true",
        help="measure again without each of the reports' ORM overrides",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data loaded by a former run"
    )
    parser.add_argument("--addons-path", default=DEFAULT_ADDONS)
    args = parser.parse_args()

    results = {}
    with committed_env(args.db, args.addons_path) as env:
        if loaded(env) and not args.reuse:
            sys.exit(f"{args.db} already holds the benchmark's data: pass --reuse")
        if not loaded(env):
            results = load(env, args)
    if results:
        start = time.perf_counter()
        vacuum_analyze(args.db, TABLES)
        results["vacuum"] = time.perf_counter() - start
        print(f"{'VACUUM ANALYZE':<52} {results['vacuum']:8.3f} s")
        print(f"{'load, in all':<52} {sum(results.values()):8.3f} s")
    with rolled_back_env(args.db, args.addons_path) as env:
        measure(env, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
