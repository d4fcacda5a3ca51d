/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A project manager, on a desktop or a phone: opens the PSA app (the
// dashboard), the client projects, then the project they manage (102 % of
// its budget burnt: a red bar); adds a consultant to its team and saves.
// Data: psa_workflow/tests/test_project_manager_tour.py.
import {registry} from "@web/core/registry";
import {
    onDesktop,
    openPsaApp,
    openSection,
    openSidebarMenu,
} from "@psa_workflow/../tests/tours/psa_tour_steps";

const PROJECT = "PSA Test T&M Project";

registry.category("web_tour.tours").add("psa_workflow_project_manager_tour", {
    url: "/odoo",
    steps: () => [
        ...openPsaApp({homeMenu: true}),
        {
            content: "The app opens on the dashboard",
            trigger: ".o_psa_dashboard",
        },
        // The client projects: billable ones, filtered, not grouped.
        onDesktop(openSection("menu_psa_projects", "Open the projects")),
        ...openSidebarMenu("menu_psa_projects", "Open the projects"),
        {
            isActive: ["desktop"],
            content: "Billable projects, with their budget burn",
            trigger: `.o_list_view .o_data_row:contains("${PROJECT}") .o_field_psa_budget_progressbar .bg-danger`,
        },
        {
            isActive: ["desktop"],
            content: "The non-billable project is one filter away",
            trigger: '.o_searchview_facet:contains("Billable")',
        },
        {
            isActive: ["desktop"],
            content: "Open the project I manage",
            trigger: `.o_data_row:contains("${PROJECT}") td[name="display_name"]`,
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "The project's card shows its budget burn in red",
            trigger: `.o_kanban_record:contains("${PROJECT}") .o_psa_budget_badge.text-bg-danger`,
        },
        {
            isActive: ["mobile"],
            content: "Open the card's menu",
            trigger: `.o_kanban_record:contains("${PROJECT}") .o_dropdown_kanban .dropdown-toggle`,
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "Open the project (its form)",
            trigger: '.o-dropdown--menu .dropdown-item:contains("View")',
            run: "click",
        },
        // The form: budget on the main part, burn bar red at 102 %.
        {
            content: "The money budget is on the form",
            trigger: '.o_form_view .o_field_widget[name="psa_budget_amount"]',
        },
        {
            content: "The budget burn bar is red, not grey",
            trigger: '.o_field_widget[name="psa_burn_percent"] .o_progress .bg-danger',
        },
        {
            content: "Open the Team tab",
            trigger: '.o_notebook .nav-link:contains("Team")',
            run: "click",
        },
        {
            content: "Add a line to the team",
            trigger: '.o_field_widget[name="psa_member_ids"] .o_field_x2many_list_row_add a',
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "Choose the consultant",
            trigger: '.o_field_widget[name="employee_id"] input',
            run: "edit Psa Employee",
        },
        {
            isActive: ["desktop"],
            content: "Pick them",
            trigger: '.o-autocomplete--dropdown-item:contains("Psa Employee")',
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "Choose the consultant",
            trigger: '.o_field_widget[name="employee_id"] input',
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "Pick them",
            trigger: '.modal .o_kanban_record:contains("Psa Employee")',
            run: "click",
        },
        {
            content: "Their role on the project comes from their default role",
            trigger: '.o_field_widget[name="psa_member_ids"] .o_data_row [name="role_id"]:contains("PM Tour Consultant"), .o_field_widget[name="psa_member_ids"] .o_data_row [name="role_id"] input:value("PM Tour Consultant")',
        },
        {
            content: "Save the project",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The consultant is on the team",
            trigger: '.o_field_widget[name="psa_member_ids"] .o_data_row:contains("Psa Employee")',
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});
