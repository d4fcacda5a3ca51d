/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// An approver approves the week submitted to them; a billing user invoices the
// project and opens the draft invoice.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("psa_workflow_approve_week_tour", {
    url: "/odoo/action-psa_workflow.account_analytic_line_action_approve",
    steps: () => [
        {
            content: "Show the lines without grouping",
            trigger: ".o_searchview_facet:contains(Employee) .o_facet_remove",
            run: "click",
        },
        {
            content: "The submitted week is listed",
            trigger: '.o_data_row:contains("Week of work")',
        },
        {
            content: "Select every line",
            trigger: ".o_list_table thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Approve them at once",
            trigger: 'button[name="action_psa_approve"]',
            run: "click",
        },
        {
            content: "Nothing is left to approve",
            trigger: ".o_view_nocontent, .o_list_table:not(:has(.o_data_row))",
        },
    ],
});

registry.category("web_tour.tours").add("psa_workflow_create_invoice_tour", {
    url: "/odoo/action-psa_workflow.psa_invoice_create_action",
    steps: () => [
        {
            content: "From the menu, the projects with something to invoice are chosen",
            trigger: '.o_field_widget[name="project_ids"] .o_tag:contains("PSA Test T&M")',
        },
        {
            content: "Keep the T&M project only",
            trigger: '.o_field_widget[name="project_ids"] .o_tag:contains("PSA Test T&M")',
            async run() {
                const others = () =>
                    [
                        ...document.querySelectorAll(
                            '.o_field_widget[name="project_ids"] .o_tag'
                        ),
                    ].filter((tag) => !tag.textContent.includes("PSA Test T&M"));
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
            content: "The preview shows the 20 hours and their amount before anything is created",
            trigger:
                '.o_field_widget[name="preview_line_ids"] .o_data_row:contains("PSA Test T&M"):contains("20:00"):contains("2,000.00")',
        },
        {
            content: "Create the invoices",
            trigger: 'button[name="action_create_invoices"]',
            run: "click",
        },
        {
            content: "The draft invoice opens with the 20 hours billed",
            trigger: '.o_form_view .o_data_row td[name="quantity"]:contains("20.00")',
        },
        {
            content: "It links to the timesheets it bills",
            trigger: '.oe_stat_button:contains("Timesheets"):contains("5")',
        },
    ],
});

registry.category("web_tour.tours").add("psa_workflow_credit_entries_tour", {
    steps: () => [
        {
            content: "Credit some entries of the posted invoice",
            trigger: 'button:contains("Credit Entries")',
            run: "click",
        },
        {
            content: "The invoice's entries are listed, none ticked",
            trigger: '.modal .o_field_widget[name="line_ids"] .o_data_row:contains("Week of work")',
        },
        {
            content: "Tick the first entry",
            trigger:
                '.modal .o_field_widget[name="line_ids"] .o_data_row:first .o_field_boolean_toggle input',
            run: "click",
        },
        {
            content: "Its hours are counted",
            trigger: '.modal .o_field_widget[name="hours"]:contains("4:00")',
        },
        {
            content: "Create the credit note",
            trigger: '.modal button[name="action_credit"]',
            run: "click",
        },
        {
            content: "The draft credit note opens",
            trigger: '.o_breadcrumb:contains("Draft Credit Note")',
        },
        {
            content: "It credits the 4 hours",
            trigger: '.o_form_view .o_data_row td[name="quantity"]:contains("4.00")',
        },
    ],
});
