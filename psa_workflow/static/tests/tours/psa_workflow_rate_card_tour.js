/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A PSA administrator reaches a customer's rate card from the customer's form
// (desktop), and reads the bill rates as cards on a phone, opening one.
import {registry} from "@web/core/registry";

const SCOPE = "Customer default";

registry.category("web_tour.tours").add("psa_workflow_rate_card_tour", {
    steps: () => [
        {
            content: "The customer's form counts its rate card",
            trigger: '.oe_stat_button[name="action_psa_open_rate_card"]:contains("1")',
            run: "click",
        },
        {
            content: "Its rates are listed, the customer in the title",
            trigger: '.o_breadcrumb:contains("Rate Card of PSA Test Customer")',
        },
        {
            content: "Only the customer's rate",
            trigger: `.o_list_view:not(:has(.o_data_row:not(:contains("${SCOPE}")))) .o_data_row:contains("${SCOPE}")`,
        },
    ],
});

registry.category("web_tour.tours").add("psa_workflow_rate_card_phone_tour", {
    steps: () => [
        {
            content: "On a phone the rates are cards, in one column",
            trigger: `.o_kanban_renderer.o_kanban_ungrouped .o_kanban_record:contains("${SCOPE}"):contains("140")`,
            run: "click",
        },
        {
            content: "The card opens the rate's form",
            trigger: `.o_form_view .o_field_widget[name="scope"]:contains("${SCOPE}")`,
        },
    ],
});
