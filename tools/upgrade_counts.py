"""Count what an upgrade must keep: the rows of every table of the addon's
models and of the Odoo tables it extends, and the stored values (non-null
count) of each of their columns. ``--save F`` writes them; ``--compare F``
prints what changed and exits 1 if anything was lost."""

import argparse
import json
import sys

import psycopg2
from psycopg2 import sql

# Odoo's tables the addon adds columns or rows to.
EXTENDED = (
    "account_analytic_line",
    "account_move",
    "account_move_line",
    "hr_employee",
    "hr_expense",
    "hr_expense_sheet",
    "project_project",
    "project_task",
    "project_milestone",
    "res_company",
    "res_partner",
)


def counts(cr):
    cr.execute(
        """
        SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
           AND (table_name LIKE 'psa\\_%%' OR table_name = ANY(%s))
         ORDER BY table_name
        """,
        [list(EXTENDED)],
    )
    result = {}
    for (table,) in cr.fetchall():
        cr.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = %s ORDER BY 1",
            [table],
        )
        columns = [row[0] for row in cr.fetchall()]
        cr.execute(
            sql.SQL("SELECT count(*), {} FROM {}").format(
                sql.SQL(", ").join(
                    sql.SQL("count({})").format(sql.Identifier(c)) for c in columns
                ),
                sql.Identifier(table),
            )
        )
        row = cr.fetchone()
        result[table] = {"rows": row[0], **dict(zip(columns, row[1:], strict=True))}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save")
    group.add_argument("--compare")
    args = parser.parse_args()
    with psycopg2.connect(dbname=args.db) as conn, conn.cursor() as cr:
        now = counts(cr)
    if args.save:
        with open(args.save, "w") as file:
            json.dump(now, file)
        print(f"{len(now)} tables, {sum(t['rows'] for t in now.values())} rows counted")
        return 0
    with open(args.compare) as file:
        before = json.load(file)
    lost, gained = [], []
    for table, columns in before.items():
        after = now.get(table)
        if after is None:
            lost.append(f"{table}: table gone ({columns['rows']} rows)")
            continue
        for column, count in columns.items():
            new = after.get(column)
            if new is None:
                if count:
                    lost.append(f"{table}.{column}: column gone ({count} values)")
            elif new < count:
                lost.append(f"{table}.{column}: {count} -> {new}")
            elif new > count:
                gained.append(f"{table}.{column}: {count} -> {new}")
    for table in sorted(set(now) - set(before)):
        gained.append(f"{table}: new table ({now[table]['rows']} rows)")
    rows = sum(t["rows"] for t in before.values())
    print(f"{len(before)} tables, {rows} rows and their stored values compared")
    for line in gained:
        print(f"  more: {line}")
    for line in lost:
        print(f"  LOST: {line}")
    if lost:
        return 1
    print("upgrade kept every record and every stored value")
    return 0


if __name__ == "__main__":
    sys.exit(main())
