# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""My Week takes a note per cell (issue #25, item 3): the description of
the cell's open entries, what approvers and customers read; the week's
rejected entries are listed with their reasons."""

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .timesheet_common import DAY, PsaTimesheetCommon


@tagged("post_install", "-at_install")
class TestTimesheetWeekNote(PsaTimesheetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Week = cls.env["psa.timesheet.week"].with_user(cls.user_employee)

    def _cell(self, task=None):
        return {
            "project_id": self.project_tm.id,
            "task_id": task.id if task else False,
            "date": fields.Date.to_string(DAY),
        }

    def _week_cell(self, week, task=None):
        key = f"{self.project_tm.id}-{task.id if task else 0}"
        [row] = [row for row in week["rows"] if row["key"] == key]
        return row["cells"][fields.Date.to_string(DAY)]

    def test_a_note_describes_the_cell_for_approvers_and_customers(self):
        self.Week.save_cells([{**self._cell(self.task_tm), "hours": 2.0}])
        [line] = self.env["account.analytic.line"].search(
            [("employee_id", "=", self.emp.id), ("date", "=", DAY)]
        )
        self.assertEqual(line.name, "/")  # the grid saves no description
        self.assertEqual(line.psa_description, self.task_tm.name)
        week = self.Week.save_note(self._cell(self.task_tm), "  Data model review ")
        self.assertEqual(line.name, "Data model review")
        self.assertEqual(line.psa_description, "Data model review")
        self.assertEqual(
            self._week_cell(week, self.task_tm)["note"], "Data model review"
        )
        # An empty note clears it: named by its task again.
        week = self.Week.save_note(self._cell(self.task_tm), "")
        self.assertEqual(line.psa_description, self.task_tm.name)
        self.assertFalse(self._week_cell(week, self.task_tm)["note"])

    def test_a_note_needs_open_time_in_its_cell(self):
        with self.assertRaises(UserError) as empty:
            self.Week.save_note(self._cell(), "Nothing logged")
        self.assertIn("log the hours first", str(empty.exception))
        self.Week.save_cells([{**self._cell(), "hours": 1.0}])
        line = self.env["account.analytic.line"].search(
            [("employee_id", "=", self.emp.id), ("date", "=", DAY)]
        )
        line.with_user(self.user_employee).action_psa_submit()
        with self.assertRaises(UserError) as locked:
            self.Week.save_note(self._cell(), "Too late")
        self.assertIn("cannot be changed here", str(locked.exception))
        self.assertEqual(line.name, "/")
        for bad in (42, ["a"], "x" * 2001):
            with self.subTest(note=str(bad)[:10]), self.assertRaises(UserError):
                self.Week.save_note(self._cell(), bad)
        with self.assertRaises(UserError):
            self.Week.save_note("not a cell", "note")

    def test_the_weeks_rejected_entries_are_listed_with_their_reasons(self):
        line = self._log(3.0)
        line.with_user(self.user_employee).action_psa_submit()
        line.with_user(self.user_approver).action_psa_reject(reason="Split it by task")
        week = self.Week.read_week(fields.Date.to_string(DAY))
        [rejected] = week["rejected"]
        self.assertEqual(
            (rejected["hours"], rejected["reason"]), (3.0, "Split it by task")
        )
        self.assertIn(self.project_tm.display_name, rejected["label"])
