# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The task picker of the timesheet views: the chosen project's open tasks,
the ones the user logged time on most recently first, whoever they are
assigned to (Odoo's own picker filters on "My Tasks": empty on a phone for a
consultant logging time on tasks assigned to their project manager)."""

from datetime import timedelta

from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .timesheet_common import DAY, PsaTimesheetCommon


@tagged("post_install", "-at_install")
class TestTimesheetTaskPicker(PsaTimesheetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Task = cls.env["project.task"]
        project = cls.project_tm
        cls.task_recent, cls.task_older, cls.task_other, cls.task_done = Task.create(
            [
                {"name": "PSA Picker Recent", "project_id": project.id},
                {"name": "PSA Picker Older", "project_id": project.id},
                {
                    "name": "PSA Picker Colleague's",
                    "project_id": project.id,
                    "user_ids": [cls.user_approver.id],
                },
                {
                    "name": "PSA Picker Done",
                    "project_id": project.id,
                    "state": "1_done",
                },
            ]
        )

    def _picker(self, view_type, view="hr_timesheet.hr_timesheet_line_form"):
        """The task field's context and domain as the consultant's client
        evaluates them, on a timesheet of the T&M project."""
        Line = self.env["account.analytic.line"].with_user(self.user_employee)
        views = Line.get_views([(self.env.ref(view).id, view_type)])
        arch = views["views"][view_type]["arch"]
        [node] = etree.fromstring(arch).xpath("//field[@name='task_id']")
        values = {"project_id": self.project_tm.id}
        context = safe_eval(node.get("context"), values)
        domain = safe_eval(node.get("domain") or Line._fields["task_id"].domain, values)
        return context, domain

    def _log_on(self, task, day):
        self._log(hours=1.0, day=day, task_id=task.id)

    def test_views_drop_my_tasks_and_ask_for_the_picker_order(self):
        for view_type, view in (
            ("form", "hr_timesheet.hr_timesheet_line_form"),
            # The form of Odoo's timesheet menus (with the employee).
            ("form", "hr_timesheet.timesheet_view_form_user"),
            ("list", "hr_timesheet.hr_timesheet_line_tree"),
            ("list", "hr_timesheet.timesheet_view_tree_user"),
        ):
            with self.subTest(view=view):
                context, _domain = self._picker(view_type, view)
                self.assertNotIn("search_default_my_tasks", context)
                self.assertTrue(context["search_default_open_tasks"])
                self.assertTrue(context["psa_task_picker"])
                self.assertEqual(context["default_project_id"], self.project_tm.id)
        # The filter the phones' dialog applies is Odoo's "Open Tasks".
        search = self.env["project.task"].get_views([(False, "search")])
        arch = etree.fromstring(search["views"]["search"]["arch"])
        [open_filter] = arch.xpath("//filter[@name='open_tasks']")
        self.assertEqual(open_filter.get("domain"), "[('is_closed', '=', False)]")

    def test_dropdown_lists_open_tasks_recently_used_first(self):
        # No task of the project is assigned to the consultant.
        self.assertNotIn(self.user_employee, self.project_tm.task_ids.user_ids)
        self._log_on(self.task_older, DAY - timedelta(days=7))
        self._log_on(self.task_recent, DAY)
        self._log_on(self.task_done, DAY - timedelta(days=1))
        context, domain = self._picker("form")
        # What the desktop drop-down calls (Many2XAutocomplete.search).
        Task = self.env["project.task"].with_user(self.user_employee)
        result = Task.with_context(**context).name_search(
            "", args=domain, operator="ilike", limit=8
        )
        ids = [task_id for task_id, _name in result]
        open_tasks = (self.project_tm.task_ids - self.task_done).ids
        self.assertEqual(ids[:2], [self.task_recent.id, self.task_older.id])
        self.assertEqual(set(ids[2:-1]), set(open_tasks) - set(ids[:2]))
        self.assertIn(self.task_other.id, ids)
        # Closed last, even when used recently.
        self.assertEqual(ids[-1], self.task_done.id)
        # Odoo's own order without the picker's context.
        plain = [t for t, _n in Task.name_search("", args=domain, limit=8)]
        self.assertNotEqual(plain[:2], ids[:2])

    def test_phone_dialog_lists_open_tasks_recently_used_first(self):
        self._log_on(self.task_older, DAY - timedelta(days=7))
        self._log_on(self.task_recent, DAY)
        context, domain = self._picker("form")
        # What the phones' dialog calls: its kanban's web_search_read with the
        # field's domain, the "Open Tasks" filter and the field's context.
        Task = self.env["project.task"].with_user(self.user_employee)
        result = Task.with_context(**context).web_search_read(
            [*domain, ("is_closed", "=", False)],
            {"display_name": {}},
            limit=80,
            order="",
            count_limit=10001,
        )
        ids = [record["id"] for record in result["records"]]
        self.assertEqual(result["length"], len(ids))
        self.assertEqual(ids[:2], [self.task_recent.id, self.task_older.id])
        self.assertEqual(set(ids), set((self.project_tm.task_ids - self.task_done).ids))

    def test_picker_order_does_not_break_counts_and_groups(self):
        Task = self.env["project.task"].with_context(psa_task_picker=True)
        domain = [("project_id", "=", self.project_tm.id)]
        self.assertEqual(Task.search_count(domain), 5)
        groups = Task._read_group(domain, ["state"], ["__count"])
        self.assertEqual(dict(groups), {"01_in_progress": 4, "1_done": 1})
        self.assertEqual(
            Task.search(domain, limit=1, order="name").name, "PSA Picker Colleague's"
        )
