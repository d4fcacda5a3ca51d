# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.tests import tagged

from odoo.addons.psa_workflow.models.psa_employee_capacity import FRESH_PARAM

from .common import PsaHttpCommon

# {report: (its date field, a field to group by)}
SHAPES = {
    "psa.workload.report": ("week_start", "employee_id"),
    "psa.utilization.report": ("date", "employee_id"),
    "psa.forecast.report": ("week_start", "role_id"),
}


@tagged("post_install", "-at_install")
class TestReportReadsAreReadOnly(PsaHttpCommon):
    """The web client reads the reports through read-only routes, which Odoo
    serves from a read replica when one is configured (``--db_replica_*``). A
    write there is refused by PostgreSQL and the request is run again on the
    primary with a warning: the reports' reads must not write, even on the day
    the stored capacity is not extended yet."""

    def _call(self, model, method, args, kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def test_pivot_graph_and_list_reads_run_on_a_read_only_cursor(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(FRESH_PARAM, False)  # capacity not extended today
        self.authenticate("psa_approver", "psa_approver")
        today = fields.Date.to_string(fields.Date.today())
        for model, (date_field, groupby) in SHAPES.items():
            with self.subTest(model=model), self.assertNoLogs("odoo.http", "WARNING"):
                self._call(
                    model,
                    "web_read_group",
                    [[(date_field, ">=", today)]],
                    {"fields": [], "groupby": [groupby]},
                )
                self._call(
                    model,
                    "web_search_read",
                    [[]],
                    {"specification": {"id": {}}, "limit": 5},
                )
        self.assertFalse(params.get_param(FRESH_PARAM), "no read wrote the capacity")

    def test_opening_a_report_extends_the_capacity_in_a_write_transaction(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(FRESH_PARAM, False)
        self.authenticate("psa_approver", "psa_approver")
        self._call("psa.workload.report", "action_open_workload", [], {})
        self.assertEqual(params.get_param(FRESH_PARAM), str(fields.Date.today()))

    def test_the_utilization_pdf_renders_on_a_read_only_cursor(self):
        params = self.env["ir.config_parameter"].sudo()
        wizard = (
            self.env["psa.report.print"]
            .with_user(self.user_approver)
            .create({"report": "utilization"})
        )
        wizard.action_print()
        self.assertEqual(params.get_param(FRESH_PARAM), str(fields.Date.today()))
        params.set_param(FRESH_PARAM, False)
        self.authenticate("psa_approver", "psa_approver")
        with self.assertNoLogs("odoo.http", "WARNING"):
            response = self.url_open(
                f"/report/html/psa_workflow.report_psa_utilization/{wizard.id}"
            )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Utilization", response.text)
        self.assertFalse(params.get_param(FRESH_PARAM))

    def test_dashboard_and_week_grid_reads_run_on_a_read_only_cursor(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(FRESH_PARAM, False)
        self.authenticate("psa_approver", "psa_approver")
        with self.assertNoLogs("odoo.http", "WARNING"):
            figures = self._call("psa.dashboard", "get_figures", [], {})
        self.assertIn("utilization", figures)
        self.authenticate("psa_employee", "psa_employee")
        with self.assertNoLogs("odoo.http", "WARNING"):
            week = self._call("psa.timesheet.week", "read_week", [], {})
            self._call("psa.timesheet.week", "read_projects", [], {})
        self.assertEqual(len(week["days"]), 7)
        self.assertFalse(params.get_param(FRESH_PARAM))
