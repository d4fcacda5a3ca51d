# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields

from .timesheet_common import DAY, PsaTimesheetCommon


class PsaInvoicingCommon(PsaTimesheetCommon):
    """Approved time invoiced, posted and credited by the billing user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Engine = cls.env["psa.invoicing.engine"].with_user(cls.user_billing)

    def _eur_rate(self, day, rate):
        """A EUR rate of the company on ``day`` (EUR per company currency)."""
        return self.env["res.currency.rate"].create(
            {
                "currency_id": self.currency_eur.id,
                "name": day,
                "rate": rate,
                "company_id": self.company.id,
            }
        )

    @classmethod
    def _eur_project(cls, name, **vals):
        """A time & materials project of the customer billed in EUR."""
        return cls.env["project.project"].create(
            {
                "name": name,
                "company_id": cls.company.id,
                "partner_id": cls.customer_eur.id,
                "user_id": cls.user_approver.id,
                **vals,
            }
        )

    @classmethod
    def _milestone_project(cls, **vals):
        """A milestone project of the customer: Design (2,500.00) and Build
        (4,000.00), not reached."""
        return cls.env["project.project"].create(
            {
                "name": "PSA Test Milestone Project",
                "company_id": cls.company.id,
                "partner_id": cls.customer.id,
                "psa_billing_type": "milestone",
                "allow_milestones": True,
                "milestone_ids": [
                    Command.create({"name": "Design", "psa_amount": 2500.0}),
                    Command.create({"name": "Build", "psa_amount": 4000.0}),
                ],
                **vals,
            }
        )

    def _approved(self, *hours, project=None, user=None):
        lines = self.env["account.analytic.line"]
        for index, amount in enumerate(hours):
            lines |= self._log(
                hours=amount,
                project=project,
                user=user,
                day=DAY + timedelta(days=index),
            )
        lines.with_user(user or self.user_employee).action_psa_submit()
        approver = (
            self.user_admin if project == self.project_fixed else self.user_approver
        )
        lines.with_user(approver).action_psa_approve()
        return lines

    def _invoice(self, projects=None, **kwargs):
        # Up to today: the fixtures' work is in the past, a milestone is
        # reached today.
        kwargs.setdefault("date_to", fields.Date.today())
        result = self.Engine._invoice_projects(projects or self.project_tm, **kwargs)
        return result["moves"].with_env(self.env), result["skipped"]

    def _post(self, move):
        move.invoice_date = fields.Date.today()
        move.with_user(self.user_billing).action_post()

    def _credit(self, move, quantity=None):
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.user_billing)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": move.journal_id.id, "date": fields.Date.today()})
        )
        credit = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        if quantity is not None:
            credit.invoice_line_ids[0].quantity = quantity
        credit.with_user(self.user_billing).action_post()
        return credit

    def _approved_expense(self, amount):
        """A re-billable expense of ``amount`` on the T&M project (no tax),
        reported by the employee and approved by the administrator."""
        expense = self._create_expense(
            "Taxi to the customer", amount=amount, project=self.project_tm, date=DAY
        )
        sheet = self._create_expense_sheet(expense, "PSA Test Expenses")
        sheet.action_submit_sheet()
        sheet.with_user(self.user_admin).action_approve_expense_sheets()
        return expense
