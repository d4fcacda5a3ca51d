# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the benchmark scripts share: the addons path, a registry opened on a
database in a transaction that is always rolled back, and a timed step."""

import contextlib
import os
import time
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

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
