# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How the addon's tests are shared out (tools/test.sh): the HTTP and browser
tests (Odoo's ``HttpCase``) are marked ``browser`` and run in one process on
the test database, after the others, which pytest-xdist spreads over the cores
(``--dist loadgroup``: a test class stays on one worker, its fixtures built
once). Tours run on a worker's copy of the database, beside another worker,
sometimes never began on a small machine."""

import time

import pytest


def _is_http_case(cls):
    # By name: importing Odoo's test framework here, before pytest-odoo sets
    # the test mode, would log an error.
    return any(
        base.__name__ == "HttpCase" and base.__module__ == "odoo.tests.common"
        for base in cls.__mro__
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: an HTTP or browser test (Odoo's HttpCase)"
    )


# Odoo skips a tour whose Chromium has not written its DevTools port within
# 10 s, or has not answered on that port within 3 s; on a busy machine it
# sometimes takes longer, and a skipped tour fails the run (tools/test.sh).
# Wait up to a minute for both instead.
CHROME_START_SECONDS = 60


def _wait_longer_for_chrome():
    from odoo.tests import common  # noqa: PLC0415 (not before pytest-odoo sets the test mode)

    iterations = int(CHROME_START_SECONDS / common.CHECK_BROWSER_SLEEP)
    common.CHECK_BROWSER_ITERATIONS = max(common.CHECK_BROWSER_ITERATIONS, iterations)
    common.BROWSER_WAIT = common.CHECK_BROWSER_SLEEP * common.CHECK_BROWSER_ITERATIONS

    open_websocket = common.ChromeBrowser._open_websocket
    if getattr(open_websocket, "psa_patient", False):
        return

    def patient_open_websocket(browser):
        _wait_for_blank_page(browser, common.HOST)
        return open_websocket(browser)

    patient_open_websocket.psa_patient = True
    common.ChromeBrowser._open_websocket = patient_open_websocket


def _wait_for_blank_page(browser, host):
    """Wait until Chromium lists its first page on the DevTools port; Odoo's
    own check then answers at once."""
    import requests  # noqa: PLC0415

    url = f"http://{host}:{browser.devtools_port}/json/list"
    deadline = time.monotonic() + CHROME_START_SECONDS
    while time.monotonic() < deadline and browser.chrome.poll() is None:
        try:
            targets = requests.get(url, timeout=10).json()
        except (requests.RequestException, ValueError):
            targets = []
        if any(t.get("type") == "page" for t in targets):
            return
        time.sleep(0.5)


def pytest_collection_modifyitems(items):
    # The test modules are imported by now, Odoo's test framework with them.
    if any(_is_http_case(getattr(item, "cls", None) or object) for item in items):
        _wait_longer_for_chrome()
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is not None and _is_http_case(cls):
            item.add_marker(pytest.mark.browser)
            group = "browser"
        else:
            group = item.nodeid.rsplit("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))
