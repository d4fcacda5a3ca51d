/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A project manager opens the PSA app (on the dashboard), finds the project
// they manage among the client projects, then opens the team's timesheets.
import {registry} from "@web/core/registry";
import {
    openPsaApp,
    openSection,
    openSectionItem,
} from "@psa_workflow/../tests/tours/psa_tour_steps";

registry.category("web_tour.tours").add("psa_workflow_menu_tour", {
    url: "/odoo",
    steps: () => [
        ...openPsaApp(),
        {
            content: "The app opens on the dashboard",
            trigger: ".o_psa_dashboard",
        },
        openSection("menu_psa_projects", "Open the client projects"),
        {
            content: "Client projects: the billable ones",
            trigger: '.o_searchview_facet:contains("Billable")',
        },
        {
            content: "The project I manage is listed",
            trigger: '.o_data_row:contains("PSA Test T&M Project")',
        },
        openSection("menu_psa_time_expenses", "Open the Time & Expenses menu"),
        openSectionItem("menu_psa_all_timesheets", "Open all timesheets (approvers only)"),
        {
            content: "The timesheets view is shown",
            trigger: '.o_breadcrumb:contains("All Timesheets")',
        },
    ],
});
