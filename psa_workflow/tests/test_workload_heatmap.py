# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.psa_workflow.report.psa_workload_heatmap import workload_band

from .common import PsaCommon
from .test_workload_report import W1, W2, WorkloadDatasetMixin


@tagged("post_install", "-at_install")
class TestWorkloadHeatmap(WorkloadDatasetMixin, PsaCommon):
    """The dataset of ``WorkloadDatasetMixin`` gives, in % of capacity:

    ========= ============================ ==================
    who       week 1 (32 h capacity)       week 2 (40 h)
    ========= ============================ ==================
    employee  40 h: 125 % over             30 h: 75 % under
    approver  16 h: 50 % under             0 h: 0 % under
    billing   0 h: 0 % under               40 h: 100 % right
    ========= ============================ ==================

    Plus an outsider allocated only on the fixed-price project (managed by the
    administrator, not by the approver): 16 h in week 1.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_workload_dataset()
        cls.Heatmap = cls.env["psa.workload.heatmap"]
        calendar = cls.company.resource_calendar_id
        cls.outsider = cls.env["hr.employee"].create(
            {
                "name": "PSA Test Outsider",
                "company_id": cls.company.id,
                "resource_calendar_id": calendar.id,
                "tz": "UTC",
            }
        )
        cls.env["psa.allocation"].create(
            {
                "project_id": cls.project_fixed.id,
                "employee_id": cls.outsider.id,
                "date_from": W1,
                "date_to": W1 + timedelta(days=4),
                "mode": "total_hours",
                "total_hours": 16.0,
                "state": "confirmed",
            }
        )
        cls.Capacity._refresh(cls.outsider, W1, W2 + timedelta(days=6))

    def _read(self, user=None, **kwargs):
        heatmap = self.Heatmap.with_user(user) if user else self.Heatmap
        kwargs.setdefault("date_from", fields.Date.to_string(W1 + timedelta(days=2)))
        kwargs.setdefault("weeks", 2)
        return heatmap.read_heatmap(**kwargs)

    @staticmethod
    def _cells(data):
        return {
            (row["employee_id"], cell["week"]): cell
            for row in data["rows"]
            for cell in row["cells"]
        }

    @staticmethod
    def _people(data):
        return {row["employee_id"] for row in data["rows"]}

    def test_percent_band_and_hours_per_cell(self):
        data = self._read()
        self.assertEqual(data["date_from"], str(W1), "the period starts on a Monday")
        self.assertEqual([week["date"] for week in data["weeks"]], [str(W1), str(W2)])
        cells = self._cells(data)
        w1, w2 = str(W1), str(W2)
        expected = {
            (self.employee.id, w1): (40.0, 32.0, 125.0, "over"),
            (self.employee.id, w2): (30.0, 40.0, 75.0, "under"),
            (self.employee_approver.id, w1): (16.0, 32.0, 50.0, "under"),
            (self.employee_approver.id, w2): (0.0, 40.0, 0.0, "under"),
            (self.employee_billing.id, w1): (0.0, 32.0, 0.0, "under"),
            (self.employee_billing.id, w2): (40.0, 40.0, 100.0, "right"),
            (self.outsider.id, w1): (16.0, 32.0, 50.0, "under"),
        }
        for key, (allocated, capacity, percent, band) in expected.items():
            cell = cells[key]
            self.assertEqual(
                (cell["allocated"], cell["capacity"], cell["percent"], cell["band"]),
                (allocated, capacity, percent, band),
                key,
            )
        employee_w1 = cells[self.employee.id, w1]
        self.assertEqual((employee_w1["confirmed"], employee_w1["tentative"]), (24, 16))
        self.assertEqual(employee_w1["hidden"], 0.0)
        row = next(r for r in data["rows"] if r["employee_id"] == self.employee.id)
        self.assertEqual((row["over_weeks"], row["under_weeks"]), (1, 1))
        self.assertEqual(row["role"], "PSA Test Consultant")
        # The open role is demand, nobody's workload.
        self.assertEqual(self._people(data), set((self.employees | self.outsider).ids))

    def test_band_edges(self):
        self.assertEqual(workload_band(31.99, 40.0)[1], "under")
        self.assertEqual(workload_band(32.0, 40.0), (80.0, "right"))
        self.assertEqual(workload_band(40.0, 40.0), (100.0, "right"))
        self.assertEqual(workload_band(40.25, 40.0)[1], "over")
        self.assertEqual(workload_band(8.0, 0.0), (None, "over"))
        self.assertEqual(workload_band(0.0, 0.0), (None, "none"))

    def test_filters_department_role_project(self):
        department = self.env["hr.department"].create({"name": "PSA Test Delivery"})
        self.employee.department_id = department
        data = self._read(department_id=department.id)
        self.assertEqual(self._people(data), set(self.employee.ids))
        self.assertIn(
            {"id": department.id, "name": department.display_name},
            data["options"]["departments"],
        )
        # Any of the person's roles, not only the default one.
        data = self._read(role_id=self.role_consultant.id)
        self.assertEqual(
            self._people(data), set((self.employee | self.employee_approver).ids)
        )
        data = self._read(role_id=self.role_architect.id)
        self.assertEqual(self._people(data), set(self.employee_approver.ids))
        # Project: the people allocated on it; their cells stay their whole
        # load, with the project's share apart.
        data = self._read(project_id=self.project_tm.id)
        self.assertEqual(
            self._people(data), set((self.employee | self.employee_billing).ids)
        )
        cell = self._cells(data)[self.employee.id, str(W1)]
        self.assertEqual((cell["allocated"], cell["project"]), (40.0, 24.0))
        data = self._read(project_id=self.project_fixed.id)
        self.assertEqual(
            self._people(data), set((self.employee_approver | self.outsider).ids)
        )

    def test_staff_only_unless_everyone(self):
        # Week 1 only: the billing user has no role, no target, no allocation.
        data = self._read(weeks=1)
        self.assertNotIn(self.employee_billing.id, self._people(data))
        self.assertIn(self.outsider.id, self._people(data), "allocated")
        data = self._read(weeks=1, everyone=True)
        self.assertIn(self.employee_billing.id, self._people(data))
        self.employee_billing.psa_utilization_target = 75.0
        self.assertIn(self.employee_billing.id, self._people(self._read(weeks=1)))

    def test_approver_sees_the_people_of_their_projects(self):
        data = self._read(self.user_approver)
        # The outsider works only on a project the approver does not manage.
        self.assertEqual(self._people(data), set(self.employees.ids))
        # The approver's team mate's whole load, even on projects they do not
        # manage, counted apart as hidden.
        self.env["psa.allocation"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.outsider.id,
                "date_from": W2,
                "date_to": W2 + timedelta(days=4),
                "mode": "hours_per_day",
                "hours_per_day": 2.0,
            }
        )
        cells = self._cells(self._read(self.user_approver))
        outsider_w1 = cells[self.outsider.id, str(W1)]
        self.assertEqual(
            (outsider_w1["allocated"], outsider_w1["hidden"], outsider_w1["band"]),
            (16.0, 16.0, "under"),
        )
        self.assertEqual(cells[self.outsider.id, str(W2)]["hidden"], 0.0)
        # What a click on the cell lists: only the allocations they may see.
        allocations = (
            self.env["psa.allocation"]
            .with_user(self.user_approver)
            .search(
                [
                    ("employee_id", "=", self.outsider.id),
                    ("date_from", "<=", W1 + timedelta(days=6)),
                    ("date_to", ">=", W1),
                ]
            )
        )
        self.assertFalse(allocations)

    def test_consultant_sees_only_themselves(self):
        data = self._read(self.user_employee)
        self.assertEqual(self._people(data), set(self.employee.ids))
        # Their own load is all theirs: nothing hidden.
        cell = self._cells(data)[self.employee.id, str(W1)]
        self.assertEqual((cell["allocated"], cell["hidden"]), (40.0, 0.0))

    def test_users_without_psa_access_are_refused(self):
        stranger = new_test_user(self.env, login="psa_heatmap_stranger")
        with self.assertRaises(AccessError):
            self._read(stranger)

    def test_query_count_is_bounded(self):
        """A dozen queries, whatever the number of weeks and of people."""
        admin = self.user_admin
        self._read(admin, weeks=12)  # warm the caches
        more = self.env["hr.employee"].create(
            [
                {
                    "name": f"PSA Test Extra {index}",
                    "resource_calendar_id": self.outsider.resource_calendar_id.id,
                    "psa_utilization_target": 80.0,
                }
                for index in range(5)
            ]
        )
        self.Capacity._refresh(more, W1 - timedelta(weeks=10), W2 + timedelta(weeks=16))
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=12, psa_admin=12):
            self.Heatmap.with_user(admin).read_heatmap(
                date_from=fields.Date.to_string(W1), weeks=2
            )
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=12, psa_admin=12):
            data = self.Heatmap.with_user(admin).read_heatmap(
                date_from=fields.Date.to_string(W1 - timedelta(weeks=10)), weeks=26
            )
        self.assertEqual(len(data["rows"]), 9)
        self.assertEqual(len(data["weeks"]), 26)

    def test_menu_action_refreshes_capacity_and_opens_the_heatmap(self):
        action = self.Heatmap.with_user(self.user_employee).action_open_heatmap()
        self.assertEqual(action["tag"], "psa_workflow.workload_heatmap")
        menu = self.env.ref("psa_workflow.menu_psa_workload_heatmap")
        siblings = menu.parent_id.child_id.sorted("sequence")
        self.assertEqual(siblings[0], menu, "the heat map comes first in Planning")
        self.assertEqual(
            self.env.ref("psa_workflow.menu_psa_workload").name, "Workload Analysis"
        )

    def test_team_workload_button_opens_the_heatmap_on_the_project(self):
        project = self.project_tm.with_user(self.user_approver)
        action = project.action_psa_open_team_workload()
        self.assertEqual(action["tag"], "psa_workflow.workload_heatmap")
        self.assertEqual(action["context"], {"psa_project_id": self.project_tm.id})


@tagged("post_install", "-at_install")
class TestAllocationTimeline(PsaCommon):
    def test_the_allocation_action_offers_a_timeline(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_workflow.psa_allocation_action"
        )
        modes = action["view_mode"].split(",")
        self.assertIn("timeline", modes)
        self.assertNotIn("calendar", modes, "the timeline replaces the calendar")
        views = (
            self.env["psa.allocation"]
            .with_user(self.user_approver)
            .get_views([(False, "timeline"), (False, "search")])
        )
        arch = views["views"]["timeline"]["arch"]
        self.assertIn('default_group_by="employee_id"', arch)
        self.assertIn('date_stop="timeline_date_stop"', arch)
        self.assertIn("allocated_hours", arch)

    def test_timeline_bar_ends_after_the_last_day(self):
        start = fields.Date.to_date("2031-05-05")
        allocation = self.env["psa.allocation"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.user_employee.employee_id.id,
                "date_from": start,
                "date_to": start + timedelta(days=4),
                "hours_per_day": 4.0,
            }
        )
        self.assertEqual(allocation.timeline_date_stop, start + timedelta(days=5))
        # Dragging the bar's end in the timeline writes the stop date back.
        allocation.timeline_date_stop = start + timedelta(days=3)
        self.assertEqual(allocation.date_to, start + timedelta(days=2))
        self.assertEqual(len(allocation.line_ids), 3)
