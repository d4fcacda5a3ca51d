# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared fixtures for psa_workflow tests.

``PsaFixturesMixin._setup_psa_fixtures`` builds, once per test class:

- two companies (``company`` = the main one, ``company_b``);
- one user per PSA group, each with an employee and an hourly cost:
  ``user_employee``, ``user_approver``, ``user_billing``, ``user_admin``,
  and ``user_employee_b`` in company B;
- customers: ``customer`` (company currency) and ``customer_eur`` (euro pricelist);
- projects: ``project_tm`` (managed by ``user_approver``), ``project_fixed``,
  ``project_internal`` (non-billable), ``project_b`` (company B), with tasks.

Users' passwords equal their logins (``PSA_PASSWORD[login]``), for HTTP tests.
"""

import json

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

PSA_GROUPS = {
    "employee": "psa_workflow.group_psa_user",
    "approver": "psa_workflow.group_psa_approver",
    "billing": "psa_workflow.group_psa_billing",
    "admin": "psa_workflow.group_psa_admin",
}


class PsaFixturesMixin:
    @classmethod
    def _setup_psa_fixtures(cls):
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        env = cls.env
        cls._without_demo_holidays()
        cls.company = env.company
        cls.company_b = env["res.company"].create({"name": "PSA Test Company B"})
        cls.currency_eur = env.ref("base.EUR")
        cls.currency_eur.active = True

        cls.user_employee = cls._psa_user("psa_employee", "employee", 40.0)
        cls.user_approver = cls._psa_user("psa_approver", "approver", 65.0)
        cls.user_billing = cls._psa_user("psa_billing", "billing", 50.0)
        cls.user_admin = cls._psa_user("psa_admin", "admin", 90.0)
        cls.user_employee_b = cls._psa_user(
            "psa_employee_b", "employee", 35.0, company=cls.company_b
        )

        cls.customer = env["res.partner"].create(
            {"name": "PSA Test Customer", "is_company": True, "customer_rank": 1}
        )
        eur_pricelist = env["product.pricelist"].create(
            {"name": "PSA Test EUR", "currency_id": cls.currency_eur.id}
        )
        cls.customer_eur = env["res.partner"].create(
            {
                "name": "PSA Test Euro Customer",
                "is_company": True,
                "customer_rank": 1,
                "property_product_pricelist": eur_pricelist.id,
            }
        )

        cls._setup_psa_projects()

    @classmethod
    def _setup_psa_projects(cls):
        """The four test projects (T&M, fixed price, internal, company B)."""
        projects = cls.env["project.project"].create(
            [
                {
                    "name": "PSA Test T&M Project",
                    "company_id": cls.company.id,
                    "partner_id": cls.customer.id,
                    "user_id": cls.user_approver.id,
                    "psa_billing_type": "time_material",
                    "privacy_visibility": "employees",
                    "task_ids": [Command.create({"name": "PSA Test Analysis"})],
                },
                {
                    "name": "PSA Test Fixed Price Project",
                    "company_id": cls.company.id,
                    "partner_id": cls.customer_eur.id,
                    "user_id": cls.user_admin.id,
                    "psa_billing_type": "fixed_price",
                    "privacy_visibility": "employees",
                },
                {
                    "name": "PSA Test Internal Project",
                    "company_id": cls.company.id,
                    "user_id": cls.user_approver.id,
                    "psa_billing_type": "non_billable",
                    "privacy_visibility": "employees",
                },
                {
                    "name": "PSA Test Company B Project",
                    "company_id": cls.company_b.id,
                    "partner_id": cls.customer.id,
                    "privacy_visibility": "employees",
                },
            ]
        )
        cls.project_tm, cls.project_fixed, cls.project_internal, cls.project_b = (
            projects
        )
        cls.task_tm = cls.project_tm.task_ids

    @classmethod
    def _expense_product(cls, name="PSA Test Taxi", **vals):
        """An expense category without taxes (re-billed amounts = cost)."""
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "can_be_expensed": True,
                "standard_price": 0.0,
                "supplier_taxes_id": [Command.clear()],
                **vals,
            }
        )

    @classmethod
    def _create_expense(
        cls,
        name="PSA Test Taxi",
        *,
        amount=20.0,
        product=None,
        project=None,
        employee=None,
        user=None,
        **vals,
    ):
        """An expense of ``amount`` created as ``user`` (default: the employee
        user) for ``employee`` (default: that user's employee in their
        company), in ``product`` (default: a new tax-free category), on
        ``project`` if given; ``vals`` adds or overrides fields. Usable from
        ``setUpClass`` and from tests; the record is in ``user``'s
        environment."""
        user = user or cls.user_employee
        employee = employee or user.with_company(user.company_id).employee_id
        values = {
            "name": name,
            "product_id": (product or cls._expense_product()).id,
            "total_amount_currency": amount,
            "employee_id": employee.id,
        }
        if project:
            values["psa_project_id"] = project.id
        return cls.env["hr.expense"].with_user(user).create({**values, **vals})

    @classmethod
    def _create_expense_sheet(cls, expenses, name="PSA Test Report", *, user=None):
        """An expense report of ``expenses``, in draft, created as ``user``
        (default: the employee user) for that user's employee."""
        user = user or cls.user_employee
        return (
            cls.env["hr.expense.sheet"]
            .with_user(user)
            .create(
                {
                    "name": name,
                    "employee_id": user.with_company(user.company_id).employee_id.id,
                    "expense_line_ids": [Command.set(expenses.ids)],
                }
            )
        )

    @classmethod
    def _setup_outsiders(cls):
        """Two outsiders of company A's figures: ``user_billing_b``, a billing
        user of company B, and ``user_portal``, a portal contact of another
        customer."""
        cls.user_billing_b = cls._psa_user(
            "psa_billing_b", "billing", 50.0, company=cls.company_b
        )
        other_customer = cls.env["res.partner"].create(
            {"name": "PSA Other Customer", "is_company": True}
        )
        cls.user_portal = cls._portal_contact(other_customer, "psa_portal_other")

    @classmethod
    def _bill_at_role(cls, employee, name, rate=100.0):
        """A new role ``name`` billed at ``rate``, the default role of
        ``employee`` (their only one)."""
        role = cls.env["psa.role"].create({"name": name, "default_bill_rate": rate})
        employee.write(
            {"psa_role_ids": [Command.set(role.ids)], "psa_default_role_id": role.id}
        )
        return role

    @classmethod
    def _portal_contact(cls, customer, login):
        """A portal user (password = login) for a new contact of ``customer``."""
        contact = cls.env["res.partner"].create(
            {"name": login.replace("_", " ").title(), "parent_id": customer.id}
        )
        return new_test_user(
            cls.env, login=login, groups="base.group_portal", partner_id=contact.id
        )

    @classmethod
    def _without_demo_holidays(cls):
        """The demo's public holidays fall on dates relative to today (this
        year's and next year's): tests reading the weeks from today
        (workload, allocations) must not depend on the time of year. Their
        employees, created next, get their capacity without them; tests of
        holidays create their own."""
        cls.env.cr.execute(
            "DELETE FROM resource_calendar_leaves WHERE resource_id IS NULL"
        )
        cls.env["resource.calendar.leaves"].invalidate_model()

    @classmethod
    def _psa_user(cls, login, role, hourly_cost, company=None):
        company = company or cls.company
        user = new_test_user(
            cls.env,
            login=login,
            groups=PSA_GROUPS[role],
            name=f"{login.replace('_', ' ').title()}",
            password=login,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        cls.env["hr.employee"].create(
            {
                "name": user.name,
                "user_id": user.id,
                "company_id": company.id,
                "hourly_cost": hourly_cost,
            }
        )
        return user


class PsaCommon(PsaFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_psa_fixtures()


class PsaHttpCommon(PsaFixturesMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_psa_fixtures()

    def _execute_kw(self, login, model, method, args, kwargs=None):
        """The JSON-RPC answer (``result`` or ``error``) of ``execute_kw`` on
        /jsonrpc, as an integration calls it, logged in as ``login``."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.env.cr.dbname,
                    self.env["res.users"].search([("login", "=", login)]).id,
                    login,
                    model,
                    method,
                    args,
                    kwargs or {},
                ],
            },
        }
        return self.url_open(
            "/jsonrpc",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        ).json()
