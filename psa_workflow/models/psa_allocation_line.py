# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .psa_validation import sql_check


class PsaAllocationLine(models.Model):
    """One day of an allocation: the hours planned that day. Derived data,
    rebuilt by ``psa.allocation._spread``; the reports sum these rows in SQL."""

    _name = "psa.allocation.line"
    _description = "PSA Allocation Day"
    _order = "date, id"
    _log_access = False

    allocation_id = fields.Many2one(
        "psa.allocation", required=True, ondelete="cascade", index=True
    )
    # Copies of the allocation's keys, written with the line, so that reports
    # group without joins and an allocation change rewrites its lines once.
    employee_id = fields.Many2one("hr.employee", index=True, ondelete="cascade")
    role_id = fields.Many2one("psa.role", index=True, ondelete="set null")
    project_id = fields.Many2one("project.project", required=True, ondelete="cascade")
    task_id = fields.Many2one("project.task", ondelete="set null")
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    state = fields.Selection(
        selection=[("tentative", "Tentative"), ("confirmed", "Confirmed")],
        required=True,
    )
    date = fields.Date(required=True, index=True)
    hours = fields.Float(digits=(16, 2))
    planned_revenue = fields.Monetary(
        currency_field="company_currency_id",
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
        help="Hours x the rate of the project's rate chain, for time & materials "
        "projects, in company currency.",
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")

    _sql_constraints = [
        (
            "hours_range",
            sql_check("hours", 0),
            "A day of an allocation must have a finite number of hours, not negative.",
        ),
        (
            "planned_revenue_finite",
            sql_check("planned_revenue", 0),
            "The planned revenue of an allocation must be a finite number, not "
            "negative.",
        ),
    ]
