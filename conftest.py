# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How pytest-xdist shares the tests among its workers (``--dist loadgroup``):
a test class stays on one worker (its fixtures are built once), and the
browser tests all run on the same worker, one after the other: two headless
Chromiums and two asset builds at once on a small machine make a tour miss
its start."""

import pytest


def _is_http_case(cls):
    # By name: importing Odoo's test framework here, before pytest-odoo sets
    # the test mode, would log an error.
    return any(
        base.__name__ == "HttpCase" and base.__module__ == "odoo.tests.common"
        for base in cls.__mro__
    )


def pytest_collection_modifyitems(items):
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is not None and _is_http_case(cls):
            group = "browser"
        else:
            group = item.nodeid.rsplit("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))
