# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Load benchmark: consultants, approvers and billing over JSON-RPC, prefork Odoo.

Usage: ``bash benchmarks/bench.sh load [--consultants 10 --approvers 2
--entries 20 --workers 4 --timeout 300]`` (a throwaway database: set-up committed).

A firm (a role with a bill rate; per approver a customer and a T&M project;
consultants on the teams; a billing user) is created, Odoo started in prefork
mode on 127.0.0.1, then each consultant's thread creates timesheets (one call
each, weekdays of the last two weeks, <= 8 h a day) and submits them 5 at a
time while each approver's thread polls and approves their project's, until
all is approved or the timeout. One billing run then invoices all projects and
every timesheet must be invoiced exactly once. Prints per operation count,
throughput, p50 / p95 latency and errors; exits 1 on any error.
"""

import argparse
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import date, timedelta

from bench_common import DEFAULT_ADDONS, REPO, committed_env, rolled_back_env

from odoo import Command

LINE, WIZARD = "account.analytic.line", "psa.invoice.create"
OPERATIONS = ("create", "submit", "search-to-approve", "approve", "invoice run")


def make_firm(env, args):
    """The firm; returns the project ids and ``{consultant login: project id}``."""
    # Mail tracking on, as in the UI: the projects' managers follow them.
    env = env(context=dict(env.context, no_reset_password=True))
    role = env["psa.role"].create({"name": "Load Consultant", "default_bill_rate": 120})

    def users(logins, group):
        group = env.ref(f"psa_workflow.group_psa_{group}")
        groups = {"groups_id": [Command.set(group.ids)]}
        return env["res.users"].create(
            [
                {"name": login, "login": login, "password": login} | groups
                for login in logins
            ]
        )

    approvers = users([f"bench_a{i}" for i in range(args.approvers)], "approver")
    users(["bench_billing"], "billing")
    projects = env["project.project"].create(
        [
            {
                "name": f"Load Project {i}",
                "partner_id": env["res.partner"].create({"name": f"Customer {i}"}).id,
                "user_id": approver.id,
                "company_id": env.company.id,
                "psa_billing_type": "time_material",
            }
            for i, approver in enumerate(approvers)
        ]
    )
    consultants = users([f"bench_c{i}" for i in range(args.consultants)], "user")
    team = {user: projects[i % len(projects)] for i, user in enumerate(consultants)}
    make_employees(env, team, role)
    return projects.ids, {user.login: project.id for user, project in team.items()}


class Rpc:
    """One user's JSON-RPC client (``/jsonrpc``, uid + password)."""

    def __init__(self, url, db, login):
        self.url, self.db, self.login = f"{url}/jsonrpc", db, login
        self.uid = self._call("common", "login", [db, login, login])
        if not self.uid:
            raise RuntimeError(f"{login} cannot log in")

    def _call(self, service, method, args):
        params = {"service": service, "method": method, "args": args}
        payload = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        request = urllib.request.Request(
            self.url, payload.encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=180) as response:
            answer = json.load(response)
        if error := answer.get("error"):
            raise RuntimeError(error.get("data", {}).get("message") or error["message"])
        return answer["result"]

    def execute(self, model, method, *args):
        args = [self.db, self.uid, self.login, model, method, list(args)]
        return self._call("object", "execute_kw", args)


class Load:
    """The users' threads, with the latencies and errors they share."""

    def __init__(self, args):
        self.args, self.lock = args, threading.Lock()
        self.latencies, self.errors = defaultdict(list), defaultdict(int)
        self.messages, self.approved = [], defaultdict(int)
        self.deadline = time.monotonic() + args.timeout
        self.consultants_done = threading.Event()

    def error(self, operation, message):
        with self.lock:
            self.errors[operation] += 1
            self.messages.append(f"{operation}: {message}")

    def timed(self, operation, func, *args):
        """``func(*args)``, timed; None (and an error counted) if it raises."""
        start = time.perf_counter()
        try:
            return func(*args)
        except Exception as exc:  # every failure is counted, none stops the run
            self.error(operation, (str(exc) or repr(exc)).splitlines()[0])
            return None
        finally:
            with self.lock:
                self.latencies[operation].append(time.perf_counter() - start)

    def consultant(self, rpc, project_id):
        entries = self.args.entries
        days = [date.today() - timedelta(days=n) for n in range(1, 15)]
        days = [day for day in days if day.weekday() < 5]
        hours = min(4.0, math.floor(8 * 4 / math.ceil(entries / len(days))) / 4)
        pending = []
        for i in range(entries):
            if time.monotonic() > self.deadline:
                self.error("create", "timeout")
                break
            vals = {
                "project_id": project_id,
                "name": f"Entry {i}",
                "unit_amount": hours,
                "date": days[i % len(days)].isoformat(),
            }
            line_id = self.timed("create", rpc.execute, LINE, "create", vals)
            pending += [line_id] if line_id else []
            if pending and (len(pending) == 5 or i == entries - 1):
                self.timed("submit", rpc.execute, LINE, "action_psa_submit", pending)
                pending = []

    def approver(self, rpc, expected):
        domain = [("psa_state", "=", "submitted"), ("project_id.user_id", "=", rpc.uid)]
        while self.approved[rpc.uid] < expected and time.monotonic() < self.deadline:
            ids = self.timed("search-to-approve", rpc.execute, LINE, "search", domain)
            if ids:
                ok = self.timed("approve", rpc.execute, LINE, "action_psa_approve", ids)
                if not ok:
                    return
                self.approved[rpc.uid] += len(ids)
            elif ids is None or self.consultants_done.is_set():
                return
            else:
                time.sleep(0.2)

    def log_in(self, url, login):
        """A user's client, warmed up (workers' registries, the user's rules)."""
        rpc = Rpc(url, self.args.db, login)
        for _round in range(self.args.workers):
            rpc.execute(LINE, "search_count", [])
        return rpc

    def run(self, url, project_ids, assignments):
        """The load phase, then the invoice run; returns their seconds."""
        approvers = {f"bench_a{i}": p for i, p in enumerate(project_ids)}
        logins = [*assignments, *approvers, "bench_billing"]
        with ThreadPoolExecutor(2 * self.args.workers) as pool:
            rpcs = pool.map(lambda login: self.log_in(url, login), logins)
            clients = dict(zip(logins, rpcs, strict=True))
        start, entries = time.perf_counter(), self.args.entries
        per_project = Counter(assignments.values())
        with ThreadPoolExecutor(len(logins)) as pool:
            consultants = [
                pool.submit(self.consultant, clients[login], project)
                for login, project in assignments.items()
            ]
            for login, project in approvers.items():
                pool.submit(
                    self.approver, clients[login], per_project[project] * entries
                )
            wait(consultants, timeout=max(0.0, self.deadline - time.monotonic()))
            self.consultants_done.set()  # the approvers stop when none is left
        load_seconds = time.perf_counter() - start
        total = len(assignments) * entries
        if sum(self.approved.values()) != total:
            self.error("approve", f"{sum(self.approved.values())} of {total} approved")
        start = time.perf_counter()
        self.invoice(clients["bench_billing"], project_ids)
        return load_seconds, time.perf_counter() - start

    def invoice(self, billing, project_ids):
        """One billing run over every project: the "Create invoices" wizard."""

        def invoice_run():
            vals = {"project_ids": [Command.set(project_ids)], "grouping": "project"}
            wizard = billing.execute(WIZARD, "create", vals)
            return billing.execute(WIZARD, "action_create_invoices", [wizard])

        action = self.timed("invoice run", invoice_run)
        if action and action.get("tag") == "display_notification":
            self.error("invoice run", action["params"]["message"])

    def report(self, load_seconds, invoice_seconds):
        print(f"\n{'operation':<18} {'count':>6} {'ops/s':>7} {'p50 ms':>7}", end="")
        print(f" {'p95 ms':>7} {'errors':>6}")
        for operation in OPERATIONS:
            ordered = sorted(self.latencies[operation]) or [0.0]
            p50, p95 = (ordered[math.ceil(p * len(ordered)) - 1] for p in (0.5, 0.95))
            count = len(self.latencies[operation])
            seconds = invoice_seconds if operation == "invoice run" else load_seconds
            print(
                f"{operation:<18} {count:>6} {count / seconds:>7.1f} {p50 * 1000:>7.0f}"
                f" {p95 * 1000:>7.0f} {self.errors[operation]:>6}"
            )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_employees(env, team, role):
    """An employee with ``role`` for each user of ``team`` ({user: project}),
    on that project's team."""
    env["hr.employee"].create(
        [
            {
                "name": user.name,
                "user_id": user.id,
                "psa_role_ids": [Command.set(role.ids)],
                "psa_default_role_id": role.id,
                "psa_project_member_ids": [Command.create({"project_id": project.id})],
            }
            for user, project in team.items()
        ]
    )


def start_server(args, log):
    """Odoo in prefork mode on 127.0.0.1, in its own process group."""
    port = free_port()
    command = [
        *(sys.executable, str(REPO / "tools" / "odoo_server.py")),
        *("--database", args.db, "--db-filter", f"^{args.db}$"),
        *("--addons-path", args.addons_path, "--workers", str(args.workers)),
        *("--max-cron-threads", "0", "--http-interface", "127.0.0.1"),
        *("--http-port", str(port), "--gevent-port", str(free_port())),
        *("--log-level", "warn"),
    ]
    server = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(server, url)
    return server, url


def wait_until_up(server, url, seconds=60):
    """Wait for ``/web/health`` of the server started as ``server``; stop it
    and raise if it does not answer in time."""
    for _attempt in range(seconds * 2):
        try:
            with urllib.request.urlopen(f"{url}/web/health", timeout=2):
                return
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.5)
    stop_server(server)
    raise RuntimeError("the Odoo server did not start")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def server_log_summary(log):
    """Serialization failures (Odoo retries the request) and other errors."""
    log.seek(0)
    lines = log.read().splitlines()
    retried = sum("could not serialize access" in line for line in lines)
    errors = [line for line in lines if " ERROR " in line and "bad query" not in line]
    print(f"server log: {retried} serialization failures (retried by Odoo), ", end="")
    print(f"{len(errors)} other errors", *errors[:5], sep="\n  ")


def check_invoiced(args, project_ids, load):
    """Every timesheet invoiced, with exactly one invoice link."""
    with rolled_back_env(args.db, args.addons_path) as env:
        env.cr.execute(
            """
            SELECT count(*), count(*) FILTER (WHERE l.psa_state = 'invoiced'),
                   count(*) FILTER (WHERE (SELECT count(*) FROM psa_invoice_link k
                                            WHERE k.timesheet_id = l.id) <> 1)
              FROM account_analytic_line l
             WHERE l.project_id = ANY(%s)
            """,
            [project_ids],
        )
        lines, invoiced, not_once = env.cr.fetchone()
    expected = args.consultants * args.entries
    print(f"timesheets {lines}, invoiced {invoiced}, not linked once {not_once}")
    if not lines == invoiced == expected or not_once:
        load.error("check", f"{invoiced} of {expected} timesheets invoiced once")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="a throwaway psa_workflow database")
    parser.add_argument("--addons-path", default=DEFAULT_ADDONS)
    for option, default in [("consultants", 10), ("approvers", 2), ("workers", 4)]:
        parser.add_argument(f"--{option}", type=int, default=default)
    parser.add_argument("--entries", type=int, default=20, help="per consultant")
    parser.add_argument("--timeout", type=float, default=300, help="seconds, in all")
    args = parser.parse_args()
    wall = time.perf_counter()
    with committed_env(args.db, args.addons_path) as env:
        project_ids, assignments = make_firm(env, args)
    load = Load(args)
    with tempfile.TemporaryFile("w+") as log:
        server, url = start_server(args, log)
        try:
            load_seconds, invoice_seconds = load.run(url, project_ids, assignments)
        finally:
            stop_server(server)
            server_log_summary(log)
    check_invoiced(args, project_ids, load)
    print(
        f"{args.consultants} consultants x {args.entries} entries, "
        f"{args.approvers} approvers, {args.workers} workers, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    load.report(load_seconds, invoice_seconds)
    errors = sum(load.errors.values())
    print(
        f"\nload phase {load_seconds:.1f} s, invoice run {invoice_seconds:.1f} s, "
        f"total wall time {time.perf_counter() - wall:.1f} s, errors {errors}"
    )
    for message in load.messages[:10]:
        print(f"  {message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
