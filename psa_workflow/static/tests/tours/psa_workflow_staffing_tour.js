/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A project manager staffs an open role of 40 hours with a part-timer whose
// week holds 32: Find Staff, the candidate's card, the review step saying 8
// hours are short, the rest left as an open role (the default), Staff.
// Desktop and phone (psa_workflow/tests/test_staffing_tour.py).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("psa_workflow_staffing_tour", {
    steps: () => [
        {
            isActive: ["desktop"],
            content: "Find staff for the open role",
            trigger: '.o_form_view button[name="action_open_staffing"]',
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "Open the actions (a phone puts the form's buttons there)",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            isActive: ["mobile"],
            content: "Find staff for the open role",
            trigger: '.o-dropdown--menu button[name="action_open_staffing"]',
            run: "click",
        },
        {
            content: "The candidate's card, with the hours they can cover",
            trigger: '.modal .o_kanban_record:contains("Psa Employee"):contains("32:00")',
        },
        {
            content: "Staff them",
            trigger: '.modal .o_kanban_record:contains("Psa Employee") button[name="action_staff"]',
            run: "click",
        },
        {
            content: "The review says how many hours are short",
            trigger: '.modal .o_psa_staff_shortfall:contains("8:00")',
        },
        {
            content: "By default the rest stays an open role",
            trigger:
                '.modal .o_field_widget[name="shortfall_choice"] .form-check:has(input:checked):contains("Leave the rest as an open role")',
        },
        {
            content: "Staff",
            trigger: '.modal-footer button[name="action_staff_confirmed"]:visible',
            run: "click",
        },
        {
            content: "The role is staffed: no staff to find any more",
            trigger:
                'body:not(:has(.modal)) .o_form_view:not(:has(button[name="action_open_staffing"]))',
        },
    ],
});
