# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two workers invoicing the same entries at the same moment, on two real
database connections: an entry is billed once, whatever the interleaving."""

from contextlib import closing

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged
from odoo.tools import mute_logger

from .race_common import DAY, PsaRaceCase


@tagged("post_install", "-at_install")
class TestInvoicingRace(PsaRaceCase):
    TAG = "PSA race test"

    def setUp(self):
        super().setUp()
        self.ids["lines"] = self._approved(1.0, 2.0, 3.0)

    def _links(self):
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            links = env["psa.invoice.link"].search(
                [("timesheet_id", "in", self.ids["lines"]), ("state", "=", "invoiced")]
            )
            return len(links), len(links.move_id)

    def test_worker_holding_the_rows_wins_the_other_skips_them(self):
        cr_a, env_a, project_a = self._worker()
        cr_b, env_b, project_b = self._worker()
        with closing(cr_a), closing(cr_b):
            result_a = env_a["psa.invoicing.engine"]._invoice_projects(
                project_a, date_to=DAY
            )
            self.assertEqual(len(result_a["moves"]), 1)
            # B runs while A holds the locks, uncommitted: it skips the rows.
            result_b = env_b["psa.invoicing.engine"]._invoice_projects(
                project_b, date_to=DAY
            )
            self.assertFalse(result_b["moves"])
            cr_b.commit()
            cr_a.commit()
        self.assertEqual(self._links(), (3, 1))

    def test_worker_seeing_stale_rows_fails_and_a_retry_bills_nothing(self):
        cr_a, env_a, project_a = self._worker()
        cr_b, env_b, project_b = self._worker()
        with closing(cr_a), closing(cr_b):
            # B's snapshot is taken before A commits.
            env_b.cr.execute("SELECT 1")
            env_a["psa.invoicing.engine"]._invoice_projects(project_a, date_to=DAY)
            cr_a.commit()
            with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
                env_b["psa.invoicing.engine"]._invoice_projects(project_b, date_to=DAY)
            cr_b.rollback()
            env_b.invalidate_all()
            # What Odoo does for an RPC on a serialization failure: try again.
            retry = env_b["psa.invoicing.engine"]._invoice_projects(
                project_b, date_to=DAY
            )
            self.assertFalse(retry["moves"])
            cr_b.commit()
        self.assertEqual(self._links(), (3, 1))
