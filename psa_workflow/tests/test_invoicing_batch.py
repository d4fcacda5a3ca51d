# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.tests import tagged

from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY


@tagged("post_install", "-at_install")
class TestInvoicingBatch(PsaInvoicingCommon):
    """The engine reads the timesheets as plain values and gathers them on ids:
    invoice lines, links and states are still those of the timesheets' fields."""

    def _approve(self, lines):
        lines.with_user(self.user_employee).action_psa_submit()
        lines.with_user(self.user_approver).action_psa_approve()
        return lines

    def _check_links(self, move, lines):
        links = move.psa_link_ids
        self.assertEqual(links.timesheet_id, lines)
        for link in links:
            self.assertEqual(link.hours, link.timesheet_id.psa_billed_hours)
        for invoice_line in move.invoice_line_ids:
            line_links = links.filtered(
                lambda link, il=invoice_line: link.move_line_id == il
            )
            self.assertAlmostEqual(
                sum(line_links.mapped("amount")), invoice_line.price_subtotal, places=2
            )
        self.assertEqual(set(lines.mapped("psa_state")), {"invoiced"})

    def test_task_detail_gathers_time_without_task_as_services(self):
        analysis = self._log(hours=1.25, task_id=self.task_tm.id)
        no_task = self._log(hours=0.5, day=DAY + timedelta(days=1)) | self._log(
            hours=0.75, day=DAY + timedelta(days=2)
        )
        lines = self._approve(analysis | no_task)
        move, _skipped = self._invoice(detail="task")
        services, task_line = move.invoice_line_ids  # "" sorts before the task
        self.assertEqual(
            (services.name, services.quantity),
            ("PSA Test T&M Project: services, 1.25 h — 5 Mar 2019 to 6 Mar 2019", 1.25),
        )
        self.assertEqual(
            (task_line.name, task_line.quantity),
            ("PSA Test T&M Project: PSA Test Analysis, 1.25 h — 4 Mar 2019", 1.25),
        )
        self.assertEqual(
            move.psa_link_ids.filtered(
                lambda link: link.move_line_id == services
            ).timesheet_id,
            no_task,
        )
        self._check_links(move, lines)

    def test_entry_detail_one_line_per_timesheet(self):
        lines = self._approve(
            self._log(hours=0.33, name="Design")
            | self._log(hours=0.33, name="Review", day=DAY + timedelta(days=1))
        )
        move, _skipped = self._invoice(detail="entry")
        self.assertEqual(len(move.invoice_line_ids), 2)
        self.assertEqual(move.invoice_line_ids.mapped("quantity"), [0.33, 0.33])
        self.assertTrue(
            all(
                link.timesheet_id.name in link.move_line_id.name
                for link in move.psa_link_ids
            )
        )
        self._check_links(move, lines)
