/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A project manager opens the team's workload (pivot), then the allocations of
// the projects they manage.
import {registry} from "@web/core/registry";
import {
    openPsaApp,
    openSection,
    openSectionItem,
} from "@psa_workflow/../tests/tours/psa_tour_steps";

registry.category("web_tour.tours").add("psa_workflow_planning_tour", {
    url: "/odoo",
    steps: () => [
        ...openPsaApp(),
        openSection("menu_psa_planning", "Open the Planning menu"),
        openSectionItem("menu_psa_workload", "Open the workload"),
        {
            content: "The workload pivot shows capacity and allocated hours",
            trigger: '.o_pivot th:contains("Capacity")',
        },
        openSection("menu_psa_planning", "Open the Planning menu again"),
        openSectionItem("menu_psa_allocations", "Open the allocations"),
        {
            content: "The allocation planned on my project is listed",
            trigger: '.o_data_row:contains("PSA Test T&M Project"):contains("Employee")',
        },
    ],
});
