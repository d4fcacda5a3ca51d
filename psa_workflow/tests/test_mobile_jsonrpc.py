# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timesheets logged over HTTP the way Odoo's mobile app and integrations do."""

import json

from odoo import Command, fields
from odoo.tests import tagged

from .common import PsaHttpCommon


@tagged("post_install", "-at_install")
class TestMobileJsonRpc(PsaHttpCommon):
    def _jsonrpc(self, url, params):
        response = self.url_open(
            url,
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        payload = response.json()
        self.assertNotIn("error", payload, payload.get("error"))
        return payload["result"]

    def test_web_client_session_creates_a_timesheet(self):
        # The mobile app runs the web client: it opens a session with
        # /web/session/authenticate, then calls models through call_kw.
        session = self._jsonrpc(
            "/web/session/authenticate",
            {
                "db": self.env.cr.dbname,
                "login": "psa_employee",
                "password": "psa_employee",
            },
        )
        self.assertEqual(session["uid"], self.user_employee.id)
        today = fields.Date.to_string(fields.Date.today())
        line_id = self._jsonrpc(
            "/web/dataset/call_kw/account.analytic.line/create",
            {
                "model": "account.analytic.line",
                "method": "create",
                "args": [
                    [
                        {
                            "date": today,
                            "project_id": self.project_tm.id,
                            "task_id": self.task_tm.id,
                            "name": "Logged from the phone",
                            "unit_amount": 1.5,
                        }
                    ]
                ],
                "kwargs": {"context": {"lang": "en_US"}},
            },
        )[0]
        line = self.env["account.analytic.line"].browse(line_id)
        employee = self.user_employee.employee_id
        self.assertEqual(line.employee_id, employee)
        self.assertEqual(line.user_id, self.user_employee)
        self.assertEqual(line.project_id, self.project_tm)
        self.assertEqual(line.account_id, self.project_tm.account_id)
        self.assertAlmostEqual(line.amount, -1.5 * employee.hourly_cost)
        # Lands in draft, billable by default on a time & materials project.
        self.assertEqual(line.psa_state, "draft")
        self.assertTrue(line.psa_billable)
        self.assertEqual(line.psa_billed_hours, 1.5)

    def test_web_client_form_save_gets_the_expected_role(self):
        # The phone's form has no employee field: its onchange computes no
        # role and web_save sends ``psa_role_id: False``. The line still
        # gets the employee's role, and is priced at its rate.
        role = self.env["psa.role"].create(
            {"name": "PSA Mobile Consultant", "default_bill_rate": 120.0}
        )
        self.user_employee.employee_id.write(
            {"psa_role_ids": [Command.set(role.ids)], "psa_default_role_id": role.id}
        )
        self._jsonrpc(
            "/web/session/authenticate",
            {
                "db": self.env.cr.dbname,
                "login": "psa_employee",
                "password": "psa_employee",
            },
        )
        [record] = self._jsonrpc(
            "/web/dataset/call_kw/account.analytic.line/web_save",
            {
                "model": "account.analytic.line",
                "method": "web_save",
                "args": [
                    [],
                    {
                        "date": fields.Date.to_string(fields.Date.today()),
                        "project_id": self.project_tm.id,
                        "task_id": self.task_tm.id,
                        "name": "Logged from the phone",
                        "unit_amount": 1.5,
                        "psa_role_id": False,
                    },
                ],
                "kwargs": {
                    "specification": {"psa_role_id": {"fields": {"display_name": {}}}},
                    "context": {"lang": "en_US"},
                },
            },
        )
        self.assertEqual(record["psa_role_id"]["id"], role.id)
        line = self.env["account.analytic.line"].browse(record["id"])
        self.assertEqual(line.psa_role_id, role)
        self.assertEqual(line.psa_bill_rate, 120.0)
        self.assertEqual(line.psa_bill_amount, 180.0)

    def test_external_jsonrpc_execute_kw_creates_and_reads_a_timesheet(self):
        # Integrations use the stateless /jsonrpc endpoint with login and password.
        db = self.env.cr.dbname
        uid = self._jsonrpc(
            "/jsonrpc",
            {
                "service": "common",
                "method": "login",
                "args": [db, "psa_employee", "psa_employee"],
            },
        )
        self.assertEqual(uid, self.user_employee.id)

        def execute_kw(model, method, args, kwargs=None):
            return self._jsonrpc(
                "/jsonrpc",
                {
                    "service": "object",
                    "method": "execute_kw",
                    "args": [
                        db,
                        uid,
                        "psa_employee",
                        model,
                        method,
                        args,
                        kwargs or {},
                    ],
                },
            )

        line_id = execute_kw(
            "account.analytic.line",
            "create",
            [
                {
                    "project_id": self.project_tm.id,
                    "name": "API entry",
                    "unit_amount": 2.0,
                }
            ],
        )
        [record] = execute_kw(
            "account.analytic.line",
            "read",
            [[line_id]],
            {"fields": ["employee_id", "unit_amount", "date"]},
        )
        self.assertEqual(record["employee_id"][0], self.user_employee.employee_id.id)
        self.assertEqual(record["unit_amount"], 2.0)
        self.assertEqual(record["date"], fields.Date.to_string(fields.Date.today()))
