# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.tests import tagged

from .timesheet_common import DAY, PsaTimesheetCommon


@tagged("post_install", "-at_install")
class TestTimesheetBatchPerformance(PsaTimesheetCommon):
    """Submitting, approving and pricing timesheets are batch operations: the
    number of queries does not grow with the number of lines."""

    def _lines(self, count):
        vals = [
            {
                "project_id": self.project_tm.id,
                "employee_id": self.emp.id,
                "name": f"Work {i}",
                "unit_amount": 0.25 + (i % 8) * 0.25,
                "date": DAY + timedelta(days=i // 8),
            }
            for i in range(count)
        ]
        return self.env["account.analytic.line"].create(vals)

    def _queries(self, function):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def _measure(self, count):
        lines = self._lines(count)
        employee_lines = lines.with_user(self.user_employee)
        approver_lines = lines.with_user(self.user_approver)
        return (
            self._queries(lines._psa_update_billing),
            self._queries(employee_lines.action_psa_submit),
            self._queries(approver_lines.action_psa_approve),
        )

    def test_submit_approve_and_pricing_query_counts_are_flat(self):
        self._measure(5)  # warm the registry caches
        small = self._measure(40)
        large = self._measure(400)
        self.assertEqual(small, large)
        for action, queries in zip(("price", "submit", "approve"), small, strict=True):
            self.assertLess(queries, 100, action)
