"""Check the invoicing invariants of a database (psa.invoice.invariant):
no entry invoiced without a live invoice link (nor the reverse), every
invoice line's entries adding up to its subtotal to the cent, no fixed-price
schedule above its contract.

    python3 tools/check_invariants.py DATABASE

Prints each violation and their count; exits 1 if there is any.
"""

import sys

from addons_path import addons_path

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry


def main(database):
    odoo.tools.config.parse_config(
        ["--log-level=warn", f"--addons-path={addons_path()}"]
    )
    with Registry(database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        violations = env["psa.invoice.invariant"]._violations()
        links = env["psa.invoice.link"].search_count([("state", "=", "invoiced")])
        cr.rollback()
    for violation in violations:
        print(violation)
    print(f"{database}: {len(violations)} violations ({links} live invoice links)")
    return 1 if violations else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
