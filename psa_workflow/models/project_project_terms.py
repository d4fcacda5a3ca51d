# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Projects: billing terms (rounding, invoice lines, cap, annex, schedule,
contract amount and installments), which billing users set, and what the
invoicing reads of them."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_round

from .psa_validation import INVOICE_DETAILS, check_ranges, sql_check
from .psa_write_policy import BILLING, SERVER


# One class per concern of the project, on purpose (the base class is in
# project_project.py).
# pylint: disable=consider-merging-classes-inherited
class ProjectProject(models.Model):
    _inherit = "project.project"

    psa_rounding_minutes = fields.Integer(
        string="Billing Rounding (minutes)",
        help="Round each timesheet's billed hours to this many minutes (e.g. 15). "
        "The hours the employee logged never change. 0: no rounding.",
        psa_write=BILLING,
    )
    psa_rounding_method = fields.Selection(
        selection=[("up", "Up"), ("nearest", "Nearest")],
        string="Rounding Method",
        default="up",
        required=True,
        psa_write=BILLING,
    )
    psa_invoice_product_id = fields.Many2one(
        "product.product",
        string="Invoiced Service",
        domain="[('type', '=', 'service')]",
        check_company=True,
        help="Service product on the invoice lines: income account and taxes come "
        "from it. Default: the PSA service product.",
        psa_write=BILLING,
    )
    psa_invoice_detail = fields.Selection(
        selection=INVOICE_DETAILS,
        string="Invoice Lines",
        default="employee",
        required=True,
        help="How the time of this project is gathered on invoice lines (always "
        "one line per rate).",
    )
    psa_cap_type = fields.Selection(
        selection=[("none", "No cap"), ("amount", "Amount"), ("hours", "Hours")],
        string="Not-to-exceed",
        default="none",
        required=True,
        help="Time & materials: time beyond the cap is held from invoicing until "
        "a billing user decides (bill anyway, or write off).",
        psa_write=BILLING,
    )
    psa_cap_amount = fields.Monetary(
        string="Cap Amount",
        currency_field="psa_currency_id",
        psa_write=BILLING,
    )
    psa_cap_hours = fields.Float(string="Cap Hours", digits=(16, 2), psa_write=BILLING)
    psa_invoice_annex = fields.Boolean(
        string="Timesheet Annex",
        help="Print the timesheets billed (date, employee, task, description, "
        "hours, rate, amount) as an annex of the customer invoice.",
    )
    psa_invoice_auto_send = fields.Boolean(
        string="Send Invoices When Posted",
        help="Each invoice of the project is sent to the customer as soon as it is "
        "posted (Odoo's sending, in the background), with the work it bills as a "
        "PDF annex and the link to see and pay it online.",
    )
    psa_portal_receipts = fields.Boolean(
        string="Share Receipts with the Customer",
        help="In the customer portal, the re-billed expenses of an invoice link to "
        "their receipts. Off: the customer sees the expense, not its receipt.",
    )
    psa_invoice_frequency = fields.Selection(
        selection=[
            ("manual", "On demand"),
            ("weekly", "Weekly"),
            ("monthly", "Monthly"),
        ],
        string="Invoicing",
        default="manual",
        required=True,
        help="Weekly or monthly: the scheduled action invoices the approved work of "
        "each past week or month.",
        psa_write=BILLING,
    )
    psa_can_edit_terms = fields.Boolean(
        compute="_compute_psa_can_edit_terms",
        # A new record's form has the value before any compute runs.
        default=lambda self: self.env.user.has_group("psa_workflow.group_psa_billing"),
        help="The current user may change the billing terms (billing users).",
    )
    psa_last_invoice_date = fields.Date(
        string="Invoiced Up To",
        readonly=True,
        copy=False,
        psa_write=SERVER,
    )
    psa_invoice_skipped_date = fields.Date(
        string="Scheduled Invoicing Skipped On",
        readonly=True,
        copy=False,
        help="The scheduled invoicing could not invoice this project that day; it "
        "tries again the next day.",
        psa_write=SERVER,
    )
    psa_invoice_skip_reason = fields.Char(
        string="Scheduled Invoicing Problem",
        readonly=True,
        copy=False,
        # It may quote the contract or the billed amount: read as they are.
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
        psa_write=SERVER,
    )
    psa_contract_amount = fields.Monetary(
        string="Contract Amount",
        currency_field="psa_currency_id",
        copy=False,  # copied by copy() as superuser: not readable by everyone
        groups="psa_workflow.group_psa_approver,psa_workflow.group_psa_billing",
        help="Fixed price: the amount the installments add up to; milestones may be "
        "a % of it.",
        psa_write=BILLING,
    )
    psa_installment_ids = fields.One2many(
        "psa.project.installment", "project_id", string="Installments", copy=False
    )

    _sql_constraints = [
        (
            "psa_contract_amount_range",
            sql_check("psa_contract_amount", 0),
            "A project's contract amount must be a finite number, not negative.",
        ),
        (
            "psa_cap_amount_range",
            sql_check("psa_cap_amount", 0),
            "A project's cap amount must be a finite number, not negative.",
        ),
        (
            "psa_cap_hours_range",
            sql_check("psa_cap_hours", 0),
            "A project's cap hours must be a finite number, not negative.",
        ),
        (
            "psa_rounding_minutes_range",
            "CHECK(psa_rounding_minutes >= 0 AND psa_rounding_minutes <= 240)",
            "A project's billing rounding must be between 0 and 240 minutes.",
        ),
    ]

    @api.depends_context("uid")
    def _compute_psa_can_edit_terms(self):
        can_edit = self.env.user.has_group("psa_workflow.group_psa_billing")
        for project in self:
            project.psa_can_edit_terms = can_edit

    @api.constrains("psa_contract_amount", "psa_cap_amount", "psa_cap_hours")
    def _check_psa_amounts(self):
        # sudo: the money fields are read by the check whoever may write them.
        check_ranges(
            self.sudo(),
            {
                "psa_contract_amount": (0.0, None),
                "psa_cap_amount": (0.0, None),
                "psa_cap_hours": (0.0, None),
            },
        )

    @api.constrains("psa_rounding_minutes")
    def _check_psa_rounding_minutes(self):
        for project in self:
            if not 0 <= project.psa_rounding_minutes <= 240:
                raise ValidationError(
                    self.env._(
                        "%(project)s: the billing rounding must be between 0 and 240 "
                        "minutes.",
                        project=project.display_name,
                    )
                )

    def _psa_round_billed_hours(self, hours):
        """Hours billed for one timesheet of ``hours``, after the rounding."""
        self.ensure_one()
        step = self.psa_rounding_minutes / 60.0
        if not step:
            return float_round(hours, 2)
        method = "UP" if self.psa_rounding_method == "up" else "HALF-UP"
        steps = float_round(hours / step, precision_digits=0, rounding_method=method)
        return float_round(steps * step, 2)

    def _psa_billing_schedule_problem(self, date_to=None):
        """Why this project's fixed-price schedule or milestones cannot be
        invoiced, or None."""
        self.ensure_one()
        currency = self.psa_currency_id
        if self.psa_billing_type == "fixed_price":
            scheduled = sum(self.psa_installment_ids.mapped("amount"))
            if currency.compare_amounts(scheduled, self.psa_contract_amount):
                return self.env._(
                    "The installments of %(project)s add up to %(scheduled)s, not to "
                    "the contract amount %(contract)s.",
                    project=self.display_name,
                    scheduled=currency.format(scheduled),
                    contract=currency.format(self.psa_contract_amount),
                )
        if self.psa_billing_type == "milestone":
            missing = self.milestone_ids.filtered(
                lambda m: (
                    m.is_reached and not m.psa_invoiced and not m.psa_invoice_amount
                )
            )
            if missing:
                return self.env._(
                    "%(project)s: the reached milestone %(milestone)s has no amount.",
                    project=self.display_name,
                    milestone=missing[0].name,
                )
        return None

    def _psa_invoice_product(self):
        self.ensure_one()
        return self.psa_invoice_product_id or self.env.ref(
            "psa_workflow.product_psa_service"
        )

    def action_psa_create_invoices(self):
        """Invoice the approved time and expenses of these projects (server
        action "Create invoices"); report the projects skipped."""
        self.check_access("read")
        result = self.env["psa.invoicing.engine"]._invoice_projects(self)
        return self.env["psa.invoicing.engine"]._result_action(result)
