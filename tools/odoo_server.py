#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's command line, started from a file.

In prefork mode (``--workers=N``) Odoo starts its websocket (gevent) process by
running ``sys.argv[0]`` again. ``python3 -m odoo`` leaves there a file that
cannot run alone, and the launcher that ``pip install -e`` writes checks every
requirement with ``pkg_resources`` first (which fails on newer wheels' metadata).
This file runs Odoo the way Odoo's own ``odoo-bin`` does, wherever Odoo is
installed, so that every mode (threaded, prefork, gevent) starts the same way.
"""

import os

# Odoo computes dates in UTC: the server's timezone must be UTC before
# anything imports ``time``.
os.environ["TZ"] = "UTC"

import odoo

if __name__ == "__main__":
    odoo.cli.main()
