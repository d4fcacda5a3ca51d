# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.4.0: the scheduled invoicing is the projects' (``project.project.
_cron_psa_invoice_due``). Its scheduled action is kept as the database has it
(``noupdate``: its timing is the firm's); only what it calls moves."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref(
        "psa_workflow.ir_cron_psa_invoice_due_projects", raise_if_not_found=False
    )
    if cron and "_cron_invoice_due_projects" in (cron.code or ""):
        cron.write(
            {
                "model_id": env["ir.model"]._get_id("project.project"),
                "code": cron.code.replace(
                    "_cron_invoice_due_projects", "_cron_psa_invoice_due"
                ),
            }
        )
