# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .psa_validation import MAX_PERCENT, OPEN_STATES, check_ranges, sql_check


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    psa_role_ids = fields.Many2many(
        "psa.role",
        "hr_employee_psa_role_rel",
        "employee_id",
        "role_id",
        string="Roles",
        groups="hr.group_hr_user",
        help="The roles this employee can be staffed as.",
    )
    psa_default_role_id = fields.Many2one(
        "psa.role",
        string="Default Role",
        groups="hr.group_hr_user",
        help="The role used when the employee is allocated or logs time without one.",
    )

    psa_utilization_target = fields.Float(
        string="Utilization Target (%)",
        digits=(5, 1),
        groups="hr.group_hr_user",
        help="Billable hours as a share of capacity this employee aims at; empty "
        "(0): the target of their default role.",
    )

    psa_project_member_ids = fields.One2many(
        "psa.project.member",
        "employee_id",
        string="Project Teams",
        groups="hr.group_hr_user",
    )

    _sql_constraints = [
        (
            "psa_utilization_target_range",
            sql_check("psa_utilization_target", 0, MAX_PERCENT),
            "A utilization target must be a number from 0 to 100 %.",
        ),
    ]

    @api.constrains("psa_utilization_target")
    def _check_psa_utilization_target(self):
        # sudo: the target is read by the check whoever may write it.
        check_ranges(self.sudo(), {"psa_utilization_target": (0.0, MAX_PERCENT)})

    @api.constrains("psa_role_ids", "psa_default_role_id")
    def _check_psa_default_role(self):
        for employee in self:
            if (
                employee.psa_default_role_id
                and employee.psa_default_role_id not in employee.psa_role_ids
            ):
                raise ValidationError(
                    self.env._(
                        "%(employee)s: the default role %(role)s must be one of the "
                        "employee's roles.",
                        employee=employee.name,
                        role=employee.psa_default_role_id.name,
                    )
                )

    def _psa_tz(self):
        """The employee's time zone (then its user's, then UTC): the clock its
        timesheets are dated by, whoever's session reads or writes them."""
        self.ensure_one()
        employee = self.sudo()
        return employee.tz or employee.user_id.tz or "UTC"

    def _psa_today(self):
        """Today where the employee works (see ``_psa_tz``)."""
        return fields.Date.context_today(self.with_context(tz=self._psa_tz()))

    @api.onchange("psa_role_ids")
    def _onchange_psa_role_ids(self):
        if self.psa_default_role_id not in self.psa_role_ids._origin:
            self.psa_default_role_id = self.psa_role_ids[:1]

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        # Someone hired today counts in today's capacity, not after the nightly
        # refresh.
        hired = employees.sudo().filtered("active")
        if hired:
            self.env["psa.employee.capacity"]._refresh(hired)
        return employees

    @api.ondelete(at_uninstall=False)
    def _unlink_except_billed_time(self):
        """Approved and invoiced time belongs to the firm's history: deleting
        its employee would empty the entries' employee and rewrite who did
        the work. Archive the employee instead."""
        rows = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [
                    ("employee_id", "in", self.ids),
                    ("project_id", "!=", False),
                    ("psa_state", "in", ("approved", "invoiced")),
                ],
                ["employee_id"],
                ["__count"],
            )
        )
        if rows:
            raise UserError(
                self.env._(
                    "%(employees)s cannot be deleted: they have approved or "
                    "invoiced time (%(count)s entries). Archive them instead.",
                    employees=", ".join(employee.name for employee, _c in rows),
                    count=sum(count for _e, count in rows),
                )
            )

    def write(self, vals):
        result = super().write(vals)
        if vals.get("active"):  # unarchived: back in the capacity
            self.env["psa.employee.capacity"]._refresh(self.sudo())
        if {"resource_calendar_id", "tz"} & set(vals):
            self.env["psa.employee.capacity"]._apply_calendar_change(self.sudo())
        if "psa_default_role_id" in vals:
            self.env["account.analytic.line"].sudo().search(
                [
                    ("employee_id", "in", self.ids),
                    ("project_id", "!=", False),
                    ("psa_state", "in", OPEN_STATES),
                ]
            )._psa_sync_roles()
        return result
