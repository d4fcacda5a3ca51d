/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// The accountant's journey: what can be invoiced now (Work in Progress), the
// invoicing wizard on the selection with its preview, the draft invoice.
import {openPsaMenu} from "@psa_workflow/../tests/tours/psa_tour_steps";
import {registry} from "@web/core/registry";

const PROJECT = "PSA Test T&M";

const previewAndCreate = [
    {
        content: "Only the selected project is to be invoiced",
        trigger: `.o_field_widget[name="project_ids"] .o_tag:contains("${PROJECT}")`,
    },
    {
        content: "The preview shows its 20 hours and 2,000.00 before anything is created",
        trigger: `.o_field_widget[name="preview_line_ids"] :contains("${PROJECT}"):contains("20:00"):contains("2,000.00")`,
    },
    {
        content: "Create the invoices",
        trigger: 'button[name="action_create_invoices"]',
        run: "click",
    },
    {
        content: "The draft invoice opens with the 20 hours",
        trigger: `.o_form_view .o_field_widget[name="invoice_line_ids"]:contains("20.00")`,
    },
];

registry.category("web_tour.tours").add("psa_workflow_accountant_tour", {
    url: "/odoo/action-psa_workflow.psa_wip_report_action",
    steps: () => [
        {
            content: "Work in progress lists the project's time to invoice now",
            trigger: `.o_data_row:contains("${PROJECT}"):contains("20:00")`,
        },
        {
            content: "Fixed-price time is never listed as time to invoice",
            trigger: `.o_list_table:not(:has(.o_data_row:contains("PSA Test Fixed"):contains("Time")))`,
        },
        {
            content: "Select the row",
            trigger: `.o_data_row:contains("${PROJECT}") .o_list_record_selector input`,
            run: "click",
        },
        {
            content: "Create Invoices from the selection",
            trigger: 'button[name="action_psa_create_invoices"]',
            run: "click",
        },
        ...previewAndCreate,
    ],
});

registry.category("web_tour.tours").add("psa_workflow_accountant_phone_tour", {
    url: "/odoo/action-psa_workflow.psa_wip_report_action",
    steps: () => [
        {
            content: "On a phone, work in progress is one card per project and model",
            trigger: `.o_kanban_record:contains("${PROJECT}"):contains("2,000.00")`,
        },
        ...openPsaMenu("menu_psa_billing", "menu_psa_create_invoices"),
        {
            content: "From the menu, every project with something to invoice is chosen: keep ours",
            trigger: `.o_field_widget[name="project_ids"] .o_tag:contains("${PROJECT}")`,
            async run() {
                const others = () =>
                    [
                        ...document.querySelectorAll(
                            '.o_field_widget[name="project_ids"] .o_tag'
                        ),
                    ].filter((tag) => !tag.textContent.includes(PROJECT));
                // Each removal re-renders the tags (and recomputes the
                // preview): the next tag is looked up again once it settled.
                while (others().length) {
                    const remove = others()[0].querySelector(".o_delete");
                    if (remove) {
                        remove.click();
                    }
                    await new Promise((resolve) => setTimeout(resolve, 200));
                }
            },
        },
        {
            content: "The preview is recomputed: one project left",
            trigger: `.o_field_widget[name="preview_line_ids"]:contains("${PROJECT}")`,
            async run() {
                const rows = () =>
                    document.querySelectorAll(
                        '.o_field_widget[name="preview_line_ids"] .o_data_row, ' +
                            '.o_field_widget[name="preview_line_ids"] .o_kanban_record:not(.o_kanban_ghost)'
                    ).length;
                for (let wait = 0; rows() !== 1 && wait < 100; wait++) {
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                if (rows() !== 1) {
                    throw new Error(`The preview still lists ${rows()} projects`);
                }
            },
        },
        ...previewAndCreate,
    ],
});
