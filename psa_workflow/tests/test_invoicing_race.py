# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two workers invoicing the same entries at the same moment, on two real
database connections: an entry is billed once, whatever the interleaving."""

from contextlib import closing
from datetime import date

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

DAY = date(2026, 1, 5)
TAG = "PSA race test"


@tagged("post_install", "-at_install")
class TestInvoicingRace(BaseCase):
    """Commits its own data (other connections must see it) and removes it."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, dict(DISABLED_MAIL_CONTEXT))
            role = env["psa.role"].create({"name": TAG, "default_bill_rate": 100.0})
            partner = env["res.partner"].create({"name": TAG, "is_company": True})
            project = env["project.project"].create(
                {"name": TAG, "partner_id": partner.id, "company_id": env.company.id}
            )
            employee = env["hr.employee"].create(
                {
                    "name": TAG,
                    "psa_role_ids": [(6, 0, role.ids)],
                    "psa_default_role_id": role.id,
                }
            )
            lines = env["account.analytic.line"].create(
                [
                    {
                        "project_id": project.id,
                        "employee_id": employee.id,
                        "name": TAG,
                        "unit_amount": hours,
                        "date": DAY,
                    }
                    for hours in (1.0, 2.0, 3.0)
                ]
            )
            lines._psa_write_state({"psa_state": "approved"})
            # Other connections must see the data: this test commits on purpose.
            cr.commit()  # pylint: disable=invalid-commit
            self.ids = {
                "role": role.id,
                "partner": partner.id,
                "project": project.id,
                "employee": employee.id,
                "lines": lines.ids,
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            ids = self.ids
            project = env["project.project"].browse(ids["project"])
            moves = (
                env["psa.invoice.link"]
                .search([("timesheet_id", "in", ids["lines"])])
                .move_id
            )
            moves.unlink()
            lines = env["account.analytic.line"].browse(ids["lines"])
            lines._psa_write_state({"psa_state": "draft"})
            lines.unlink()
            employee = env["hr.employee"].browse(ids["employee"])
            contact = employee.work_contact_id
            employee.unlink()
            contact.unlink()
            project.unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
            env["psa.role"].browse(ids["role"]).unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def _worker(self):
        cr = self.registry.cursor()
        env = api.Environment(cr, SUPERUSER_ID, {})
        project = env["project.project"].browse(self.ids["project"])
        return cr, env, project

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
