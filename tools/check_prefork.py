#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Start Odoo in prefork mode (the way production runs) and check that it is
healthy: the HTTP workers answer, the websocket (gevent) process accepts a
connection and stays up, and nothing logs a traceback.

    python3 tools/check_prefork.py DATABASE ADDONS_PATH [--workers N]

Ports are chosen free on 127.0.0.1. Exits 1 with the server's log on failure.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url, deadline):
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("addons_path")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    http_port, gevent_port = free_port(), free_port()
    with tempfile.TemporaryFile("w+") as log:
        problems = run_server(args, http_port, gevent_port, log)
        log.seek(0)
        output = log.read()
    starts = output.count("Evented Service (longpolling) running")
    if "Traceback" in output:
        problems.append("the server logged a traceback")
    if starts != 1:
        problems.append(f"the websocket process started {starts} times (expected once)")
    if problems:
        print(output[-6000:])
        print("prefork check failed: " + "; ".join(problems))
        return 1
    print(
        f"prefork check passed: {args.workers} HTTP workers, 1 cron worker and the "
        "websocket process up; a websocket stayed open 5 s; no traceback"
    )
    return 0


def run_server(args, http_port, gevent_port, log):
    """Start the server, probe it, stop it; return the problems seen."""
    server = subprocess.Popen(
        [
            sys.executable,
            os.path.join(HERE, "odoo_server.py"),
            f"--database={args.database}",
            f"--db-filter=^{args.database}$",
            f"--addons-path={args.addons_path}",
            f"--workers={args.workers}",
            "--max-cron-threads=1",
            "--http-interface=127.0.0.1",
            f"--http-port={http_port}",
            f"--gevent-port={gevent_port}",
            "--log-level=info",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    problems = []
    try:
        deadline = time.time() + 60
        if not wait_http(f"http://127.0.0.1:{http_port}/web/health", deadline):
            problems.append("the HTTP workers did not answer /web/health in 60 s")
        elif not wait_http(f"http://127.0.0.1:{gevent_port}/web/health", deadline):
            problems.append("the websocket (gevent) process did not start")
        else:
            ws = websocket.create_connection(
                f"ws://127.0.0.1:{gevent_port}/websocket",
                header=[f"Origin: http://127.0.0.1:{gevent_port}"],
                timeout=10,
            )
            subscribe = {"event_name": "subscribe", "data": {"channels": [], "last": 0}}
            ws.send(json.dumps(subscribe))
            time.sleep(5)  # a crash-looping process restarts about twice a second
            if not ws.connected:
                problems.append("the websocket was closed by the server")
            ws.close()
    except Exception as error:  # reported with the server's log
        problems.append(f"{type(error).__name__}: {error}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    return problems


if __name__ == "__main__":
    sys.exit(main())
