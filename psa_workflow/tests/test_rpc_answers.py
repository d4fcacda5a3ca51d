# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Over the wire: the client actions' public methods answer XML-RPC (no
None, no traceback) and bad dates with a clear error; an invoice's PDF route,
annex included, answers only those who may read the invoice."""

from xmlrpc.client import Fault

from odoo.tests import tagged

from .common import PsaHttpCommon


@tagged("post_install", "-at_install")
class TestRpcAnswers(PsaHttpCommon):
    def _call(self, user, model, method, args, kwargs=None):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, args, kwargs or {}
        )

    def test_client_actions_answer_xmlrpc(self):
        # A period to come: ratios without a base, cells without capacity.
        calls = [
            ("psa.dashboard", "get_figures", ["2199-01-01"]),
            ("psa.workload.heatmap", "read_heatmap", ["2199-01-05"]),
            ("psa.timesheet.week", "read_week", ["2199-01-05"]),
        ]
        for model, method, args in calls:
            with self.subTest(method=method):
                answer = self._call(self.user_admin, model, method, args)
                self.assertIsInstance(answer, dict)
        figures = self._call(
            self.user_admin, "psa.dashboard", "get_figures", ["2199-01-01"]
        )
        self.assertIs(figures["utilization"]["utilization"], False)
        for model, method, _args in calls:
            with (
                self.subTest(method=method, day="9999-12-31"),
                self.assertRaisesRegex(Fault, "from 1900-01-01 to 2199-12-31"),
            ):
                self._call(self.user_admin, model, method, ["9999-12-31"])

    def test_an_invoice_pdf_answers_only_its_readers(self):
        role = self.env["psa.role"].create(
            {"name": "RPC Role", "default_bill_rate": 100}
        )
        self.user_employee.employee_id.write(
            {"psa_role_ids": [(6, 0, role.ids)], "psa_default_role_id": role.id}
        )
        lines = (
            self.env["account.analytic.line"]
            .with_user(self.user_employee)
            .create(
                {
                    "project_id": self.project_tm.id,
                    "name": "Annexed work",
                    "unit_amount": 2.0,
                    "date": "2026-11-02",
                    "employee_id": self.user_employee.employee_id.id,
                }
            )
        )
        lines.with_user(self.user_employee).action_psa_submit()
        lines.with_user(self.user_approver).action_psa_approve()
        move = (
            self.env["psa.invoicing.engine"]
            .with_user(self.user_billing)
            ._invoice_projects(self.project_tm, date_to="2026-11-30", annex=True)[
                "moves"
            ]
        )
        self.assertTrue(move)
        billing_b = self._psa_user(
            "psa_billing_route_b", "billing", 50.0, company=self.company_b
        )
        url = f"/report/html/account.report_invoice/{move.id}"
        self.authenticate("psa_billing", "psa_billing")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Annexed work", response.text)
        for user in (self.user_employee, billing_b):
            with self.subTest(user=user.login):
                self.authenticate(user.login, user.login)
                response = self.url_open(url)
                self.assertNotIn("Annexed work", response.text)
                self.assertNotEqual(response.status_code, 200)
