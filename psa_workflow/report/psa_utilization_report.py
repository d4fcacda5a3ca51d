# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.psa_validation import check_no_arguments

BILLING_GROUPS = "psa_workflow.group_psa_approver,psa_workflow.group_psa_billing"


class PsaUtilizationReport(models.Model):
    """Capacity, logged, billable and non-billable hours per employee and day,
    with the billable value at the rates of the rate chain and what of it was
    invoiced. One row per capacity day and one per timesheet (so every measure
    sums, and a row opens its entry); percentages are ratios of the sums of a
    group (see ``psa.ratio.report.mixin``):

    - utilization = billable hours / capacity hours, both of billable staff
      only (employees with a utilization target or a default PSA role: see
      ``billable_staff``); others are left out of the ratios, not of the hours
    - target = target hours / capacity hours of billable staff (the
      employee's target, else their default role's)
    - no base (no capacity): ``None``, shown "—"
    - realization = invoiced amount / standard value (billable hours at the
      standard rate of the role the time was logged as)
    """

    _name = "psa.utilization.report"
    _inherit = ["psa.capacity.report.mixin", "psa.ratio.report.mixin"]
    _description = "PSA Utilization"
    _auto = False
    _order = "date desc, employee_id"
    _rec_name = "employee_id"
    _psa_ratios = {
        "utilization": ("staff_billable_hours", "staff_capacity_hours"),
        "target": ("target_hours", "staff_capacity_hours"),
        "realization": ("invoiced_amount", "standard_value"),
    }
    _depends = {
        "psa.employee.capacity": ["employee_id", "company_id", "date", "hours"],
        "account.analytic.line": [
            "employee_id",
            "project_id",
            "company_id",
            "date",
            "unit_amount",
            "psa_billable",
            "psa_state",
            "psa_bill_amount_company",
            "psa_role_id",
        ],
        "hr.employee": [
            "active",
            "department_id",
            "psa_default_role_id",
            "psa_utilization_target",
        ],
        "psa.role": ["utilization_target", "default_bill_rate"],
        "psa.invoice.link": ["timesheet_id", "move_line_id", "state", "amount"],
        "account.move.line": ["parent_state", "balance", "amount_currency"],
    }

    date = fields.Date(readonly=True)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    role_id = fields.Many2one("psa.role", readonly=True, help="Default role.")
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    project_id = fields.Many2one(
        "project.project", readonly=True, help="Empty on capacity rows."
    )
    timesheet_id = fields.Many2one("account.analytic.line", readonly=True)
    capacity_hours = fields.Float(
        string="Capacity",
        readonly=True,
        help="Working hours of the calendar minus time off and public holidays.",
    )
    target_hours = fields.Float(readonly=True, help="Capacity x utilization target.")
    billable_staff = fields.Boolean(
        readonly=True,
        help="Employees with a utilization target or a default PSA role: the "
        "people utilization and target are computed over. Others (no target, no "
        "role) count in the hours, not in the ratios.",
    )
    staff_capacity_hours = fields.Float(
        string="Capacity (Billable Staff)",
        readonly=True,
        help="Capacity of billable staff: the base of utilization and target.",
    )
    staff_billable_hours = fields.Float(
        string="Billable (Billable Staff)",
        readonly=True,
        help="Billable hours of billable staff: utilization's numerator.",
    )
    logged_hours = fields.Float(
        string="Logged",
        readonly=True,
        help="Timesheets on projects, not rejected, up to today (time after "
        "today counts from its day).",
    )
    billable_hours = fields.Float(string="Billable", readonly=True)
    non_billable_hours = fields.Float(string="Non-billable", readonly=True)
    billable_value = fields.Monetary(
        readonly=True,
        groups=BILLING_GROUPS,
        help="Billable hours at the rates of the rate chain, in company currency at "
        "the date of the entry.",
    )
    standard_value = fields.Monetary(
        readonly=True,
        groups=BILLING_GROUPS,
        help="Billable hours at the standard rate (default bill rate) of the role "
        "the time was logged as, else the employee's default role.",
    )
    invoiced_amount = fields.Monetary(
        string="Invoiced",
        readonly=True,
        groups=BILLING_GROUPS,
        help="What posted invoices bill for this time, in company currency at the "
        "invoice's rate.",
    )
    utilization = fields.Float(
        string="Utilization (%)",
        readonly=True,
        aggregator="avg",
        help="Billable hours / capacity hours, of billable staff. Empty (—) "
        "without capacity.",
    )
    target = fields.Float(
        string="Target (%)",
        readonly=True,
        aggregator="avg",
        help="Target hours / capacity hours, of billable staff. Empty (—) "
        "without capacity.",
    )
    realization = fields.Float(
        string="Realization (%)",
        readonly=True,
        aggregator="avg",
        groups=BILLING_GROUPS,
        help="Invoiced amount / standard value.",
    )

    @property
    def _table_query(self):
        # Every column has the same type in both branches (hours and the
        # standard value as float like the timesheets' hours, amounts as
        # numeric): then PostgreSQL flattens the UNION ALL into the query
        # reading the view and sums each branch in parallel workers first.
        return SQL(
            """
            SELECT c.id::bigint * 2 AS id, c.date, c.employee_id, e.department_id,
                   e.psa_default_role_id AS role_id, c.company_id,
                   co.currency_id, NULL::integer AS project_id,
                   NULL::integer AS timesheet_id,
                   c.hours::float8 AS capacity_hours,
                   (c.hours * COALESCE(NULLIF(e.psa_utilization_target, 0),
                                       r.utilization_target, 0) / 100.0)::float8
                       AS target_hours,
                   0.0::float8 AS logged_hours, 0.0::float8 AS billable_hours,
                   0.0::float8 AS non_billable_hours, 0.0 AS billable_value,
                   0.0::float8 AS standard_value,
                   0.0 AS invoiced_amount, 0.0 AS utilization,
                   COALESCE(NULLIF(e.psa_utilization_target, 0),
                            r.utilization_target, 0) AS target,
                   0.0 AS realization,
                   %(staff)s AS billable_staff,
                   CASE WHEN %(staff)s THEN c.hours ELSE 0.0 END::float8
                       AS staff_capacity_hours,
                   0.0::float8 AS staff_billable_hours
              FROM psa_employee_capacity c
              JOIN hr_employee e ON e.id = c.employee_id
              JOIN res_company co ON co.id = c.company_id
              LEFT JOIN psa_role r ON r.id = e.psa_default_role_id
             WHERE e.active
            UNION ALL
            SELECT a.id::bigint * 2 + 1, a.date, a.employee_id, e.department_id,
                   e.psa_default_role_id, a.company_id, a.currency_id, a.project_id,
                   a.id, 0.0::float8, 0.0::float8, a.unit_amount,
                   CASE WHEN a.psa_billable THEN a.unit_amount ELSE 0.0 END,
                   CASE WHEN a.psa_billable THEN 0.0 ELSE a.unit_amount END,
                   CASE WHEN a.psa_billable
                        THEN COALESCE(a.psa_bill_amount_company, 0.0)
                        ELSE 0.0 END,
                   CASE WHEN a.psa_billable
                        THEN a.unit_amount * COALESCE(sr.default_bill_rate, 0.0)
                        ELSE 0.0 END,
                   COALESCE(round(k.amount * aml.balance
                                  / NULLIF(aml.amount_currency, 0), 2), 0.0),
                   0.0, 0.0, 0.0,
                   %(staff)s, 0.0::float8,
                   CASE WHEN a.psa_billable AND %(staff)s
                        THEN a.unit_amount ELSE 0.0 END::float8
              FROM account_analytic_line a
              JOIN hr_employee e ON e.id = a.employee_id
              LEFT JOIN psa_role sr
                     ON sr.id = COALESCE(a.psa_role_id, e.psa_default_role_id)
              LEFT JOIN psa_invoice_link k
                     ON k.timesheet_id = a.id AND k.state = 'invoiced'
              LEFT JOIN account_move_line aml
                     ON aml.id = k.move_line_id AND aml.parent_state = 'posted'
             WHERE a.project_id IS NOT NULL AND e.active
               AND a.psa_state IS DISTINCT FROM 'rejected'
               -- time after today counts from its day (drafts planned ahead)
               AND a.date <= CURRENT_DATE
            """,
            staff=SQL(
                "(COALESCE(e.psa_utilization_target, 0) > 0"
                " OR e.psa_default_role_id IS NOT NULL)"
            ),
        )

    def init(self):
        self.env["psa.report.sources"]._create_view(self)

    @api.model
    def _psa_to_date_domain(self, today):
        """Capacity (and so target) counted up to ``today`` only, time logged
        whatever its date: the "to date" view of a period (the default of the
        dashboard, the pivot and the PDF). Without it: the full period (for
        planning)."""
        return ["|", ("timesheet_id", "!=", False), ("date", "<=", today)]

    @api.model
    def _psa_staff_counts(self, domain):
        """``(billable staff, others)``: the employees with capacity or time
        in ``domain`` who count in the ratios, and those left out."""
        rows = self._read_group(
            domain, ["billable_staff"], ["employee_id:count_distinct"]
        )
        counts = dict(rows)
        return counts.get(True, 0), counts.get(False, 0)

    @api.model
    def action_open_utilization(self, *args, **kwargs):
        check_no_arguments(self.env, "action_open_utilization", args, kwargs)
        self._psa_ensure_capacity()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "psa_workflow.psa_utilization_report_action"
        )

    def action_psa_print(self, *args, **kwargs):
        """The print wizard (a list header button: called on the selection)."""
        check_no_arguments(self.env, "action_psa_print", args, kwargs)
        return self.env["psa.report.print"]._open("utilization")
