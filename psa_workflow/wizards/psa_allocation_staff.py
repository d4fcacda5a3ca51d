# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class PsaAllocationStaff(models.TransientModel):
    """Propose the employees holding an open allocation's role, ranked by their
    free capacity over its dates, and staff it in one click."""

    _name = "psa.allocation.staff"
    _description = "Staff an Open Role"

    allocation_id = fields.Many2one("psa.allocation", required=True, ondelete="cascade")
    role_id = fields.Many2one(related="allocation_id.role_id")
    date_from = fields.Date(related="allocation_id.date_from")
    date_to = fields.Date(related="allocation_id.date_to")
    allocated_hours = fields.Float(related="allocation_id.allocated_hours")
    line_ids = fields.One2many(
        "psa.allocation.staff.line",
        "wizard_id",
        compute="_compute_line_ids",
        store=True,
    )

    @api.depends("allocation_id")
    def _compute_line_ids(self):
        for wizard in self:
            free = wizard._free_hours_by_candidate()
            ranked = sorted(free.items(), key=lambda item: (-item[1][0], item[0].name))
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "employee_id": employee.id,
                        "capacity_hours": capacity,
                        "planned_hours": planned,
                        "free_hours": free_hours,
                    }
                )
                for employee, (free_hours, capacity, planned) in ranked
            ]

    def _free_hours_by_candidate(self):
        """``{employee: (free, capacity, planned)}`` over the allocation's dates
        for the active employees of the project's company holding the role."""
        allocation = self.allocation_id
        # Candidates' other allocations may be on projects the manager does not
        # manage: only their total hours are read, to rank them.
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [
                    ("psa_role_ids", "in", allocation.role_id.ids),
                    ("company_id", "=", allocation.company_id.id),
                ]
            )
        )
        if not employees:
            return {}
        capacity = self.env["psa.employee.capacity"]._employee_daily_hours(
            employees, allocation.date_from, allocation.date_to
        )
        planned = defaultdict(
            float,
            self.env["psa.allocation.line"]
            .sudo()
            ._read_group(
                [
                    ("employee_id", "in", employees.ids),
                    ("date", ">=", allocation.date_from),
                    ("date", "<=", allocation.date_to),
                ],
                ["employee_id"],
                ["hours:sum"],
            ),
        )
        result = {}
        for employee in employees:
            total = round(sum(capacity.get(employee.id, {}).values()), 2)
            booked = round(planned[employee], 2)
            result[employee.with_env(self.env)] = (
                round(total - booked, 2),
                total,
                booked,
            )
        return result

    def _staff(self, employee):
        self.ensure_one()
        if not self.allocation_id.is_open_role:
            raise UserError(
                self.env._(
                    "%(allocation)s is already staffed.",
                    allocation=self.allocation_id.display_name,
                )
            )
        self.allocation_id.employee_id = employee
        return {"type": "ir.actions.act_window_close"}
