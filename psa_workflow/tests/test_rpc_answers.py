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

    def test_the_psa_report_pdfs_answer_only_their_readers(self):
        """The PDF routes of Client Profitability and Utilization, as each kind
        of outsider: an employee asking for profitability, a billing user of
        another company asking for a print of company A, a portal contact."""
        self._setup_outsiders()
        role = self.env["psa.role"].create(
            {"name": "PDF Role", "default_bill_rate": 90}
        )
        self.user_employee.employee_id.write(
            {"psa_role_ids": [(6, 0, role.ids)], "psa_default_role_id": role.id}
        )
        line = (
            self.env["account.analytic.line"]
            .with_user(self.user_employee)
            .create(
                {
                    "project_id": self.project_tm.id,
                    "name": "Profitable work",
                    "unit_amount": 3.0,
                    "date": "2026-11-03",
                }
            )
        )
        line.with_user(self.user_employee).action_psa_submit()
        line.with_user(self.user_approver).action_psa_approve()
        prints = {
            report: self.env["psa.report.print"]
            .with_user(self.user_admin)
            .create(
                {
                    "report": report,
                    "date_from": "2026-11-01",
                    "date_to": "2026-11-30",
                }
            )
            for report in ("profitability", "utilization")
        }
        url = "/report/html/psa_workflow.report_psa_{}/{}"
        # What each report shows its readers: the customer, the consultant.
        shown = {
            "profitability": self.customer.name,
            "utilization": self.user_employee.employee_id.name,
        }
        self.authenticate("psa_admin", "psa_admin")
        for report, wizard in prints.items():
            response = self.url_open(url.format(report, wizard.id))
            self.assertEqual(response.status_code, 200)
            self.assertIn(shown[report], response.text)
        # A report is computed as the user who prints it: an outsider gets an
        # error or a report without company A's figures, never them. (The
        # employee's own utilization is theirs to read: not asked here.)
        outsiders = [
            ("employee", self.user_employee, "profitability"),
            ("billing user of another company", self.user_billing_b, "profitability"),
            ("billing user of another company", self.user_billing_b, "utilization"),
            ("portal contact of another customer", self.user_portal, "profitability"),
            ("portal contact of another customer", self.user_portal, "utilization"),
        ]
        for who, user, report in outsiders:
            with self.subTest(user=who, report=report):
                self.authenticate(user.login, user.login)
                response = self.url_open(url.format(report, prints[report].id))
                self.assertNotIn(shown[report], response.text)
