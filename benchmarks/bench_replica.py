# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Read replica benchmark: report reads on the primary vs on a streaming replica.

Usage: ``python3 benchmarks/bench_replica.py --db DB [--addons-path ...]
[--clients 10 --readers 2 --seconds 60 --workers 4 --replica-port 5433]``
on a throwaway psa_workflow database with the demo data (set-up committed),
with the replica of ``tools/replica.sh start`` running.

Odoo is started in prefork mode twice in turn: without a replica, then with
``--db_replica_host /var/run/postgresql --db_replica_port PORT``. In each run
``--clients`` JSON-RPC threads (one consultant each) create 0.25 h timesheets
without pause on the primary, while ``--readers`` threads (the demo approver
``pm``, with a web session) read the reports the way the web client does:
``/web/dataset/call_kw/<model>/web_read_group`` (a read-only route) of the
workload pivot, the utilization by employee and the profitability by customer.
Which database served the reads is measured on the replica itself: its
``pg_stat_database.xact_commit`` for the database before and after each run,
and the Odoo connections sampled in its ``pg_stat_activity``. Prints read
p50 / p95 / count, write throughput, errors and those counts side by side;
exits 1 on any error.
"""

import argparse
import http.cookiejar
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from datetime import date, timedelta

import psycopg2
from bench_common import DEFAULT_ADDONS, REPO, committed_env
from bench_load import Rpc, free_port, make_employees, stop_server, wait_until_up

from odoo import Command

LINE = "account.analytic.line"
SOCKET = "/var/run/postgresql"
# The reports' views as the web client reads them: (label, model, groupby, fields).
READS = (
    (
        "workload pivot",
        "psa.workload.report",
        ["employee_id", "week_start:week"],
        ["capacity_hours:sum", "allocated_hours:sum", "logged_hours:sum"],
    ),
    (
        "utilization",
        "psa.utilization.report",
        ["employee_id"],
        ["capacity_hours:sum", "logged_hours:sum", "billable_hours:sum"],
    ),
    (
        "profitability",
        "psa.profitability.report",
        ["partner_id"],
        ["revenue:sum", "cost:sum", "margin:sum"],
    ),
)
DATE_FIELDS = {
    "psa.workload.report": "week_start",
    "psa.utilization.report": "date",
    "psa.profitability.report": "date",
}


def make_team(env, clients):
    """``clients`` consultants on a T&M project managed by the demo ``pm``
    (reused when they exist); returns ``{login: project id}``."""
    env = env(context=dict(env.context, no_reset_password=True))
    pm = env["res.users"].search([("login", "=", "pm")])
    if not pm:
        raise SystemExit("no demo user 'pm': a database with psa_workflow demo data")
    project = env["project.project"].search([("name", "=", "Replica Bench Project")])
    if not project:
        partner = env["res.partner"].create({"name": "Replica Bench Customer"})
        project = env["project.project"].create(
            {
                "name": "Replica Bench Project",
                "partner_id": partner.id,
                "user_id": pm.id,
                "company_id": env.company.id,
                "psa_billing_type": "time_material",
            }
        )
    role = env["psa.role"].search([("name", "=", "Replica Bench Consultant")])
    role = role or env["psa.role"].create(
        {"name": "Replica Bench Consultant", "default_bill_rate": 110}
    )
    logins = [f"bench_repl_c{i}" for i in range(clients)]
    existing = env["res.users"].search([("login", "in", logins)])
    missing = [login for login in logins if login not in existing.mapped("login")]
    group = env.ref("psa_workflow.group_psa_user")
    users = env["res.users"].create(
        [
            {
                "name": login,
                "login": login,
                "password": login,
                "groups_id": [Command.set(group.ids)],
            }
            for login in missing
        ]
    )
    make_employees(env, dict.fromkeys(users, project), role)
    return dict.fromkeys(logins, project.id)


class WebSession:
    """A web client's session: ``/web/session/authenticate``, then JSON routes."""

    def __init__(self, url, db, login):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self._post(
            "/web/session/authenticate", {"db": db, "login": login, "password": login}
        )

    def _post(self, path, params):
        payload = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        request = urllib.request.Request(
            f"{self.url}{path}", payload.encode(), {"Content-Type": "application/json"}
        )
        with self.opener.open(request, timeout=180) as response:
            answer = json.load(response)
        if error := answer.get("error"):
            raise RuntimeError(error.get("data", {}).get("message") or error["message"])
        return answer["result"]

    def read_group(self, model, domain, fields, groupby):
        kwargs = {"domain": domain, "fields": fields, "groupby": groupby, "lazy": False}
        params = {
            "model": model,
            "method": "web_read_group",
            "args": [],
            "kwargs": kwargs,
        }
        return self._post(f"/web/dataset/call_kw/{model}/web_read_group", params)


class Stats:
    """``pg_stat_database`` of the benchmark's database on one cluster, and the
    Odoo connections to it (read from the ``postgres`` database, so that the
    sampling itself does not count)."""

    def __init__(self, db, port):
        self.db, self.port = db, port

    def _query(self, query, dbname="postgres"):
        connection = psycopg2.connect(host=SOCKET, port=self.port, dbname=dbname)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(query, [self.db])
                return cursor.fetchone()
        finally:
            connection.close()

    def xact_commit(self):
        query = "SELECT xact_commit FROM pg_stat_database WHERE datname = %s"
        return self._query(query)[0]

    def timesheet_scans(self):
        """Scans of the timesheets' table (the reports' source) on this
        cluster: a standby counts its own. No Odoo request but a report read
        scans it on the replica (the other requests only check the registry)."""
        query = """SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0)
                     FROM pg_stat_user_tables
                    WHERE relname = 'account_analytic_line' AND %s IS NOT NULL"""
        return self._query(query, self.db)[0]

    def odoo_connections(self):
        query = """SELECT count(*) FROM pg_stat_activity
                    WHERE datname = %s AND application_name LIKE 'odoo-%%'"""
        return self._query(query)[0]

    def in_recovery(self):
        return self._query("SELECT pg_is_in_recovery() AND %s IS NOT NULL")[0]


class Run:
    """One server run: writers and readers, their latencies and errors."""

    def __init__(self, args, label):
        self.args, self.label, self.lock = args, label, threading.Lock()
        self.latencies, self.errors = defaultdict(list), defaultdict(int)
        self.messages, self.stop = [], threading.Event()
        self.counts = {}

    def timed(self, operation, func, *args):
        start = time.perf_counter()
        try:
            func(*args)
        except Exception as exc:  # every failure is counted, none stops the run
            with self.lock:
                self.errors[operation] += 1
                self.messages.append(f"{operation}: {str(exc).splitlines()[0]}")
        else:
            with self.lock:
                self.latencies[operation].append(time.perf_counter() - start)

    def writer(self, rpc, project_id, offset):
        """0.25 h entries, one a day going back from yesterday (offset days
        apart between runs so that no day nears 24 h)."""
        i = 0
        while not self.stop.is_set():
            day = date.today() - timedelta(days=1 + (offset + i) % 360)
            vals = {
                "project_id": project_id,
                "name": f"Replica bench {self.label} {i}",
                "unit_amount": 0.25,
                "date": day.isoformat(),
            }
            self.timed("write", rpc.execute, LINE, "create", vals)
            i += 1

    def reader(self, session):
        since = (date.today() - timedelta(days=120)).isoformat()
        i = 0
        while not self.stop.is_set():
            _label, model, groupby, fields = READS[i % len(READS)]
            domain = [(DATE_FIELDS[model], ">=", since)]
            self.timed("read", session.read_group, model, domain, fields, groupby)
            i += 1

    def sampler(self, replica, primary):
        while not self.stop.wait(1.0):
            try:
                self.counts["replica conn"] = max(
                    self.counts.get("replica conn", 0), replica.odoo_connections()
                )
                self.counts["primary conn"] = max(
                    self.counts.get("primary conn", 0), primary.odoo_connections()
                )
            except psycopg2.Error:
                self.counts["replica conn"] = self.counts.get("replica conn", 0)

    def percentile(self, operation, fraction):
        ordered = sorted(self.latencies[operation]) or [0.0]
        return ordered[math.ceil(fraction * len(ordered)) - 1] * 1000


def start_server(args, log, replica):
    """Odoo in prefork mode on 127.0.0.1 (with the read replica if asked)."""
    port = free_port()
    command = [
        *(sys.executable, str(REPO / "tools" / "odoo_server.py")),
        *("--database", args.db, "--db-filter", f"^{args.db}$"),
        *("--addons-path", args.addons_path, "--workers", str(args.workers)),
        *("--max-cron-threads", "0", "--http-interface", "127.0.0.1"),
        *("--http-port", str(port), "--gevent-port", str(free_port())),
        *("--log-level", "warn"),
    ]
    if replica:
        command += ["--db_replica_host", SOCKET]
        command += ["--db_replica_port", str(args.replica_port)]
    server = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(server, url)
    return server, url


def run_mode(args, assignments, label, replica, offset):
    run = Run(args, label)
    replica_stats = Stats(args.db, args.replica_port)
    primary_stats = Stats(args.db, args.primary_port)
    with tempfile.TemporaryFile("w+") as log:
        server, url = start_server(args, log, replica)
        try:
            writers = [Rpc(url, args.db, login) for login in assignments]
            readers = [WebSession(url, args.db, "pm") for _i in range(args.readers)]
            for rpc in writers:  # warm the workers (registries, the users' rules)
                rpc.execute(LINE, "search_count", [])
            # The scans are read in the database itself: before the commits
            # counted at the start, after those counted at the end.
            scans = replica_stats.timesheet_scans()
            before = (
                replica_stats.xact_commit(),
                primary_stats.xact_commit(),
                scans,
            )
            threads = [
                threading.Thread(target=run.writer, args=(rpc, project, offset))
                for rpc, project in zip(writers, assignments.values(), strict=True)
            ]
            threads += [threading.Thread(target=run.reader, args=(s,)) for s in readers]
            threads.append(
                threading.Thread(
                    target=run.sampler, args=(replica_stats, primary_stats)
                )
            )
            start = time.perf_counter()
            for thread in threads:
                thread.start()
            time.sleep(args.seconds)
            run.stop.set()
            for thread in threads:
                thread.join()
            run.seconds = time.perf_counter() - start
        finally:
            stop_server(server)
        time.sleep(1.5)  # the backends' statistics are flushed when they exit
        after = (
            replica_stats.xact_commit(),
            primary_stats.xact_commit(),
            replica_stats.timesheet_scans(),
        )
        run.counts["replica scans"] = after[2] - before[2]
        run.counts["replica xact"] = after[0] - before[0]
        run.counts["primary xact"] = after[1] - before[1]
        log.seek(0)
        lines = log.read().splitlines()
    run.counts["ro->rw"] = sum("retrying with a read/write cursor" in x for x in lines)
    run.counts["log errors"] = sum(" ERROR " in x or " CRITICAL " in x for x in lines)
    run.messages += [x for x in lines if " ERROR " in x or "read/write cursor" in x][:5]
    return run


def served(run):
    """Where the reads ran, from the replica's own statistics."""
    reads, scans = len(run.latencies["read"]), run.counts["replica scans"]
    if not scans:
        return "primary"
    return "replica" if scans >= reads else f"mixed ({scans} scans)"


def report(args, runs):
    print(
        f"\n{args.clients} writers (JSON-RPC create), {args.readers} readers "
        f"(web_read_group), {args.seconds:.0f} s a run, {args.workers} workers, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n"
    )
    rows = [
        ("reads served by", served),
        ("reads (count)", lambda r: len(r.latencies["read"])),
        ("read p50 ms", lambda r: f"{r.percentile('read', 0.5):.0f}"),
        ("read p95 ms", lambda r: f"{r.percentile('read', 0.95):.0f}"),
        ("reads/s", lambda r: f"{len(r.latencies['read']) / r.seconds:.1f}"),
        ("writes (count)", lambda r: len(r.latencies["write"])),
        ("writes/s", lambda r: f"{len(r.latencies['write']) / r.seconds:.1f}"),
        ("write p50 ms", lambda r: f"{r.percentile('write', 0.5):.0f}"),
        ("write p95 ms", lambda r: f"{r.percentile('write', 0.95):.0f}"),
        ("errors (read/write)", lambda r: f"{r.errors['read']}/{r.errors['write']}"),
        ("ro->rw retries (log)", lambda r: r.counts["ro->rw"]),
        ("server log errors", lambda r: r.counts["log errors"]),
        ("replica xact_commit delta", lambda r: r.counts["replica xact"]),
        ("replica timesheet scans", lambda r: r.counts["replica scans"]),
        ("primary xact_commit delta", lambda r: r.counts["primary xact"]),
        ("max Odoo conns on replica", lambda r: r.counts.get("replica conn", 0)),
        ("max Odoo conns on primary", lambda r: r.counts.get("primary conn", 0)),
    ]
    print(f"{'':<28}" + "".join(f"{run.label:>16}" for run in runs))
    for name, value in rows:
        print(f"{name:<28}" + "".join(f"{value(run)!s:>16}" for run in runs))
    for run in runs:
        for message in run.messages[:5]:
            print(f"  {run.label}: {message}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="a throwaway psa_workflow database")
    parser.add_argument("--addons-path", default=DEFAULT_ADDONS)
    parser.add_argument("--clients", type=int, default=10, help="writer threads")
    parser.add_argument("--readers", type=int, default=2, help="reader threads")
    parser.add_argument("--seconds", type=float, default=60, help="per run")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--primary-port", type=int, default=5432)
    parser.add_argument(
        "--replica-port",
        type=int,
        default=int(os.environ.get("PSA_REPLICA_PORT", "5433")),
    )
    args = parser.parse_args()
    try:
        ready = Stats(args.db, args.replica_port).in_recovery()
    except psycopg2.OperationalError:
        ready = False
    if not ready:
        print(
            f"no replica on port {args.replica_port}: run 'bash tools/replica.sh start'"
        )
        return 1
    with committed_env(args.db, args.addons_path) as env:
        assignments = make_team(env, args.clients)
    runs = []
    for offset, (label, replica) in enumerate(
        (("primary only", False), ("with replica", True))
    ):
        print(f"run: {label} ({args.seconds:.0f} s)", flush=True)
        run = run_mode(args, assignments, label, replica, offset * 180)
        runs.append(run)
    report(args, runs)
    errors = sum(sum(run.errors.values()) + run.counts["log errors"] for run in runs)
    print(f"\nerrors {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
