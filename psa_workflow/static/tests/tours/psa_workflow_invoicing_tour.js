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
            content: "Choose the project",
            trigger: '.o_field_widget[name="project_ids"] input',
            run: "edit PSA Test T&M",
        },
        {
            trigger: '.o-autocomplete--dropdown-item:contains("PSA Test T&M Project")',
            run: "click",
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
            content: "Add an entry",
            trigger: '.modal .o_field_widget[name="link_ids"] .o_field_x2many_list_row_add a',
            run: "click",
        },
        {
            content: "Pick the first entry billed by the invoice",
            trigger: '.modal .o_data_row:contains("Week of work") td.o_data_cell',
            run: "click",
        },
        {
            content: "Its hours are counted",
            trigger: '.modal .o_field_widget[name="hours"]:contains("4.00")',
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
