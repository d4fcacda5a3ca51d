/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A project manager opens the team's workload (pivot), then the allocations of
// the projects they manage.
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("psa_workflow_planning_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the PSA app",
            trigger: '.o_app[data-menu-xmlid="psa_workflow.menu_psa_root"]',
            run: "click",
        },
        {
            content: "Open the Planning menu",
            trigger: '.o_menu_sections [data-menu-xmlid="psa_workflow.menu_psa_planning"]',
            run: "click",
        },
        {
            content: "Open the workload",
            trigger: '.dropdown-item[data-menu-xmlid="psa_workflow.menu_psa_workload"]',
            run: "click",
        },
        {
            content: "The workload pivot shows capacity and allocated hours",
            trigger: '.o_pivot th:contains("Capacity")',
        },
        {
            content: "Open the Planning menu again",
            trigger: '.o_menu_sections [data-menu-xmlid="psa_workflow.menu_psa_planning"]',
            run: "click",
        },
        {
            content: "Open the allocations",
            trigger: '.dropdown-item[data-menu-xmlid="psa_workflow.menu_psa_allocations"]',
            run: "click",
        },
        {
            content: "The allocation planned on my project is listed",
            trigger: '.o_data_row:contains("PSA Test T&M Project"):contains("Employee")',
        },
    ],
});
