# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The external API documented in README.md, exercised over JSON-RPC (/jsonrpc,
execute_kw), as an integration or a mobile client calls it."""

from odoo.tests import tagged

from .common import PsaHttpCommon

DAY = "2019-03-05"


@tagged("post_install", "-at_install")
class TestExternalApi(PsaHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        role = cls.env["psa.role"].create(
            {"name": "API Role", "default_bill_rate": 90.0}
        )
        cls.user_employee.employee_id.write(
            {"psa_role_ids": [(6, 0, role.ids)], "psa_default_role_id": role.id}
        )

    def _rpc(self, login, model, method, args, kwargs=None):
        return self._execute_kw(login, model, method, args, kwargs)

    def _ok(self, *args, **kwargs):
        response = self._rpc(*args, **kwargs)
        self.assertNotIn("error", response, response.get("error"))
        return response["result"]

    def test_log_submit_approve_reject_reopen_over_jsonrpc(self):
        Line = "account.analytic.line"
        ids = [
            self._ok(
                "psa_employee",
                Line,
                "create",
                [
                    {
                        "project_id": self.project_tm.id,
                        "name": name,
                        "unit_amount": 2.0,
                        "date": DAY,
                    }
                ],
            )
            for name in ("Design", "Build")
        ]
        [line] = self._ok(
            "psa_employee", Line, "read", [ids[:1], ["psa_state", "psa_billable"]]
        )
        self.assertEqual((line["psa_state"], line["psa_billable"]), ("draft", True))
        self.assertEqual(self._ok("psa_employee", Line, "psa_submit_week", [DAY]), 2)
        self._ok("psa_approver", Line, "action_psa_approve", [ids[:1]])
        self._ok(
            "psa_approver", Line, "action_psa_reject", [ids[1:]], {"reason": "Split it"}
        )
        records = self._ok(
            "psa_approver",
            Line,
            "read",
            [ids, ["psa_state", "psa_bill_amount", "psa_rejection_reason"]],
        )
        self.assertEqual(
            [(r["psa_state"], r["psa_bill_amount"]) for r in records],
            [("approved", 180.0), ("rejected", 180.0)],
        )
        self.assertEqual(records[1]["psa_rejection_reason"], "Split it")
        self._ok("psa_approver", Line, "action_psa_reopen", [ids[:1]])
        [line] = self._ok("psa_approver", Line, "read", [ids[:1], ["psa_state"]])
        self.assertEqual(line["psa_state"], "draft")

    def test_errors_come_back_as_user_errors(self):
        Line = "account.analytic.line"
        line_id = self._ok(
            "psa_employee",
            Line,
            "create",
            [
                {
                    "project_id": self.project_tm.id,
                    "name": "x",
                    "unit_amount": 1.0,
                    "date": DAY,
                }
            ],
        )
        self._ok("psa_employee", Line, "action_psa_submit", [[line_id]])
        refused = self._rpc("psa_employee", Line, "action_psa_approve", [[line_id]])
        self.assertEqual(
            refused["error"]["data"]["name"],
            "odoo.exceptions.UserError",
            refused["error"],
        )
        bad = self._rpc(
            "psa_employee",
            Line,
            "create",
            [
                {
                    "project_id": self.project_tm.id,
                    "name": "x",
                    "unit_amount": -1,
                    "date": DAY,
                }
            ],
        )
        self.assertEqual(
            bad["error"]["data"]["name"], "odoo.exceptions.ValidationError"
        )

    def test_file_a_rebillable_expense_on_a_project(self):
        product = self.env.ref("hr_expense.expense_product_meal")
        expense_id = self._ok(
            "psa_employee",
            "hr.expense",
            "create",
            [
                {
                    "name": "Client lunch",
                    "product_id": product.id,
                    "total_amount_currency": 42.0,
                    "psa_project_id": self.project_tm.id,
                    "date": DAY,
                }
            ],
        )
        [expense] = self._ok(
            "psa_employee",
            "hr.expense",
            "read",
            [
                [expense_id],
                [
                    "psa_project_id",
                    "psa_rebillable",
                    "psa_billing_state",
                    "analytic_distribution",
                ],
            ],
        )
        self.assertEqual(expense["psa_project_id"][0], self.project_tm.id)
        self.assertTrue(expense["psa_rebillable"])
        self.assertEqual(expense["psa_billing_state"], "to_approve")
        self.assertIn(
            str(self.project_tm.account_id.id), expense["analytic_distribution"]
        )

    def test_invoice_a_customer_read_the_links_and_credit_an_entry(self):
        Line = "account.analytic.line"
        ids = self._ok(
            "psa_employee",
            Line,
            "create",
            [
                [
                    {"project_id": self.project_tm.id, "name": name, "unit_amount": 2.0}
                    for name in ("Design", "Build")
                ]
            ],
        )
        self._ok("psa_employee", Line, "action_psa_submit", [ids])
        self._ok("psa_approver", Line, "action_psa_approve", [ids])
        # An employee may not invoice: the error names the right.
        refused = self._rpc(
            "psa_employee", "psa.invoice.create", "create", [{"grouping": "customer"}]
        )
        self.assertIn("AccessError", refused["error"]["data"]["name"])
        projects = self._ok(
            "psa_billing",
            "project.project",
            "search",
            [[["partner_id", "child_of", self.customer.id]]],
        )
        wizard = self._ok(
            "psa_billing",
            "psa.invoice.create",
            "create",
            [{"project_ids": [[6, 0, projects]], "grouping": "customer"}],
        )
        action = self._ok(
            "psa_billing", "psa.invoice.create", "action_create_invoices", [[wizard]]
        )
        invoice_id = action["res_id"]
        links = self._ok(
            "psa_billing",
            "psa.invoice.link",
            "search_read",
            [[["move_id", "=", invoice_id]], ["timesheet_id", "hours", "amount"]],
        )
        self.assertEqual(
            sorted((link["timesheet_id"][0], link["hours"]) for link in links),
            sorted((line_id, 2.0) for line_id in ids),
        )
        self.assertEqual(sum(link["amount"] for link in links), 360.0)
        invoice = self.env["account.move"].browse(invoice_id)
        invoice.invoice_date = invoice.date
        invoice.action_post()
        credit = self._ok(
            "psa_billing",
            "psa.invoice.credit",
            "create",
            [{"move_id": invoice_id, "link_ids": [[6, 0, [links[0]["id"]]]]}],
        )
        note = self._ok(
            "psa_billing", "psa.invoice.credit", "action_credit", [[credit]]
        )["res_id"]
        self._ok("psa_billing", "account.move", "action_post", [[note]])
        states = self._ok("psa_billing", Line, "read", [ids, ["psa_state"]])
        self.assertEqual(
            sorted(line["psa_state"] for line in states), ["approved", "invoiced"]
        )
