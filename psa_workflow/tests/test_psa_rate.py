# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from psycopg2.errors import CheckViolation

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .planning_common import PsaPlanningCommon

DAY = date(2019, 6, 3)


@tagged("post_install", "-at_install")
class TestPsaRate(PsaPlanningCommon):
    def _resolve(self, project, employee, role, day=DAY):
        [key] = self.env["psa.rate"]._psa_rate_keys([(project, employee, role, day)])
        return self.env["psa.rate"]._resolve_rates([key])[key]

    def test_rate_chain_most_specific_first(self):
        Rate = self.env["psa.rate"]
        project, employee, role = self.project_tm, self.emp_full, self.role_architect
        # Nothing but the role's default rate.
        self.assertEqual(
            self._resolve(project, employee, role)[::2], (180.0, "role_default")
        )
        customer = project.partner_id.commercial_partner_id
        self.assertTrue(customer)
        chain = [
            ("role", {"role_id": role.id}, 170.0),
            ("employee", {"employee_id": employee.id}, 160.0),
            ("customer", {"partner_id": customer.id}, 155.0),
            ("project", {"project_id": project.id}, 150.0),
            ("role_project", {"project_id": project.id, "role_id": role.id}, 140.0),
            (
                "employee_project",
                {"project_id": project.id, "employee_id": employee.id},
                130.0,
            ),
        ]
        rates = Rate
        for scope, vals, amount in chain:
            rate = Rate.create(dict(vals, amount=amount))
            self.assertEqual(rate.scope, scope)
            rates |= rate
            self.assertEqual(
                self._resolve(project, employee, role)[::2], (amount, scope)
            )
        # Remove the most specific each time: the next one in the chain applies.
        for scope, _vals, amount in reversed(chain[:-1]):
            rates[-1].unlink()
            rates = rates[:-1]
            self.assertEqual(
                self._resolve(project, employee, role)[::2], (amount, scope)
            )

    def test_rates_are_date_effective(self):
        Rate = self.env["psa.rate"]
        scope = {"project_id": self.project_tm.id, "employee_id": self.emp_full.id}
        Rate.create(dict(scope, amount=100.0, date_to=DAY - timedelta(days=1)))
        Rate.create(dict(scope, amount=120.0, date_from=DAY))
        none = self.env["psa.role"]
        self.assertEqual(
            self._resolve(self.project_tm, self.emp_full, none, DAY)[0], 120.0
        )
        before = DAY - timedelta(days=1)
        self.assertEqual(
            self._resolve(self.project_tm, self.emp_full, none, before)[0], 100.0
        )

    def test_no_rate_found_is_reported_not_zero_billed_silently(self):
        self.assertEqual(
            self._resolve(self.project_fixed, self.emp_part, self.env["psa.role"]),
            (0.0, False, False),
        )

    def test_overlapping_rates_for_the_same_scope_are_refused(self):
        Rate = self.env["psa.rate"]
        scope = {"project_id": self.project_tm.id, "role_id": self.role_consultant.id}
        Rate.create(
            dict(scope, amount=100.0, date_from=DAY, date_to=DAY + timedelta(days=9))
        )
        count = Rate.search_count([])
        with self.assertRaises(ValidationError) as caught:
            Rate.create(dict(scope, amount=110.0, date_from=DAY + timedelta(days=9)))
        self.assertIn("overlaps", str(caught.exception))
        with self.assertRaises(ValidationError):
            Rate.create(dict(scope, amount=110.0))  # open-ended both ways
        self.assertEqual(Rate.search_count([]), count)
        # Adjacent is fine, and so is another scope over the same dates.
        Rate.create(dict(scope, amount=110.0, date_from=DAY + timedelta(days=10)))
        Rate.create(
            {"project_id": self.project_tm.id, "amount": 90.0, "date_from": DAY}
        )

    def test_rate_needs_a_scope_and_a_positive_amount(self):
        with self.assertRaises(ValidationError):
            self.env["psa.rate"].create({"amount": 10.0})
        with self.assertRaises(ValidationError):
            self.env["psa.rate"].create(
                {
                    "employee_id": self.emp_full.id,
                    "role_id": self.role_consultant.id,
                    "amount": 10.0,
                }
            )
        with self.assertRaises(CheckViolation), mute_logger("odoo.sql_db"):
            self.env["psa.rate"].create(
                {"role_id": self.role_consultant.id, "amount": -1}
            )

    def test_project_rates_are_in_the_customer_currency(self):
        rate = self.env["psa.rate"].create(
            {"project_id": self.project_fixed.id, "amount": 1}
        )
        self.assertEqual(self.project_fixed.psa_currency_id, self.currency_eur)
        self.assertEqual(rate.currency_id, self.currency_eur)
        employee_rate = self.env["psa.rate"].create(
            {"employee_id": self.emp_full.id, "amount": 1}
        )
        self.assertEqual(employee_rate.currency_id, self.company.currency_id)

    def test_team_member_shows_its_current_rate(self):
        member = self.env["psa.project.member"].create(
            {"project_id": self.project_tm.id, "employee_id": self.emp_full.id}
        )
        self.assertEqual(member.role_id, self.role_consultant)  # employee default role
        self.assertEqual(member.bill_rate, 100.0)  # role default
        self.env["psa.rate"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.emp_full.id,
                "amount": 142,
            }
        )
        member.invalidate_recordset(["bill_rate"])
        self.assertEqual(member.bill_rate, 142.0)

    def test_resolving_in_batch_does_not_query_per_key(self):
        Rate = self.env["psa.rate"]
        Rate.create({"project_id": self.project_tm.id, "amount": 99.0})

        def queries_for(count):
            keys = Rate._psa_rate_keys(
                (
                    self.project_tm,
                    self.emp_full,
                    self.role_consultant,
                    DAY + timedelta(days=i),
                )
                for i in range(count)
            )
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            result = Rate._resolve_rates(keys)
            self.assertEqual({v[0] for v in result.values()}, {99.0})
            return self.env.cr.sql_log_count - before

        queries_for(1)  # warm the registry caches (groups, access rules)
        self.assertEqual(queries_for(10), queries_for(2000))

    def test_customer_rates_admins_only_and_never_overlapping(self):
        Rate = self.env["psa.rate"]
        customer = self.project_tm.partner_id.commercial_partner_id
        card = {"partner_id": customer.id, "amount": 140.0, "date_from": DAY}
        for user in (self.user_employee, self.user_approver, self.user_billing):
            with self.assertRaises(AccessError):
                Rate.with_user(user).create(card)
        rate = Rate.with_user(self.user_admin).create(card)
        # Moving a rate to another customer is an admin's decision too.
        other = self.env["res.partner"].create(
            {"name": "PSA Test Other", "is_company": True}
        )
        with self.assertRaises(AccessError):
            rate.with_user(self.user_approver).partner_id = other
        with self.assertRaises(ValidationError) as caught:
            Rate.with_user(self.user_admin).create(
                dict(card, amount=150.0, date_from=DAY + timedelta(days=30))
            )
        self.assertIn("overlaps", str(caught.exception))
        self.assertIn(customer.display_name, str(caught.exception))
        self.assertEqual(Rate.search([("partner_id", "=", customer.id)]), rate)

    def test_rate_groups_do_not_sum_rates(self):
        Rate = self.env["psa.rate"]
        Rate.create({"project_id": self.project_tm.id, "amount": 100.0})
        Rate.create({"project_id": self.project_fixed.id, "amount": 120.0})
        groups = Rate.read_group([], ["amount"], ["scope"])
        self.assertTrue(groups)
        self.assertFalse([group for group in groups if group.get("amount")])

    def test_only_admins_write_rates_employees_cannot_read_them(self):
        rate = self.env["psa.rate"].create(
            {"project_id": self.project_tm.id, "amount": 99}
        )
        with self.assertRaises(AccessError):
            rate.with_user(self.user_employee).read(["amount"])
        for user in (self.user_approver, self.user_billing):
            self.assertEqual(rate.with_user(user).amount, 99.0)
            with self.assertRaises(AccessError):
                rate.with_user(user).amount = 1.0
        rate.with_user(self.user_admin).amount = 101.0
        self.assertEqual(rate.amount, 101.0)

    def test_customer_form_opens_its_rate_card(self):
        """The customer's "Rate Card" button counts and opens its rates, from
        the company or one of its contacts; an admin adds a card from it; a
        consultant sees neither the count nor the rates."""
        Rate = self.env["psa.rate"]
        customer = self.project_tm.partner_id.commercial_partner_id
        contact = self.env["res.partner"].create(
            {"name": "PSA Test Buyer", "parent_id": customer.id}
        )
        Rate.create(
            [
                {"partner_id": customer.id, "amount": 140.0, "date_to": DAY},
                {
                    "partner_id": customer.id,
                    "amount": 150.0,
                    "date_from": DAY + timedelta(1),
                    "date_to": DAY + timedelta(300),
                },
                {"project_id": self.project_tm.id, "amount": 99.0},
            ]
        )
        for user in (self.user_approver, self.user_billing):
            partners = (customer | contact).with_user(user)
            self.assertEqual(partners.mapped("psa_rate_count"), [2, 2])
        action = contact.with_user(self.user_admin).action_psa_open_rate_card()
        self.assertEqual(
            sorted(Rate.search(action["domain"]).mapped("amount")), [140.0, 150.0]
        )
        self.assertIn(customer.display_name, action["name"])
        added = (
            Rate.with_user(self.user_admin)
            .with_context(**action["context"])
            .create({"amount": 160.0, "date_from": DAY + timedelta(400)})
        )
        self.assertEqual((added.partner_id, added.scope), (customer, "customer"))
        employee_view = contact.with_user(self.user_employee)
        with self.assertRaises(AccessError):
            employee_view.action_psa_open_rate_card()
        with self.assertRaises(AccessError):
            employee_view.read(["psa_rate_count"])
        views = (
            self.env["res.partner"]
            .with_user(self.user_employee)
            .get_views([(self.env.ref("base.view_partner_form").id, "form")])
        )
        form = views["views"]["form"]["arch"]
        self.assertNotIn("action_psa_open_rate_card", form)
