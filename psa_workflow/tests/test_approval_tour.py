# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import PsaHttpCommon


@tagged("post_install", "-at_install")
class TestApprovalTour(PsaHttpCommon):
    """An approver works through the queue and a consultant corrects the entry
    rejected, in the browser (a desktop; ``TestApprovalTourPhone``: a phone)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_trainee = cls._psa_user("psa_trainee", "employee", 30.0)
        role = cls.env["psa.role"].create(
            {"name": "Approval Tour Role", "default_bill_rate": 100}
        )
        (cls.user_employee | cls.user_trainee).employee_id.write(
            {"psa_role_ids": [(6, 0, role.ids)], "psa_default_role_id": role.id}
        )

    def _submitted(self, user, entries):
        """Timesheets of ``user`` on the T&M project, submitted:
        ``entries`` = [(description, hours, date)]."""
        lines = (
            self.env["account.analytic.line"]
            .with_user(user)
            .create(
                [
                    {
                        "project_id": self.project_tm.id,
                        "name": name,
                        "unit_amount": hours,
                        "date": day,
                    }
                    for name, hours, day in entries
                ]
            )
        )
        lines.action_psa_submit()
        return lines.with_env(self.env)

    def test_approve_reject_and_correct(self):
        today = fields.Date.today()
        monday = today - timedelta(days=today.weekday())
        workshop, wrong = self._submitted(
            self.user_employee,
            [("Workshop", 3.0, monday), ("Wrong entry", 2.0, monday)],
        )
        week = self._submitted(
            self.user_trainee,
            [
                ("Week of work", 4.0, monday - timedelta(days=7 - day))
                for day in range(5)
            ],
        )
        self.start_tour("/odoo", "psa_workflow_approval_tour", login="psa_approver")
        self.assertEqual(workshop.psa_state, "approved")
        self.assertEqual(
            (wrong.psa_state, wrong.psa_rejection_reason),
            ("rejected", "Split it by task"),
        )
        self.assertEqual(wrong.activity_ids.user_id, self.user_employee)
        self.assertEqual(set(week.mapped("psa_state")), {"approved"})
        self.assertEqual(week.psa_approved_by_id, self.user_approver)

        self.start_tour("/odoo", "psa_workflow_rejection_tour", login="psa_employee")
        self.assertEqual(
            (wrong.psa_state, wrong.unit_amount, wrong.psa_rejection_reason),
            ("submitted", 1.5, False),
        )
        self.assertFalse(wrong.activity_ids)


@tagged("post_install", "-at_install")
class TestApprovalTourPhone(TestApprovalTour):
    """The same on a phone: cards, the approval form's own buttons, a week
    selected with a long touch."""

    browser_size = "390x844"
    touch_enabled = True
