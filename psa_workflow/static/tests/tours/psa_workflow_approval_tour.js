/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A project manager approves, on a desktop or a phone: opens PSA, Timesheets
// to Approve; opens one entry (the approval form) and approves it; rejects
// another with a reason; approves the week of a second consultant at once
// (desktop: selected in the list; phone: "Week" on a card, the total first).
// Each action says what it did. Entries
// (psa_workflow/tests/test_approval_tour.py): "Workshop" and "Wrong entry" of
// Psa Employee, five "Week of work" of Psa Trainee.
import {registry} from "@web/core/registry";
import {openPsaMenu} from "@psa_workflow/../tests/tours/psa_tour_steps";

registry.category("web_tour.tours").add("psa_workflow_approval_tour", {
    url: "/odoo",
    steps: () => [
        ...openPsaMenu("menu_psa_time_expenses", "menu_psa_timesheets_to_approve"),
        {
            content: "The queue is open",
            trigger: '.o_breadcrumb:contains("Timesheets to Approve")',
        },
        // One entry, in the approval form.
        {
            isActive: ["desktop"],
            content: "Unfold the consultant's entries",
            trigger: '.o_group_header:contains("Psa Employee")',
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "Unfold their week",
            trigger: '.o_group_header.o_group_open:contains("Psa Employee") + .o_group_header',
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "Open the workshop",
            trigger: '.o_data_row:contains("Workshop") td[name="psa_description"]',
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "Open the workshop's card",
            trigger: '.o_kanban_record:contains("Workshop")',
            run: "click",
        },
        {
            content: "The approval form shows the entry",
            trigger: '.o_form_view .o_field_widget[name="psa_description"]:contains("Workshop")',
        },
        {
            content: "Approve it",
            trigger: '.o_form_view button[name="action_psa_approve"]',
            run: "click",
        },
        {
            content: "It is approved, and said so (the form goes on to the next entry)",
            trigger: '.o_notification:contains("Approved")',
        },
        {
            content: "Back to the queue",
            trigger: ".o_back_button",
            run: "click",
        },
        // Another one rejected, with a reason.
        {
            content: "The queue is back",
            trigger: '.o_action:contains("Psa Employee"):not(:has(.o_form_view))',
        },
        {
            isActive: ["desktop", '.o_group_header:not(.o_group_open):contains("Psa Employee")'],
            content: "Unfold the consultant's entries again",
            trigger: '.o_group_header:not(.o_group_open):contains("Psa Employee")',
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "The consultant's entries are unfolded",
            trigger: '.o_group_header.o_group_open:contains("Psa Employee")',
        },
        {
            isActive: [
                "desktop",
                '.o_group_header.o_group_open:contains("Psa Employee") + .o_group_header:not(.o_group_open)',
            ],
            content: "and their week",
            trigger: '.o_group_header.o_group_open:contains("Psa Employee") + .o_group_header:not(.o_group_open)',
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "Select the wrong entry",
            trigger: '.o_data_row:contains("Wrong entry") .o_list_record_selector input',
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "Reject it",
            trigger: '.o_control_panel button[name="action_psa_reject"]',
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "Reject the wrong entry from its card",
            trigger: '.o_kanban_record:contains("Wrong entry") button[name="action_psa_reject"]',
            run: "click",
        },
        {
            content: "Tell the consultant why",
            trigger: '.modal .o_field_widget[name="reason"] textarea',
            run: "edit Split it by task",
        },
        {
            content: "Confirm the rejection",
            trigger: '.modal button[name="action_reject"]',
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "The consultant has nothing left to approve",
            trigger: 'body:not(:has(.modal)) .o_group_header:contains("Psa Employee (0)")',
        },
        {
            isActive: ["mobile"],
            content: "The consultant has nothing left to approve",
            trigger: 'body:not(:has(.modal)) .o_kanban_renderer:not(:has(.o_kanban_record:contains("Wrong entry")))',
        },
        // A week at once.
        {
            isActive: ["mobile"],
            content: "Approve the other consultant's week from a card",
            trigger: '.o_kanban_record:contains("Week of work") button[name="action_psa_approve_week"]',
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "The week's total and entries come first",
            trigger: '.modal .o_psa_week_approval_total:contains("20:00")',
        },
        {
            isActive: ["mobile"],
            content: "Approve the week",
            trigger: ".modal .o_psa_week_approval_approve",
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "Unfold the other consultant's entries",
            trigger: '.o_group_header:contains("Psa Trainee")',
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "Unfold their week",
            trigger: '.o_group_header.o_group_open:contains("Psa Trainee") + .o_group_header',
            run: "click",
        },
        {
            isActive: ["desktop", '.o_group_header.o_group_open:contains("Psa Employee")'],
            content: "Fold the entries done with",
            trigger: '.o_group_header.o_group_open:contains("Psa Employee")',
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "Select the whole week",
            trigger: ".o_list_table thead .o_list_record_selector input",
            run: "click",
        },
        {
            isActive: ["desktop"],
            content: "Five days are selected",
            trigger: '.o_list_selection_box:contains("5")',
        },
        {
            isActive: ["desktop"],
            content: "Approve them at once",
            trigger: '.o_control_panel button[name="action_psa_approve"]',
            run: "click",
        },
        {
            content: "What was approved is said",
            trigger: '.o_notification:contains("5 entries, 20:00")',
        },
        {
            content: "Nothing is left to approve",
            trigger: ".o_view_nocontent",
        },
    ],
});
