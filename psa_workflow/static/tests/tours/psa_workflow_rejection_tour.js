/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A consultant whose entry was rejected, on a desktop or a phone: opens PSA, My
// Timesheets, where the Rejected filter is on and the reason shown; opens the
// entry, corrects its hours and submits it again.
import {registry} from "@web/core/registry";
import {openPsaMenu} from "@psa_workflow/../tests/tours/psa_tour_steps";

const REASON = "Split it by task";

registry.category("web_tour.tours").add("psa_workflow_rejection_tour", {
    url: "/odoo",
    steps: () => [
        ...openPsaMenu("menu_psa_time_expenses", "menu_psa_my_timesheets"),
        {
            isActive: ["desktop"],
            content: "The rejected entries are shown first",
            trigger: '.o_searchview_facet:contains("Rejected")',
        },
        {
            isActive: ["desktop"],
            content: "with the approver's reason",
            trigger: `.o_data_row:contains("Wrong entry") td[name="psa_rejection_reason"]:contains("${REASON}")`,
        },
        {
            isActive: ["desktop"],
            content: "Only the rejected entry is listed",
            trigger: '.o_list_renderer:not(:has(.o_data_row:contains("Workshop")))',
        },
        {
            isActive: ["desktop"],
            content: "Open the entry",
            trigger: '.o_data_row:contains("Wrong entry") .o_list_record_open_form_view button',
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "The card shows the reason",
            trigger: `.o_kanban_record:contains("Wrong entry") .o_psa_rejection_reason:contains("${REASON}")`,
        },
        {
            isActive: ["mobile"],
            content: "Only the rejected entry is shown",
            trigger: '.o_kanban_renderer:not(:has(.o_kanban_record:contains("Workshop")))',
        },
        {
            isActive: ["mobile"],
            content: "Open the entry",
            trigger: '.o_kanban_record:contains("Wrong entry")',
            run: "click",
        },
        {
            content: "The form says why it was rejected",
            trigger: `.o_form_view .alert-danger:contains("${REASON}")`,
        },
        {
            content: "Correct the hours",
            trigger: '.o_form_view .o_field_widget[name="unit_amount"] input',
            run: "edit 01:30",
        },
        {
            content: "Submit it again",
            trigger: '.o_form_view button[name="action_psa_submit"]',
            run: "click",
        },
        {
            content: "It is submitted",
            trigger: '.o_form_view .o_field_widget[name="psa_state"]:contains("Submitted")',
        },
        {
            content: "The reason is gone",
            trigger: ".o_form_view:not(:has(.alert-danger:visible))",
        },
    ],
});
