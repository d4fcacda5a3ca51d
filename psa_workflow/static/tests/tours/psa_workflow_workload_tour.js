/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A project manager opens the workload heat map (PSA > Planning > Workload),
// reads a person's week (% of capacity, hours, colour band), filters by
// project and clicks the cell to reach the allocations behind it. On a phone:
// one card per person, the weeks in a strip.
import {registry} from "@web/core/registry";
import {
    openPsaApp,
    openSection,
    openSectionItem,
} from "@psa_workflow/../tests/tours/psa_tour_steps";

const PERSON = "Psa Employee";
const PROJECT = "PSA Test T&M Project";
const ROW = `.o_psa_heatmap_row:has(.o_psa_heatmap_name:contains("${PERSON}"))`;
const CARD = `.o_psa_heatmap_card:has(.o_psa_heatmap_name:contains("${PERSON}"))`;

function allocationsSteps() {
    return [
        {
            content: "The allocations of that person and week are listed",
            trigger: `.o_data_row:contains("${PROJECT}"), .o_kanban_record:contains("${PROJECT}")`,
        },
        {
            content: "Only that person's",
            trigger: `.o_breadcrumb:contains("${PERSON}")`,
        },
    ];
}

registry.category("web_tour.tours").add("psa_workflow_workload_tour", {
    url: "/odoo",
    steps: () => [
        ...openPsaApp(),
        openSection("menu_psa_planning", "Open the Planning menu"),
        {
            content: "Workload comes first",
            trigger:
                '.dropdown-menu .dropdown-item:first[data-menu-xmlid="psa_workflow.menu_psa_workload_heatmap"]',
            run: "click",
        },
        {
            content: "Twelve weeks, with a legend",
            trigger:
                ".o_psa_heatmap_table thead:has(.o_psa_heatmap_week:eq(11)) ~ tbody, .o_psa_heatmap_legend",
        },
        {
            content: "This week: 100 % of capacity, in the right band, with the hours",
            trigger: `${ROW} .o_psa_heatmap_cell.o_psa_heatmap_right:eq(0):contains("100 %"):contains("40:00 / 40:00")`,
        },
        {
            content: "The third week is over-allocated",
            trigger: `${ROW} .o_psa_heatmap_cell.o_psa_heatmap_over:contains("125 %"):contains("50:00 / 40:00")`,
        },
        {
            content: "Filter by project",
            trigger: `.o_psa_heatmap_project:has(option:contains("${PROJECT}"))`,
            run: `selectByLabel ${PROJECT}`,
        },
        {
            content: "The person is still there, the others not allocated on it are not",
            trigger: `.o_psa_heatmap_table:not(:has(.o_psa_heatmap_name:contains("Psa Billing"))) ${ROW}`,
        },
        {
            content: "Open the allocations behind this week's cell",
            trigger: `${ROW} .o_psa_heatmap_cell:eq(0)`,
            run: "click",
        },
        ...allocationsSteps(),
        openSection("menu_psa_planning", "Open the Planning menu again"),
        openSectionItem("menu_psa_allocations", "Open the allocations"),
        {
            content: "Switch to the timeline",
            trigger: ".o_switch_view.o_timeline",
            run: "click",
        },
        {
            content: "One line per person, a bar per allocation with project, role and hours",
            trigger: `.vis-label:contains("${PERSON}")`,
        },
        {
            content: "The bar tells the project and the hours",
            trigger: `.vis-item .o_psa_allocation_timeline_item:contains("${PROJECT}"):contains("160:00 h")`,
        },
    ],
});

registry.category("web_tour.tours").add("psa_workflow_workload_phone_tour", {
    url: "/odoo/workload",
    steps: () => [
        {
            content: "One card per person, the weeks in a strip",
            trigger: `${CARD} .o_psa_heatmap_strip .o_psa_heatmap_cell:eq(11)`,
        },
        {
            content: "Still coloured: the third week is over-allocated",
            trigger: `${CARD} .o_psa_heatmap_cell:eq(2).o_psa_heatmap_over`,
        },
        {
            content: "The card counts the weeks over",
            trigger: `${CARD}:contains("1 over")`,
        },
        {
            content: "Open the allocations behind this week's cell",
            trigger: `${CARD} .o_psa_heatmap_cell:eq(0)`,
            run: "click",
        },
        ...allocationsSteps(),
    ],
});
