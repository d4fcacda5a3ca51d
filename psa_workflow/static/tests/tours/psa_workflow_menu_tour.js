/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A project manager opens the PSA app (on the dashboard), finds the project
// they manage among the client projects, then opens the team's timesheets.
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("psa_workflow_menu_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the PSA app",
            trigger: '.o_app[data-menu-xmlid="psa_workflow.menu_psa_root"]',
            run: "click",
        },
        {
            content: "The app opens on the dashboard",
            trigger: ".o_psa_dashboard",
        },
        {
            content: "Open the client projects",
            trigger: '.o_menu_sections [data-menu-xmlid="psa_workflow.menu_psa_projects"]',
            run: "click",
        },
        {
            content: "Client projects: the billable ones",
            trigger: '.o_searchview_facet:contains("Billable")',
        },
        {
            content: "The project I manage is listed",
            trigger: '.o_data_row:contains("PSA Test T&M Project")',
        },
        {
            content: "Open the Time & Expenses menu",
            trigger:
                '.o_menu_sections [data-menu-xmlid="psa_workflow.menu_psa_time_expenses"]',
            run: "click",
        },
        {
            content: "Open all timesheets (approvers only)",
            trigger: '.dropdown-item[data-menu-xmlid="psa_workflow.menu_psa_all_timesheets"]',
            run: "click",
        },
        {
            content: "The timesheets view is shown",
            trigger: '.o_breadcrumb:contains("All Timesheets")',
        },
    ],
});
