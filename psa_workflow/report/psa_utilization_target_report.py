# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.psa_validation import check_no_arguments
from .psa_utilization_report import PsaUtilizationReport

SERIES = [("utilization", "Utilization"), ("target", "Target")]


class PsaUtilizationTargetReport(models.Model):
    """Utilization against target as two series of one measure, the form
    Odoo's graph view draws (it draws one measure at a time): every row of
    ``psa.utilization.report`` of billable staff twice, once as utilization
    (billable hours) and once as target (target hours), both over the same
    capacity. Grouped by employee and series, the graph shows each
    employee's utilization bar beside their target bar."""

    _name = "psa.utilization.target.report"
    _inherit = ["psa.capacity.report.mixin", "psa.ratio.report.mixin"]
    _description = "PSA Utilization vs Target"
    _auto = False
    _order = "date desc, employee_id, series"
    _rec_name = "employee_id"
    _psa_ratios = {"percent": ("hours", "capacity_hours")}
    _depends = PsaUtilizationReport._depends

    date = fields.Date(readonly=True)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    role_id = fields.Many2one("psa.role", readonly=True, help="Default role.")
    company_id = fields.Many2one("res.company", readonly=True)
    project_id = fields.Many2one(
        "project.project", readonly=True, help="Empty on capacity rows."
    )
    timesheet_id = fields.Many2one("account.analytic.line", readonly=True)
    series = fields.Selection(SERIES, readonly=True, required=True)
    hours = fields.Float(
        string="Series Hours",
        readonly=True,
        help="Billable hours (utilization) or target hours (target).",
    )
    capacity_hours = fields.Float(
        string="Staff Capacity",
        readonly=True,
        help="Capacity of billable staff: the base of both series.",
    )
    percent = fields.Float(
        string="Percent of Capacity",
        readonly=True,
        aggregator="avg",
        help="Series hours / capacity: utilization, or the target. Empty (—) "
        "without capacity.",
    )

    @property
    def _table_query(self):
        # One pass over the utilization rows, each read twice by the join.
        return SQL(
            """
            SELECT u.id * 2 + (s.series = 'target')::int AS id, u.date,
                   u.employee_id, u.department_id, u.role_id, u.company_id,
                   u.project_id, u.timesheet_id, s.series,
                   CASE WHEN s.series = 'utilization' THEN u.staff_billable_hours
                        ELSE u.target_hours END AS hours,
                   u.staff_capacity_hours AS capacity_hours,
                   0.0 AS percent
              FROM (%(utilization)s) u
             CROSS JOIN (VALUES ('utilization'), ('target')) AS s(series)
             WHERE u.billable_staff
            """,
            utilization=self.env["psa.utilization.report"]._table_query,
        )

    @api.model
    def action_open_utilization_target(self, *args, **kwargs):
        check_no_arguments(self.env, "action_open_utilization_target", args, kwargs)
        self._psa_ensure_capacity()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "psa_workflow.psa_utilization_target_report_action"
        )
