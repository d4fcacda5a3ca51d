# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A project's progress in the customer portal (opt-in per project): the
budget consumed, approved hours and amounts by month, milestones reached and
installments to come, from the figures of its burn and approved work only;
to the contacts of its customer (or the project's link), nobody else."""

from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import PsaHttpCommon
from .timesheet_common import DAY


class PortalProgressCommon(PsaHttpCommon):
    """The T&M project shares its progress: 2.0 h approved in March 2019,
    3.0 h approved in April (at 100.00), 1.0 h submitted and 0.5 h drafted
    (not counted); a budget of 10 h and 2,000.00; ``user_customer``, a
    portal contact of the customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_outsiders()
        cls._bill_at_role(cls.user_employee.employee_id, "PSA Progress Consultant")
        cls.project_tm.write(
            {
                "psa_portal_progress": True,
                "allocated_hours": 10.0,
                "psa_budget_amount": 2000.0,
            }
        )
        Line = cls.env["account.analytic.line"].with_user(cls.user_employee)

        def log(hours, day):
            return Line.create(
                {
                    "project_id": cls.project_tm.id,
                    "name": "Work",
                    "unit_amount": hours,
                    "date": day,
                }
            ).with_env(cls.env)

        approved = log(2.0, DAY) | log(3.0, DAY + timedelta(days=30))
        submitted = log(1.0, DAY + timedelta(days=1))
        log(0.5, DAY + timedelta(days=2))
        (approved | submitted).with_user(cls.user_employee).action_psa_submit()
        approved.with_user(cls.user_approver).action_psa_approve()
        cls.user_customer = cls._portal_contact(cls.customer, "psa_progress_customer")
        cls.page = f"/my/progress/{cls.project_tm.id}"


@tagged("post_install", "-at_install")
class TestPortalProjectProgress(PortalProgressCommon):
    def _get(self, path, login=None):
        self.authenticate(login, login)
        return self.url_open(path, allow_redirects=False)

    def test_the_progress_is_the_burn_of_approved_work(self):
        progress = self.project_tm._psa_portal_progress()
        self.assertEqual(
            [(m["month"].month, m["hours"], m["amount"]) for m in progress["months"]],
            [(3, 2.0, 200.0), (4, 3.0, 300.0)],
        )
        budget = progress["budget"]
        self.assertEqual(
            (budget["approved_hours"], budget["approved_amount"]),
            (self.project_tm.psa_approved_hours, self.project_tm.psa_approved_amount),
        )
        self.assertEqual((budget["approved_hours"], budget["hours"]), (5.0, 10.0))
        self.assertEqual(
            sum(m["amount"] for m in progress["months"]), budget["approved_amount"]
        )

    def test_the_customer_reads_it(self):
        home = self._get("/my/home", login="psa_progress_customer")
        self.assertIn("/my/progress", home.text)
        listing = self._get("/my/progress", login="psa_progress_customer")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.page, listing.text)
        response = self._get(self.page, login="psa_progress_customer")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertEqual(html.count('psa_progress_month"'), 2)
        self.assertIn("500.00", html)  # approved: 5.0 h at 100.00
        self.assertIn("2,000.00", html)  # the budget
        self.assertNotIn("6.00 h", html)  # submitted time is not counted
        cost = f"{self.user_employee.employee_id.hourly_cost:.2f}"
        self.assertNotIn(f">{cost}<", html)
        self.assertNotIn("Margin", html)

    def test_nobody_else_reads_it(self):
        cases = {
            "a contact of another customer": ("psa_portal_other", self.page),
            "a visitor": (None, self.page),
            "a wrong link": (None, f"{self.page}?access_token=nope"),
        }
        for name, (login, path) in cases.items():
            with self.subTest(name):
                response = self._get(path, login=login)
                self.assertEqual(response.status_code, 303)
        listing = self._get("/my/progress", login="psa_portal_other")
        self.assertNotIn(self.page, listing.text)
        # An employee does not see the amounts the back end keeps from them;
        # the project's approver does.
        self.assertEqual(self._get(self.page, login="psa_employee").status_code, 303)
        self.assertEqual(self._get(self.page, login="psa_approver").status_code, 200)
        # Not shared: not even the customer.
        self.project_tm.psa_portal_progress = False
        response = self._get(self.page, login="psa_progress_customer")
        self.assertEqual(response.status_code, 303)

    def test_the_link_of_the_project_opens_it(self):
        token = self.project_tm._portal_ensure_token()
        response = self._get(f"{self.page}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("psa_project_progress", response.text)

    def test_installments_to_come_and_milestones_reached(self):
        fixed = self.project_fixed
        fixed.write(
            {
                "psa_portal_progress": True,
                "psa_contract_amount": 9000.0,
                "psa_installment_ids": [
                    Command.create({"name": "Kick-off", "date": DAY, "amount": 3000.0}),
                    Command.create(
                        {
                            "name": "Delivery",
                            "date": DAY + timedelta(days=60),
                            "amount": 6000.0,
                        }
                    ),
                ],
            }
        )
        progress = fixed._psa_portal_progress()
        self.assertEqual(
            [(i["name"], i["amount"]) for i in progress["installments"]],
            [("Kick-off", 3000.0), ("Delivery", 6000.0)],
        )
        self.assertEqual(progress["budget"]["contract"], 9000.0)
        self.assertFalse(progress["milestones"])


@tagged("post_install", "-at_install")
class TestPortalProjectProgressTour(PortalProgressCommon):
    def test_tour_the_customer_follows_the_project(self):
        self.start_tour(
            "/my/home", "psa_portal_progress_tour", login="psa_progress_customer"
        )


@tagged("post_install", "-at_install")
class TestPortalProjectProgressPhone(PortalProgressCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_tour_the_customer_follows_the_project_on_a_phone(self):
        self.start_tour(
            "/my/home", "psa_portal_progress_tour", login="psa_progress_customer"
        )
