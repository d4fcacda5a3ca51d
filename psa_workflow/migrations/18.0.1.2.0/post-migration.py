# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.2.0: one approver concept. The record rules that gave approvers the
rows of the projects they manage (``project_id.user_id``) now read the
projects' approvers (``psa_approver_ids``: the manager and the delegates).
The rules are ``noupdate``: rewritten here, unless changed on the database.
The approvers themselves are computed by the upgrade (a new stored field)."""

from odoo import SUPERUSER_ID, api

MANAGED = "('project_id.user_id', '=', user.id)"
APPROVED = "('project_id.psa_approver_ids', 'in', user.id)"
TEAM_MANAGED = "('employee_id.psa_project_member_ids.project_id.user_id', '=', user.id)"
TEAM_APPROVED = (
    "('employee_id.psa_project_member_ids.project_id.psa_approver_ids', 'in', user.id)"
)
RULES = {
    "account_analytic_line_rule_psa_approver": "PSA timesheets: projects I approve",
    "psa_utilization_report_rule_managed": (
        "PSA utilization: projects I approve and their teams"
    ),
    "psa_profitability_report_rule_managed": "PSA profitability: projects I approve",
    "psa_revenue_report_rule_managed": "PSA revenue: projects I approve",
    "psa_workload_report_rule_managed": (
        "PSA workload: projects I approve and their teams"
    ),
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, name in RULES.items():
        rule = env.ref(f"psa_workflow.{xmlid}", raise_if_not_found=False)
        if not rule or MANAGED not in (rule.domain_force or ""):
            continue  # removed, or changed on this database: left as it is
        rule.write(
            {
                "name": name,
                "domain_force": rule.domain_force.replace(
                    TEAM_MANAGED, TEAM_APPROVED
                ).replace(MANAGED, APPROVED),
            }
        )
