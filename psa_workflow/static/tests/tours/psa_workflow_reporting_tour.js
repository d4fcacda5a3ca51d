/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A project manager reads the profitability of their customer, opens the print
// wizard from the report list, then reads the utilization of the team.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("psa_workflow_reporting_tour", {
    url: "/odoo/action-psa_workflow.psa_profitability_report_action",
    steps: () => [
        {
            content: "The pivot shows the margin % per customer",
            trigger: '.o_pivot th:contains("Margin (%)")',
        },
        {
            content: "The customer of my project is a row",
            trigger: '.o_pivot .o_pivot_header_cell_closed:contains("PSA Test Customer")',
        },
        {
            content: "Its margin % is the ratio of its sums",
            trigger: '.o_pivot td.o_pivot_cell_value:contains("70.0")',
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Print the PDF report",
            trigger: 'button[name="action_psa_print"]',
            run: "click",
        },
        {
            content: "The print wizard is set on Client Profitability",
            trigger: '.modal .o_field_widget[name="report"] input[data-value="profitability"]:checked',
        },
        {
            content: "Close it",
            trigger: ".modal .btn-secondary",
            run: "click",
        },
        {
            content: "Open the utilization report",
            trigger: '.o_menu_sections [data-menu-xmlid="psa_workflow.menu_psa_reporting"]',
            run: "click",
        },
        {
            trigger: '.dropdown-item[data-menu-xmlid="psa_workflow.menu_psa_utilization"]',
            run: "click",
        },
        {
            content: "Utilization and target per employee",
            trigger: '.o_pivot th:contains("Utilization (%)")',
        },
    ],
});
