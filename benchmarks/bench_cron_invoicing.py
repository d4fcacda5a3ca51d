# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the scheduled invoicing run by Odoo's own cron runner.

Usage: ``bash benchmarks/bench.sh cron_invoicing [--lines 1000000 --projects 2000
--timeout 3600]`` (a throwaway database: everything is committed).

The firm and its approved, priced timesheets are built the way
``bench_invoicing`` builds them (bulk SQL, ``--chunk`` lines per transaction),
on projects invoiced monthly and dated in the 120 days up to the end of last
month, so that every project is due. Only the invoicing job is then made due
(the other scheduled actions are postponed a day), and Odoo is started in
prefork mode with one cron worker: its runner calls
``project.project._cron_psa_invoice_due`` up to 10 times per job run, committing in
between, and reschedules the job at once while projects remain
(``ODOO_NOTIFY_CRON_CHANGES`` wakes the worker up). The resident memory of the
cron worker is sampled every 0.5 s until no approved entry of the bench is left
to invoice (or the timeout).

Prints wall time, entries per second, the cron worker's peak RSS, the number of
calls of the job (``ir.cron.progress`` rows), and checks that every timesheet
is invoiced, linked to exactly one invoice line, with one invoice per project.
Exits 1 on any failed check.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from argparse import Namespace
from datetime import date, timedelta

import bench_invoicing
import psutil
import psycopg2
from bench_common import DEFAULT_ADDONS, REPO, committed_env, vacuum_analyze
from bench_invoicing import insert_lines, make_firm
from bench_load import free_port, stop_server, wait_until_up

from odoo import sql_db

CRON_XMLID = "psa_workflow.ir_cron_psa_invoice_due_projects"
MIB = 1024 * 1024


def build(args):
    """Commit the firm and its approved timesheets; return the project ids."""
    last_month_end = date.today().replace(day=1) - timedelta(days=1)
    # bench_invoicing dates its lines START + 0..119 days: the last 120 days
    # of the last full month, so that a monthly run invoices all of them.
    bench_invoicing.START = last_month_end - timedelta(days=119)
    with committed_env(args.db, args.addons_path) as env:
        start = time.perf_counter()
        projects, employees, role = make_firm(env, args)
        projects.write({"psa_invoice_frequency": "monthly"})
        env.flush_all()
        env.cr.commit()  # pylint: disable=invalid-commit
        done = 0
        while done < args.lines:
            chunk = min(args.chunk, args.lines - done)
            insert_lines(env, Namespace(lines=chunk), projects, employees, role)
            env.flush_all()
            env.cr.commit()  # pylint: disable=invalid-commit
            env.invalidate_all()
            done += chunk
        project_ids = projects.ids
    vacuum_analyze(args.db, ["account_analytic_line", "project_project", "hr_employee"])
    print(
        f"setup: {len(project_ids)} monthly projects, {args.lines} approved priced "
        f"timesheets in {time.perf_counter() - start:.1f} s",
        flush=True,
    )
    return project_ids


def connect(db):
    connection = psycopg2.connect(**sql_db.connection_info_for(db)[1])
    connection.autocommit = True
    return connection


def fetch(cursor, query, params=()):
    cursor.execute(query, params)
    return cursor.fetchone()


def make_cron_due(cursor):
    """Only the invoicing job due now; returns its id and progress so far."""
    module, name = CRON_XMLID.split(".")
    (cron_id,) = fetch(
        cursor,
        "SELECT res_id FROM ir_model_data"
        " WHERE module = %s AND name = %s AND model = 'ir.cron'",
        (module, name),
    )
    cursor.execute(
        "UPDATE ir_cron SET nextcall = (now() at time zone 'UTC') + interval '1 day'"
        " WHERE id <> %s AND nextcall < (now() at time zone 'UTC') + interval '1 day'",
        (cron_id,),
    )
    cursor.execute("DELETE FROM ir_cron_trigger")
    cursor.execute(
        "UPDATE ir_cron SET active = TRUE, nextcall = now() at time zone 'UTC'"
        " WHERE id = %s",
        (cron_id,),
    )
    calls, last = fetch(
        cursor,
        "SELECT count(*), COALESCE(max(id), 0) FROM ir_cron_progress"
        " WHERE cron_id = %s",
        (cron_id,),
    )
    return {"id": cron_id, "calls": calls, "last_progress": last}


def start_server(args, log):
    """Odoo in prefork mode with one cron worker, in its own process group."""
    port = free_port()
    command = [
        *(sys.executable, str(REPO / "tools" / "odoo_server.py")),
        *("-d", args.db, "--db-filter", f"^{args.db}$"),
        *("--addons-path", args.addons_path, "--workers", "2"),
        *("--max-cron-threads", "1", "--http-interface", "127.0.0.1"),
        *("--http-port", str(port), "--gevent-port", str(free_port())),
        *("--limit-time-real-cron", "0", "--limit-time-cpu", str(args.limit_time_cpu)),
        *("--limit-memory-soft", "0", "--limit-memory-hard", "0"),
        *("--log-level", "info"),
    ]
    env = dict(os.environ, ODOO_NOTIFY_CRON_CHANGES="1", TZ="UTC")
    server = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env
    )
    wait_until_up(server, f"http://127.0.0.1:{port}", seconds=120)
    return server


class RssSampler(threading.Thread):
    """Every 0.5 s, the RSS of the server's cron worker(s): the children that
    Odoo's ``WorkerCron.start`` made nicer (``os.nice(10)``)."""

    def __init__(self, server_pid):
        super().__init__(daemon=True)
        self.server = psutil.Process(server_pid)
        self.stopped = threading.Event()
        self.peak = {}  # pid: peak RSS
        self.first = {}  # pid: first RSS seen
        self.cpu = {}  # pid: CPU seconds at the last sample

    def run(self):
        while not self.stopped.wait(0.5):
            try:
                children = self.server.children(recursive=True)
            except psutil.NoSuchProcess:
                return
            for child in children:
                try:
                    if child.nice() < 10:
                        continue
                    rss = child.memory_info().rss
                    times = child.cpu_times()
                except psutil.NoSuchProcess:
                    continue
                self.first.setdefault(child.pid, rss)
                self.peak[child.pid] = max(rss, self.peak.get(child.pid, 0))
                self.cpu[child.pid] = times.user + times.system


def wake_cron_worker(db):
    """What ``ir.cron._notifydb`` sends: the cron worker stops sleeping."""
    connection = connect("postgres")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify('cron_trigger', %s)", (db,))
    finally:
        connection.close()


def run_cron(args, cursor, project_ids, job, log):
    """Start the server, wait until nothing is left to invoice; the seconds."""
    remaining_sql = (
        "SELECT count(*) FROM account_analytic_line WHERE project_id = ANY(%s)"
        " AND psa_state = 'approved' AND psa_billable"
    )
    rescheduled_sql = (
        "SELECT nextcall > (now() at time zone 'UTC') + interval '1 hour'"
        " FROM ir_cron WHERE id = %s"
    )
    server = start_server(args, log)
    sampler = RssSampler(server.pid)
    sampler.start()
    try:
        start = time.perf_counter()
        deadline = start + args.timeout
        started = False
        while time.perf_counter() < deadline and server.poll() is None:
            if not started:
                # The worker may not listen yet: notify until the job starts.
                wake_cron_worker(args.db)
                (calls,) = fetch(
                    cursor,
                    "SELECT count(*) FROM ir_cron_progress WHERE cron_id = %s",
                    (job["id"],),
                )
                started = calls > job["calls"]
            elif not fetch(cursor, remaining_sql, (project_ids,))[0]:
                break
            elif fetch(cursor, rescheduled_sql, (job["id"],))[0]:
                break  # fully done, entries left: the checks say which
            time.sleep(2)
        seconds = time.perf_counter() - start
        # The job's last transaction is committed: let the runner finish it.
        time.sleep(1)
    finally:
        sampler.stopped.set()
        sampler.join()
        stop_server(server)
    return seconds, sampler


def check(cursor, args, project_ids, job):
    """Print the integrity checks; return the failures."""
    invoiced, not_once, invoices, amount, billed = fetch(
        cursor,
        """
        WITH links AS (
            SELECT l.id, l.psa_state, l.psa_bill_amount,
                   count(k.id) AS links, min(k.move_id) AS move_id,
                   sum(k.amount) AS amount
              FROM account_analytic_line l
              LEFT JOIN psa_invoice_link k ON k.timesheet_id = l.id
             WHERE l.project_id = ANY(%s)
             GROUP BY l.id
        )
        SELECT count(*) FILTER (WHERE psa_state = 'invoiced'),
               count(*) FILTER (WHERE links <> 1),
               count(DISTINCT move_id),
               COALESCE(sum(amount), 0), COALESCE(sum(psa_bill_amount), 0)
          FROM links
        """,
        (project_ids,),
    )
    (calls,) = fetch(
        cursor, "SELECT count(*) FROM ir_cron_progress WHERE cron_id = %s", (job["id"],)
    )
    (job_seconds,) = fetch(
        cursor,
        "SELECT EXTRACT(EPOCH FROM max(write_date) - min(create_date))"
        " FROM ir_cron_progress WHERE cron_id = %s AND id > %s",
        (job["id"], job["last_progress"]),
    )
    (skipped,) = fetch(
        cursor,
        "SELECT count(*) FROM project_project WHERE id = ANY(%s)"
        " AND psa_invoice_skip_reason IS NOT NULL",
        (project_ids,),
    )
    print(f"cron job calls (ir.cron.progress rows)    {calls - job['calls']}")
    print(f"job time (first call start to last end)   {job_seconds or 0:.1f} s")
    print(f"timesheets invoiced                       {invoiced} / {args.lines}")
    print(f"timesheets not linked exactly once        {not_once}")
    print(f"invoices                                  {invoices} / {args.projects}")
    print(f"projects skipped                          {skipped}")
    print(f"linked amount / billed amount             {amount:,.2f} / {billed:,.2f}")
    failures = []
    if invoiced != args.lines:
        failures.append(f"{args.lines - invoiced} timesheets not invoiced")
    if not_once:
        failures.append(f"{not_once} timesheets not linked exactly once")
    if invoices != args.projects:
        failures.append(f"{invoices} invoices for {args.projects} projects")
    if round(amount - billed, 2):
        failures.append("linked amounts differ from billed amounts")
    return failures


def log_summary(log):
    log.seek(0)
    lines = log.read().splitlines()
    problems = [
        line
        for line in lines
        if " ERROR " in line
        or " CRITICAL " in line
        or "CPU time limit" in line
        or "Exception in cron" in line
        or "skipped" in line
    ]
    calls = sum(
        ") processed " in line and "records remaining" in line for line in lines
    )
    print(f"cron job calls (server log)               {calls}")
    print(f"server log problems                       {len(problems)}")
    for line in problems[:10]:
        print(f"  {line[:300]}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="a throwaway psa_workflow database")
    parser.add_argument("--addons-path", default=DEFAULT_ADDONS)
    parser.add_argument("--lines", type=int, default=1000000)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--chunk", type=int, default=100000, help="setup lines/commit")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds")
    parser.add_argument(
        "--limit-time-cpu",
        type=int,
        default=86400,
        help="CPU seconds of a cron job run before Odoo kills the worker",
    )
    args = parser.parse_args()
    project_ids = build(args)
    connection = connect(args.db)
    try:
        with connection.cursor() as cursor:
            job = make_cron_due(cursor)
            with tempfile.TemporaryFile("w+") as log:
                seconds, sampler = run_cron(args, cursor, project_ids, job, log)
                problems = log_summary(log)
            print(f"lines                                     {args.lines}")
            print(f"projects                                  {args.projects}")
            print(f"wall time (server up to all invoiced)     {seconds:.1f} s")
            rate = args.lines / seconds
            print(f"entries / s                               {rate:,.0f}")
            for pid, peak in sampler.peak.items():
                first, cpu = sampler.first[pid] / MIB, sampler.cpu[pid]
                print(
                    f"cron worker {pid}: RSS at start {first:.0f} MiB, "
                    f"peak {peak / MIB:.0f} MiB, CPU {cpu:.1f} s"
                )
            peak = max(sampler.peak.values(), default=0)
            print(f"peak RSS of the cron worker               {peak / MIB:.0f} MiB")
            failures = check(cursor, args, project_ids, job)
    finally:
        connection.close()
    if not sampler.peak:
        failures.append("no cron worker found")
    if any("CPU time limit" in line for line in problems):
        failures.append("the cron worker was killed (CPU time limit)")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
