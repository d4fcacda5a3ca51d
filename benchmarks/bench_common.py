# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the benchmark scripts share: the addons path, a registry opened on a
database in a transaction that is always rolled back, and a timed step."""

import contextlib
import os
import time
from pathlib import Path

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

REPO = Path(__file__).resolve().parent.parent
ODOO_PKG = Path(odoo.__file__).resolve().parent
DEFAULT_ADDONS = ",".join(
    [
        str(path)
        for path in (ODOO_PKG / "addons", ODOO_PKG.parent / "addons")
        if (path / "web").is_dir()
    ]
    + [str(REPO)]
)


_CONFIGURED = []  # Odoo's configuration is parsed once per process


@contextlib.contextmanager
def rolled_back_env(db, addons_path=DEFAULT_ADDONS):
    """A superuser environment on ``db``; nothing done in it is committed."""
    os.environ.setdefault("TZ", "UTC")
    if not _CONFIGURED:
        config.parse_config(["-d", db, "--addons-path", addons_path])
        odoo.netsvc.init_logger()
        _CONFIGURED.append(True)
    cr = Registry(db).cursor()
    try:
        yield api.Environment(cr, SUPERUSER_ID, {})
    finally:
        cr.rollback()
        cr.close()


class Step:
    """Times a block and counts its SQL queries."""

    def __init__(self, cr, label, results):
        self.cr, self.label, self.results = cr, label, results

    def __enter__(self):
        self.queries = self.cr.sql_log_count
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        seconds = time.perf_counter() - self.start
        queries = self.cr.sql_log_count - self.queries
        self.results[self.label] = seconds
        print(f"{self.label:<52} {seconds:8.3f} s {queries:7d} queries", flush=True)


@contextlib.contextmanager
def committed_env(db, addons_path=DEFAULT_ADDONS):
    """A superuser environment on ``db`` whose work is committed if the block
    succeeds (for a throwaway database only: data a benchmark loads once and
    measures many times, with the statistics and visibility of committed rows)."""
    with rolled_back_env(db, addons_path) as env:
        yield env
        env.flush_all()
        env.cr.commit()  # pylint: disable=invalid-commit


def vacuum_analyze(db, tables):
    """``VACUUM ANALYZE`` of ``tables`` (outside a transaction, which VACUUM
    needs), as autovacuum would do after a bulk load."""
    connection = psycopg2.connect(**sql_db.connection_info_for(db)[1])
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(SQL("VACUUM ANALYZE %s", SQL.identifier(table)).code)
    finally:
        connection.close()


@contextlib.contextmanager
def recorded_queries(cr):
    """What ``cr`` executes in the block: ``[(seconds, query, params), ...]``
    (``query`` a string or an ``SQL`` object)."""
    queries = []
    execute = cr.execute

    def recording(query, params=None, log_exceptions=True):
        start = time.perf_counter()
        try:
            return execute(query, params, log_exceptions)
        finally:
            seconds = time.perf_counter() - start
            queries.append((seconds, query, params))

    cr.execute = recording
    try:
        yield queries
    finally:
        del cr.execute


def best_of(cr, runs, func):
    """Run ``func()`` ``runs`` times: ``(best seconds, SQL queries of a run,
    result of the last run)``."""
    best, queries, result = None, 0, None
    for _run in range(runs):
        count = cr.sql_log_count
        start = time.perf_counter()
        result = func()
        seconds = time.perf_counter() - start
        queries = cr.sql_log_count - count
        best = seconds if best is None else min(best, seconds)
    return best, queries, result
