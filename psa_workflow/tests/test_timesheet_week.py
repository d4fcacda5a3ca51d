# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .timesheet_common import DAY, PsaTimesheetCommon


def _day(offset):
    return fields.Date.to_string(DAY + timedelta(days=offset))


@tagged("post_install", "-at_install")
class TestTimesheetWeek(PsaTimesheetCommon):
    """The weekly grid (``psa.timesheet.week``) as a consultant uses it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Week = cls.env["psa.timesheet.week"].with_user(cls.user_employee)
        cls.Line = cls.env["account.analytic.line"]
        cls.task_design, cls.task_build = cls.env["project.task"].create(
            [
                {"name": "PSA Test Design", "project_id": cls.project_tm.id},
                {"name": "PSA Test Build", "project_id": cls.project_tm.id},
            ]
        )

    def _cell(self, hours, day=0, project=None, task=None):
        return {
            "project_id": (project or self.project_tm).id,
            "task_id": task.id if task else False,
            "date": _day(day),
            "hours": hours,
        }

    def _row(self, week, project, task=None):
        key = f"{project.id}-{task.id if task else 0}"
        rows = [row for row in week["rows"] if row["key"] == key]
        return rows[0] if rows else None

    def _mine(self):
        return self.Line.search(
            [("employee_id", "=", self.emp.id), ("project_id", "!=", False)]
        )

    # ------------------------------------------------------------------
    # read_week
    # ------------------------------------------------------------------
    def test_read_week_puts_entries_in_their_cells_and_prefills_last_week(self):
        analysis = self._log(2.0, day=DAY + timedelta(days=1), task_id=self.task_tm.id)
        internal = self._log(
            1.0, day=DAY + timedelta(days=2), project=self.project_internal
        )
        internal |= self._log(
            0.5, day=DAY + timedelta(days=2), project=self.project_internal
        )
        # Last week: one pair used again this week, one not.
        self._log(3.0, day=DAY - timedelta(days=3), task_id=self.task_tm.id)
        self._log(4.0, day=DAY - timedelta(days=5), project=self.project_fixed)
        # Two weeks ago: not carried over.
        self._log(1.0, day=DAY - timedelta(days=10), task_id=self.task_build.id)

        week = self.Week.read_week(_day(2))

        self.assertEqual(week["week_start"], _day(0))
        self.assertEqual(
            [day["date"] for day in week["days"]], [_day(i) for i in range(7)]
        )
        # The working hours of the standard calendar: 8 h on weekdays.
        self.assertEqual(
            [day["hours_hint"] for day in week["days"]], [8.0] * 5 + [0.0] * 2
        )
        self.assertEqual(
            [day["total"] for day in week["days"]], [0, 2.0, 1.5, 0, 0, 0, 0]
        )
        self.assertEqual(week["total"], 3.5)
        self.assertEqual(week["can_submit_count"], 3)
        self.assertEqual(len(week["rows"]), 3)

        row = self._row(week, self.project_tm, self.task_tm)
        self.assertEqual(row["task_name"], self.task_tm.display_name)
        cell = row["cells"][_day(1)]
        self.assertEqual(
            (cell["hours"], cell["line_ids"], cell["state"], cell["editable"]),
            (2.0, analysis.ids, "draft", True),
        )
        self.assertEqual(row["cells"][_day(0)]["hours"], 0.0)
        self.assertEqual(row["total"], 2.0)

        cell = self._row(week, self.project_internal)["cells"][_day(2)]
        self.assertEqual((cell["hours"], sorted(cell["line_ids"])), (1.5, internal.ids))

        prefilled = self._row(week, self.project_fixed)
        self.assertTrue(prefilled, "last week's pair is offered")
        self.assertEqual(prefilled["total"], 0.0)
        self.assertFalse(any(c["line_ids"] for c in prefilled["cells"].values()))
        self.assertIsNone(self._row(week, self.project_tm, self.task_build))

    def test_read_week_shows_states_and_rejection_reasons(self):
        submitted = self._log(2.0)
        rejected = self._log(3.0, day=DAY + timedelta(days=1))
        approved = self._log(1.0, day=DAY + timedelta(days=2))
        (submitted | rejected | approved).with_user(
            self.user_employee
        ).action_psa_submit()
        rejected.with_user(self.user_approver).action_psa_reject("Wrong project")
        approved.with_user(self.user_approver).action_psa_approve()
        # A draft next to the approved entry: the cell is read-only all the same.
        self._log(1.0, day=DAY + timedelta(days=2))

        cells = self._row(self.Week.read_week(_day(0)), self.project_tm)["cells"]

        states = {
            day: (c["state"], c["editable"])
            for day, c in cells.items()
            if c["line_ids"]
        }
        self.assertEqual(
            states,
            {
                _day(0): ("submitted", False),
                _day(1): ("rejected", True),
                _day(2): ("draft", False),
            },
        )
        self.assertEqual(cells[_day(1)]["rejection_reason"], "Wrong project")
        self.assertFalse(cells[_day(0)]["rejection_reason"])

    def test_other_users_lines_never_appear_nor_change(self):
        theirs = self._log(5.0, user=self.user_approver)
        self._log(
            2.0,
            user=self.user_approver,
            day=DAY - timedelta(days=7),
            project=self.project_internal,
        )

        week = self.Week.read_week(_day(0))
        self.assertEqual(week["rows"], [])
        self.assertEqual(week["total"], 0.0)

        week = self.Week.save_cells([self._cell(1.0)])
        self.assertEqual(theirs.unit_amount, 5.0)
        mine = self._mine()
        self.assertEqual((mine.unit_amount, mine.employee_id), (1.0, self.emp))
        self.assertEqual(
            self._row(week, self.project_tm)["cells"][_day(0)]["line_ids"], mine.ids
        )
        self.assertEqual(self.Week.submit_week(_day(0))["submitted"], 1)
        self.assertEqual(theirs.psa_state, "draft")

    # ------------------------------------------------------------------
    # save_cells
    # ------------------------------------------------------------------
    def test_save_cells_creates_updates_and_deletes_in_one_call(self):
        updated = self._log(2.0, task_id=self.task_tm.id)
        deleted = self._log(3.0, day=DAY + timedelta(days=1), task_id=self.task_tm.id)
        untouched = self._log(4.0, day=DAY + timedelta(days=2), task_id=self.task_tm.id)

        week = self.Week.save_cells(
            [
                self._cell(1.5, 0, task=self.task_tm),
                self._cell(0, 1, task=self.task_tm),
                self._cell(4.0, 2, task=self.task_tm),
                self._cell(2.5, 3, project=self.project_internal),
                self._cell(0, 4, project=self.project_internal),  # nothing to do
            ]
        )

        self.assertEqual(updated.unit_amount, 1.5)
        self.assertFalse(deleted.exists())
        self.assertEqual(untouched.unit_amount, 4.0)
        created = self._mine().filtered(
            lambda line: line.project_id == self.project_internal
        )
        self.assertEqual(
            (created.unit_amount, created.date, created.psa_state),
            (2.5, DAY + timedelta(days=3), "draft"),
        )
        self.assertEqual(len(self._mine()), 3)
        # The answer is the fresh week.
        self.assertEqual(week["total"], 8.0)
        self.assertEqual(
            self._row(week, self.project_internal)["cells"][_day(3)]["line_ids"],
            created.ids,
        )

    def test_save_cells_puts_the_difference_on_the_newest_open_entry(self):
        older = self._log(2.0)
        newer = self._log(1.0)
        self.Week.save_cells([self._cell(4.5)])
        self.assertEqual((older.unit_amount, newer.unit_amount), (2.0, 2.5))
        # A decrease larger than the newest entry deletes it, the rest is
        # taken from the next one.
        self.Week.save_cells([self._cell(1.5)])
        self.assertFalse(newer.exists())
        self.assertEqual(older.unit_amount, 1.5)
        self.Week.save_cells([self._cell(0)])
        self.assertFalse(older.exists())

    def test_corrected_rejected_entry_stays_rejected_until_submitted(self):
        line = self._log(3.0)
        line.with_user(self.user_employee).action_psa_submit()
        line.with_user(self.user_approver).action_psa_reject("Too much")
        self.Week.save_cells([self._cell(2.0)])
        self.assertEqual((line.unit_amount, line.psa_state), (2.0, "rejected"))

    def test_save_cells_query_count_does_not_grow_with_the_cells(self):
        rows = [
            (self.project_tm, self.task_tm),
            (self.project_tm, self.task_design),
            (self.project_tm, self.task_build),
            (self.project_tm, None),
            (self.project_internal, None),
        ]

        def queries(cells):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Week.save_cells(cells)
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        def grid(hours, days):
            return [
                self._cell(hours, day, project=project, task=task)
                for project, task in rows
                for day in days
            ]

        self.Week.save_cells(grid(0.5, [5]))  # warm the caches (the weekend)
        create_one = queries([self._cell(1.0, 0, task=self.task_tm)])
        create_many = queries(grid(1.0, [1, 2, 3, 4]) + grid(1.0, [0])[1:])
        self.assertEqual(len(self._mine()), 5 + 25)
        update_one = queries([self._cell(2.0, 0, task=self.task_tm)])
        update_many = queries(grid(2.0, range(5)))
        delete_many = queries(grid(0, range(5)))
        self.assertEqual(len(self._mine()), 5)
        # Creating, changing or deleting 25 cells costs about what one cell
        # costs (measured: 60-70 queries either way), not 25 times more.
        self.assertLess(create_many, create_one + 20, (create_one, create_many))
        self.assertLess(update_many, update_one + 20, (update_one, update_many))
        self.assertLess(delete_many, update_one + 20, (update_one, delete_many))

    def test_save_cells_above_the_daily_maximum_saves_nothing(self):
        self._log(10.0, project=self.project_internal)
        tuesday = self._log(1.0, day=DAY + timedelta(days=1))
        with self.assertRaises(ValidationError) as error:
            self.Week.save_cells(
                [
                    self._cell(5.0, 1),
                    self._cell(3.0, 2),
                    self._cell(15.0, 0, task=self.task_tm),
                ]
            )
        self.assertIn("more than 24 hours", error.exception.args[0])
        self.assertIn(self.emp.name, error.exception.args[0])
        self.assertEqual(tuesday.unit_amount, 1.0)
        self.assertEqual(len(self._mine()), 2)
        # Moving hours between two cells of a day is fine (decreases first).
        self.Week.save_cells(
            [
                self._cell(20.0, 0, task=self.task_tm),
                self._cell(4.0, 0, project=self.project_internal),
            ]
        )
        self.assertEqual(
            sum(
                self._mine()
                .filtered(lambda line: line.date == DAY)
                .mapped("unit_amount")
            ),
            24.0,
        )

    def test_save_cells_refuses_locked_cells_naming_them(self):
        approved = self._log(2.0, task_id=self.task_tm.id)
        submitted = self._log(3.0, day=DAY + timedelta(days=1))
        (approved | submitted).with_user(self.user_employee).action_psa_submit()
        approved.with_user(self.user_approver).action_psa_approve()
        for cell, line in (
            (self._cell(1.0, 0, task=self.task_tm), approved),
            (self._cell(0, 1), submitted),
        ):
            with (
                self.subTest(state=line.psa_state),
                self.assertRaises(UserError) as error,
            ):
                self.Week.save_cells([self._cell(1.0, 3), cell])
            message = error.exception.args[0]
            self.assertIn(self.project_tm.name, message)
            self.assertIn("cannot be changed", message)
            self.assertTrue(line.exists())
            self.assertEqual(len(self._mine()), 2, "nothing saved")
        self.assertEqual((approved.unit_amount, submitted.unit_amount), (2.0, 3.0))
        # The same hours sent back unchanged are no change.
        self.Week.save_cells([self._cell(2.0, 0, task=self.task_tm)])

    def test_save_cells_refuses_bad_input(self):
        for cells in (
            "not a list",
            [{"project_id": "x", "date": _day(0), "hours": 1}],
            [{"project_id": self.project_tm.id, "date": "someday", "hours": 1}],
            [self._cell(-1.0)],
            [self._cell(25.0)],
            [self._cell(1.0, project=self.project_internal, task=self.task_tm)],
        ):
            with self.subTest(cells=cells), self.assertRaises(UserError):
                self.Week.save_cells(cells)
        self.assertFalse(self._mine())

    # ------------------------------------------------------------------
    # submit_week
    # ------------------------------------------------------------------
    def test_submit_week_submits_drafts_and_corrected_rejections_only(self):
        draft = self._log(2.0)
        rejected = self._log(3.0, day=DAY + timedelta(days=1))
        submitted = self._log(1.0, day=DAY + timedelta(days=2))
        approved = self._log(4.0, day=DAY + timedelta(days=3))
        empty = self._log(0.0, day=DAY + timedelta(days=4))
        next_week = self._log(1.0, day=DAY + timedelta(days=7))
        (rejected | submitted | approved).with_user(
            self.user_employee
        ).action_psa_submit()
        approved.with_user(self.user_approver).action_psa_approve()
        rejected.with_user(self.user_approver).action_psa_reject("Split it")
        self.Week.save_cells([self._cell(2.5, 1)])  # corrected

        result = self.Week.submit_week(_day(6))

        self.assertEqual(
            result, {"submitted": 2, "hours": 4.5, "waiting": 0, "skipped": 3}
        )
        self.assertEqual(
            (draft | rejected | submitted | approved | empty | next_week).mapped(
                "psa_state"
            ),
            ["submitted", "submitted", "submitted", "approved", "draft", "draft"],
        )
        self.assertFalse(rejected.psa_rejection_reason)
        # Nothing left: not an error.
        self.assertEqual(
            self.Week.submit_week(_day(0)),
            {"submitted": 0, "hours": 0.0, "waiting": 0, "skipped": 5},
        )
        self.assertEqual(self.Week.read_week(_day(0))["can_submit_count"], 0)

    def test_only_psa_users_with_an_employee_use_the_grid(self):
        user = self.env["res.users"].create(
            {
                "name": "No Employee",
                "login": "psa_no_employee",
                "groups_id": [(6, 0, [self.env.ref("psa_workflow.group_psa_user").id])],
            }
        )
        with self.assertRaises(UserError) as error:
            self.env["psa.timesheet.week"].with_user(user).read_week()
        self.assertIn("No Employee", error.exception.args[0])

    def test_picker_offers_recent_projects_and_tasks_first(self):
        self._log(1.0, day=fields.Date.today(), task_id=self.task_build.id)
        tasks = self.Week.read_tasks(self.project_tm.id)
        self.assertEqual(
            tasks[0], {"id": self.task_build.id, "name": self.task_build.display_name}
        )
        self.assertEqual(
            {task["id"] for task in tasks},
            set((self.task_tm | self.task_design | self.task_build).ids),
        )
        projects = self.Week.read_projects()
        self.assertEqual(projects[0]["id"], self.project_tm.id)
        self.assertNotIn(self.project_b.id, [p["id"] for p in projects])

    def test_the_timesheets_app_opens_my_week(self):
        action = self.env.ref("psa_workflow.psa_timesheet_week_action")
        root = self.env.ref("hr_timesheet.timesheet_menu_root")
        top = self.env.ref("psa_workflow.menu_timesheet_psa_my_week")
        # A consultant, and a timesheet approver (My Week under "Timesheets").
        for user, shown in ((self.user_employee, True), (self.user_admin, False)):
            with self.subTest(user=user.login):
                menus = self.env["ir.ui.menu"].with_user(user).load_web_menus(False)
                self.assertEqual(menus[root.id]["actionID"], action.id)
                self.assertEqual(top.id in menus, shown)
