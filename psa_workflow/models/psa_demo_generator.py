# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo timesheets and expenses for the demo consulting firm.

Two months of entries are generated at install time, relative to today, so that
the demo never looks stale. The generator is deterministic (fixed seed): two
installs on the same day produce the same figures.
"""

import random
from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models

# The demo firm's public holidays ((month, day), name), this year and next:
# no capacity, no allocated hours and no time logged on them.
DEMO_HOLIDAYS = [
    ((1, 1), "New Year's Day"),
    ((12, 25), "Christmas Day"),
    ((12, 26), "Boxing Day"),
]

# Who works where, and how much of their logged day each project takes.
# (employee xmlid, hours logged per working day, [(project xmlid, weight)])
DEMO_STAFFING = [
    (
        "employee_director_demo",
        4.0,
        [("project_internal_demo", 3), ("project_tm_demo", 2)],
    ),
    (
        "employee_pm_demo",
        7.5,
        [
            ("project_tm_demo", 4),
            ("project_fixed_demo", 4),
            ("project_internal_demo", 2),
        ],
    ),
    (
        "employee_consultant_demo",
        8.0,
        [
            ("project_tm_demo", 5),
            ("project_finished_demo", 4),
            ("project_fixed_demo", 3),
        ],
    ),
    (
        "employee_analyst_demo",
        7.5,
        [("project_fixed_demo", 6), ("project_milestone_demo", 4)],
    ),
    (
        "employee_architect_demo",
        7.5,
        [
            ("project_tm_demo", 5),
            ("project_milestone_demo", 3),
            ("project_internal_demo", 2),
        ],
    ),
    (
        "employee_developer_demo",
        8.0,
        [("project_tm_demo", 4), ("project_milestone_demo", 6)],
    ),
    (
        "employee_junior_demo",
        7.0,
        [("project_milestone_demo", 5), ("project_internal_demo", 5)],
    ),
    ("employee_accountant_demo", 2.0, [("project_internal_demo", 1)]),
]

DEMO_DESCRIPTIONS = [
    "Workshop with the client team",
    "Analysis and specification",
    "Implementation",
    "Code review and testing",
    "Status meeting",
    "Documentation",
    "Data mapping",
    "Deployment preparation",
]

# (employee xmlid, project xmlid, expense product xmlid, amount, days ago, description)
DEMO_EXPENSES = [
    (
        "employee_consultant_demo",
        "project_tm_demo",
        "expense_product_travel_accommodation",
        412.30,
        52,
        "Flight to client site",
    ),
    (
        "employee_consultant_demo",
        "project_tm_demo",
        "expense_product_travel_accommodation",
        289.00,
        51,
        "Hotel, two nights",
    ),
    (
        "employee_consultant_demo",
        "project_tm_demo",
        "expense_product_meal",
        46.80,
        51,
        "Dinner with client team",
    ),
    (
        "employee_pm_demo",
        "project_fixed_demo",
        "expense_product_travel_accommodation",
        198.40,
        40,
        "Train to Brussels",
    ),
    (
        "employee_pm_demo",
        "project_fixed_demo",
        "expense_product_meal",
        64.20,
        40,
        "Steering committee lunch",
    ),
    (
        "employee_analyst_demo",
        "project_fixed_demo",
        "expense_product_travel_accommodation",
        175.00,
        33,
        "Train to Brussels",
    ),
    (
        "employee_architect_demo",
        "project_milestone_demo",
        "expense_product_communication",
        39.99,
        30,
        "Design tool licence",
    ),
    (
        "employee_developer_demo",
        "project_milestone_demo",
        "expense_product_communication",
        24.50,
        26,
        "Stock photography",
    ),
    (
        "employee_architect_demo",
        "project_tm_demo",
        "expense_product_meal",
        58.75,
        21,
        "Working lunch, data model review",
    ),
    (
        "employee_consultant_demo",
        "project_finished_demo",
        "expense_product_meal",
        32.10,
        60,
        "Discovery workshop catering",
    ),
    (
        "employee_pm_demo",
        "project_tm_demo",
        "expense_product_travel_accommodation",
        356.00,
        14,
        "Flight to San Francisco",
    ),
    (
        "employee_pm_demo",
        "project_tm_demo",
        "expense_product_meal",
        41.60,
        13,
        "Client dinner",
    ),
    (
        "employee_developer_demo",
        "project_tm_demo",
        "expense_product_communication",
        15.00,
        9,
        "Cloud sandbox",
    ),
    (
        "employee_junior_demo",
        "project_internal_demo",
        "expense_product_travel_accommodation",
        120.00,
        6,
        "Training course travel",
    ),
    (
        "employee_analyst_demo",
        "project_milestone_demo",
        "expense_product_meal",
        27.40,
        3,
        "User interviews lunch",
    ),
    (
        "employee_consultant_demo",
        "project_tm_demo",
        "expense_product_communication",
        9.99,
        1,
        "Mobile data roaming",
    ),
]

# Expense reports of the demo, by state: (state, indexes into DEMO_EXPENSES, name).
# Expenses in no report stay "To Report".
DEMO_EXPENSE_SHEETS = [
    ("approved", (0, 1, 2), "Northwind trip, month 1"),
    ("approved", (3, 4), "Helios steering committee"),
    ("refused", (5,), "Brussels train (duplicate)"),
    ("submitted", (6, 8), "Website tools and review lunch"),
    ("submitted", (7,), "Stock photography"),
    ("reported", (10, 11), "Northwind trip, month 2"),
]


class PsaDemoGenerator(models.AbstractModel):
    _name = "psa.demo.generator"
    _description = "PSA demo data generator"

    @api.model
    def _generate_demo_entries(self, days=61, seed=18):
        """Create the demo firm's timesheets and expenses for the last ``days`` days."""
        ref = self.env.ref
        if self.env["account.analytic.line"].search_count(
            [("project_id", "=", ref("psa_workflow.project_tm_demo").id)], limit=1
        ):
            return  # already generated: an update must not duplicate the demo
        rng = random.Random(seed)
        today = fields.Date.context_today(self)
        projects = {
            xmlid: ref(f"psa_workflow.{xmlid}")
            for _employee, _hours, staffing in DEMO_STAFFING
            for xmlid, _weight in staffing
        }
        # Done tasks too (``tasks``, not ``task_ids``): time was logged on
        # them before they were done.
        tasks_by_project = {
            project: project.tasks.sorted("id") for project in projects.values()
        }
        fallback = projects["project_internal_demo"]
        vals_list = []
        for employee_xmlid, hours_per_day, staffing in DEMO_STAFFING:
            employee = ref(f"psa_workflow.{employee_xmlid}")
            work_days = set(
                employee.resource_calendar_id.attendance_ids.mapped("dayofweek")
            )
            for offset in range(days, 0, -1):
                day = today - timedelta(days=offset)
                if str(day.weekday()) not in work_days or self._demo_holiday(day):
                    continue
                logged = round(hours_per_day + rng.choice((-1.0, -0.5, 0, 0, 0.5)), 2)
                open_projects = [
                    (projects[xmlid], weight)
                    for xmlid, weight in staffing
                    if self._demo_project_open(projects[xmlid], day)
                ] or [(fallback, 1)]
                picks = rng.choices(
                    [p for p, _w in open_projects],
                    weights=[w for _p, w in open_projects],
                    k=rng.choice((1, 2, 2, 3)),
                )
                for project, hours in self._demo_split_hours(rng, picks, logged):
                    tasks = tasks_by_project[project]
                    vals_list.append(
                        {
                            "date": day,
                            "employee_id": employee.id,
                            "project_id": project.id,
                            "task_id": tasks and rng.choice(tasks).id,
                            "name": rng.choice(DEMO_DESCRIPTIONS),
                            "unit_amount": hours,
                        }
                    )
        lines = self.env["account.analytic.line"].create(vals_list)
        self._set_demo_approval_states(lines, today)
        self._generate_demo_expenses(today)
        self._generate_demo_invoices(today)

    @api.model
    def _demo_holiday(self, day):
        return any((day.month, day.day) == month_day for month_day, _ in DEMO_HOLIDAYS)

    @api.model
    def _generate_demo_holidays(self):
        """The public holidays of the main company, this year and next: whole
        days in its working calendar's time zone (stored in UTC)."""
        company = self.env.ref("base.main_company")
        tz = pytz.timezone(company.resource_calendar_id.tz or "UTC")
        year = fields.Date.context_today(self).year
        Leaves = self.env["resource.calendar.leaves"].with_company(company)
        vals_list = []
        for holiday_year in (year, year + 1):
            for (month, day), name in DEMO_HOLIDAYS:
                start, end = (
                    tz.localize(datetime(holiday_year, month, day, *time))
                    .astimezone(pytz.utc)
                    .replace(tzinfo=None)
                    for time in ((0, 0, 0), (23, 59, 59))
                )
                if Leaves.search_count(
                    [
                        ("resource_id", "=", False),
                        ("company_id", "=", company.id),
                        ("date_from", "=", start),
                    ],
                    limit=1,
                ):
                    continue  # an update must not duplicate them
                vals_list.append(
                    {
                        "name": name,
                        "company_id": company.id,
                        "calendar_id": False,
                        "resource_id": False,
                        "date_from": start,
                        "date_to": end,
                        "time_type": "leave",
                    }
                )
        Leaves.create(vals_list)

    @api.model
    def _set_demo_approval_states(self, lines, today):
        """Older weeks approved by the project manager, the last two weeks
        submitted (a few rejected), this week and last week's stragglers draft."""
        monday = today - timedelta(days=today.weekday())
        approved = lines.filtered(lambda line: line.date < monday - timedelta(weeks=2))
        submitted = lines.filtered(
            lambda line: monday - timedelta(weeks=2) <= line.date < monday
        )
        rejected = submitted.filtered(
            lambda line: (
                line.employee_id == self.env.ref("psa_workflow.employee_junior_demo")
                and line.date >= monday - timedelta(weeks=1)
            )
        )
        now = fields.Datetime.now()
        for project in approved.project_id:
            approved.filtered(lambda line, p=project: line.project_id == p).write(
                {
                    "psa_state": "approved",
                    "psa_submitted_date": now,
                    "psa_approved_by_id": (project.user_id or self.env.user).id,
                    "psa_approved_date": now,
                }
            )
        (submitted - rejected).write(
            {"psa_state": "submitted", "psa_submitted_date": now}
        )
        rejected.write(
            {
                "psa_state": "rejected",
                "psa_rejection_reason": self.env._(
                    "Please split the training hours from the project work."
                ),
            }
        )

    @api.model
    def _generate_demo_invoices(self, today):
        """The accountant has invoiced the approved work of the first month
        (invoices posted, so that the reports show revenue and realization)."""
        accountant = self.env.ref("psa_workflow.user_accountant_demo")
        day = today - timedelta(days=today.weekday() + 28)
        projects = self.env["project.project"].search(
            [("psa_billing_type", "=", "time_material"), ("partner_id", "!=", False)]
        )
        result = (
            self.env["psa.invoicing.engine"]
            .with_user(accountant)
            ._invoice_projects(projects, date_to=day)
        )
        moves = result["moves"].sudo()
        moves.write({"invoice_date": day})
        moves.action_post()

    @api.model
    def _demo_project_open(self, project, day):
        return (not project.date_start or project.date_start <= day) and (
            not project.date or day <= project.date
        )

    @api.model
    def _demo_split_hours(self, rng, projects, total):
        """Split ``total`` hours over ``projects`` in quarter hours; merge repeats."""
        shares = {}
        remaining = total
        for index, project in enumerate(projects):
            if index == len(projects) - 1:
                hours = remaining
            else:
                hours = round(rng.uniform(0.25, 0.6) * remaining * 4) / 4
            remaining -= hours
            if hours > 0:
                shares[project] = shares.get(project, 0.0) + hours
        return shares.items()

    @api.model
    def _generate_demo_expenses(self, today):
        ref = self.env.ref
        expenses = self.env["hr.expense"].create(
            [
                {
                    "name": description,
                    "employee_id": ref(f"psa_workflow.{employee}").id,
                    "product_id": ref(f"hr_expense.{product}").id,
                    "total_amount_currency": amount,
                    "date": today - timedelta(days=days_ago),
                    "analytic_distribution": {
                        str(ref(f"psa_workflow.{project}").account_id.id): 100
                    },
                }
                for employee, project, product, amount, days_ago, description in (
                    DEMO_EXPENSES
                )
            ]
        )
        for state, indexes, name in DEMO_EXPENSE_SHEETS:
            sheet_expenses = expenses.browse([expenses.ids[i] for i in indexes])
            sheet = self.env["hr.expense.sheet"].create(
                {
                    "name": name,
                    "employee_id": sheet_expenses.employee_id.id,
                    "expense_line_ids": [fields.Command.set(sheet_expenses.ids)],
                }
            )
            if state == "reported":
                continue
            sheet.action_submit_sheet()
            if state == "approved":
                sheet._do_approve()
            elif state == "refused":
                sheet._do_refuse(self.env._("Already claimed on an earlier report."))
