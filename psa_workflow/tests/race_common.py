# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests that race two real database connections: the data is committed (other
connections must see it) and removed after each test."""

from contextlib import closing, contextmanager
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase
from odoo.tests.common import get_db_name

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

DAY = date(2026, 1, 5)


class PsaRaceCase(BaseCase):
    """A customer, a time & materials project and a billable employee,
    committed; ``_worker()`` opens another connection on them."""

    TAG = "PSA race test"

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self._env() as env:
            role = env["psa.role"].create(
                {"name": self.TAG, "default_bill_rate": 100.0}
            )
            partner = env["res.partner"].create({"name": self.TAG, "is_company": True})
            project = env["project.project"].create(
                {
                    "name": self.TAG,
                    "partner_id": partner.id,
                    "company_id": env.company.id,
                }
            )
            employee = env["hr.employee"].create(
                {
                    "name": self.TAG,
                    "psa_role_ids": [(6, 0, role.ids)],
                    "psa_default_role_id": role.id,
                }
            )
            self.ids = {
                "role": role.id,
                "partner": partner.id,
                "project": project.id,
                "employee": employee.id,
            }
        self.addCleanup(self._cleanup)

    @contextmanager
    def _env(self):
        """An environment on a transaction of its own, committed at the end."""
        with closing(self.registry.cursor()) as cr:
            yield api.Environment(cr, SUPERUSER_ID, dict(DISABLED_MAIL_CONTEXT))
            # Other connections must see the data: this test commits on purpose.
            cr.commit()  # pylint: disable=invalid-commit

    def _cleanup(self):
        with self._env() as env:
            ids = self.ids
            lines = env["account.analytic.line"].search(
                [("employee_id", "=", ids["employee"])]
            )
            env["psa.invoice.link"].search(
                [("timesheet_id", "in", lines.ids)]
            ).move_id.unlink()
            lines._psa_write_state({"psa_state": "draft"})
            lines.unlink()
            employee = env["hr.employee"].browse(ids["employee"])
            contact = employee.work_contact_id
            employee.unlink()
            contact.unlink()
            env["project.project"].browse(ids["project"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
            env["psa.role"].browse(ids["role"]).unlink()

    def _approved(self, *hours, day=DAY, project_id=None, **project_vals):
        """Approved timesheets of the project (or ``project_id``; written
        first with ``project_vals``), committed."""
        with self._env() as env:
            project = env["project.project"].browse(project_id or self.ids["project"])
            project.write(project_vals)
            lines = env["account.analytic.line"].create(
                [
                    {
                        "project_id": project.id,
                        "employee_id": self.ids["employee"],
                        "name": self.TAG,
                        "unit_amount": amount,
                        "date": day,
                    }
                    for amount in hours
                ]
            )
            lines._psa_write_state({"psa_state": "approved"})
            return lines.ids

    def _worker(self):
        cr = self.registry.cursor()
        env = api.Environment(cr, SUPERUSER_ID, dict(DISABLED_MAIL_CONTEXT))
        return cr, env, env["project.project"].browse(self.ids["project"])
