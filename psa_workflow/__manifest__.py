# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "PSA Workflow",
    "summary": "Professional services automation: plan, capture, approve, "
    "invoice and report on project work",
    "version": "18.0.1.0.0",
    "category": "Services/Project",
    "author": "psa_workflow contributors",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "project",
        "hr_timesheet",
        "hr_expense",
        "account",
        "hr_hourly_cost",
    ],
    "data": [
        "security/psa_workflow_groups.xml",
        "security/ir.model.access.csv",
        "data/project_project_data.xml",
        "views/project_project_views.xml",
        "views/psa_workflow_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/hr_employee_demo.xml",
        "demo/project_project_demo.xml",
        "demo/psa_demo_entries_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "psa_workflow/static/tests/tours/**/*",
        ],
    },
}
