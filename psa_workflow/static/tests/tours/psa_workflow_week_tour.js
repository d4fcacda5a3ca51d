/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A consultant logs a week in "My Week": adds a line (project, then task),
// types 1:30 on Monday and 2.5 on Tuesday, reads the totals, submits the week
// and sees how much was submitted. Desktop: from PSA > Time & Expenses; phone:
// the Timesheets app opens on it, one day per screen.
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const PROJECT = "PSA Test T&M Project";
const TASK = "PSA Test Analysis";
const ROW = `.o_psa_week_row:has(.o_psa_week_project:contains("${PROJECT}")):has(.o_psa_week_task:contains("${TASK}"))`;

function addLineSteps() {
    return [
        {
            content: "Add a line",
            trigger: ".o_psa_week_add_line",
            run: "click",
        },
        {
            content: "Choose the project",
            trigger: `.o_psa_week_picker_project:has(option:contains("${PROJECT}"))`,
            run: `selectByLabel ${PROJECT}`,
        },
        {
            content: "Then one of its tasks",
            trigger: `.o_psa_week_picker_task:has(option:contains("${TASK}"))`,
            run: `selectByLabel ${TASK}`,
        },
        {
            content: "Add the line",
            trigger: ".o_psa_week_picker_add:enabled",
            run: "click",
        },
    ];
}

function submitSteps() {
    return [
        {
            content: "Everything is saved",
            trigger: '.o_psa_week_status[data-status="saved"]',
        },
        {
            content: "Submit the week",
            trigger: ".o_psa_week_submit",
            run: "click",
        },
        {
            content: "The confirmation tells what is submitted",
            trigger: '.modal-body:contains("Submit 2 entries (4:00)")',
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The week is submitted",
            trigger: '.o_notification:contains("2 entries, 4:00 submitted, 0 skipped")',
        },
        {
            content: "The cells are read-only now, in the submitted colour",
            trigger: `${ROW} .o_psa_week_input.o_psa_week_state_submitted[readonly]`,
        },
    ];
}

registry.category("web_tour.tours").add("psa_workflow_week_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the PSA app",
            trigger: '.o_app[data-menu-xmlid="psa_workflow.menu_psa_root"]',
            run: "click",
        },
        {
            content: "Open the Time & Expenses menu",
            trigger:
                '.o_menu_sections [data-menu-xmlid="psa_workflow.menu_psa_time_expenses"]',
            run: "click",
        },
        {
            content: "Open My Week",
            trigger: '.dropdown-item[data-menu-xmlid="psa_workflow.menu_psa_my_week"]',
            run: "click",
        },
        {
            content: "The grid shows the seven days",
            trigger: ".o_psa_week_grid thead:has(.o_psa_week_day:eq(6))",
        },
        ...addLineSteps(),
        {
            content: "Type 1:30 on Monday",
            trigger: `${ROW} .o_psa_week_input[data-col="0"]:not([readonly])`,
            run: "edit 1:30",
        },
        {
            content: "Type 2.5 on Tuesday",
            trigger: `${ROW} .o_psa_week_input[data-col="1"]`,
            run: "edit 2.5",
        },
        {
            content: "Enter: on to the next cell",
            trigger: `${ROW} .o_psa_week_input[data-col="1"]`,
            run: "press Enter",
        },
        {
            content: "The row's total",
            trigger: `${ROW} .o_psa_week_row_total:contains("4:00")`,
        },
        {
            content: "Monday's total",
            trigger: '.o_psa_week_day_total:eq(0):contains("1:30")',
        },
        {
            content: "Tuesday's total",
            trigger: '.o_psa_week_day_total:eq(1):contains("2:30")',
        },
        {
            content: "The week's total",
            trigger: '.o_psa_week_week_total:contains("4:00")',
        },
        {
            content: "Everything is saved",
            trigger: '.o_psa_week_status[data-status="saved"]',
        },
        {
            content: "Tuesday is shown as hours and minutes",
            trigger: `${ROW} .o_psa_week_input[data-col="1"]`,
            run() {
                if (this.anchor.value !== "2:30") {
                    throw new Error(`2.5 is shown as ${this.anchor.value}, not 2:30`);
                }
            },
        },
        ...submitSteps(),
    ],
});

registry.category("web_tour.tours").add("psa_workflow_week_phone_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the menu",
            trigger: ".o_main_navbar .o_menu_toggle",
            run: "click",
        },
        {
            content: "Show all the apps",
            trigger: '.o_app_menu_sidebar a:contains("All Apps")',
            run: "click",
        },
        {
            content: "The Timesheets app opens on My Week",
            trigger:
                '.o_app_menu_sidebar .o_app[data-menu-xmlid="hr_timesheet.timesheet_menu_root"]',
            run: "click",
        },
        {
            content: "One day per screen",
            trigger: ".o_psa_week_phone .o_psa_week_daynav",
        },
        {
            content: "Go to Monday",
            trigger: ".o_psa_week_dot:eq(0)",
            run: "click",
        },
        ...addLineSteps(),
        {
            content: "Type 1:30 on Monday",
            trigger: `${ROW} .o_psa_week_input[data-col="0"]`,
            run: "edit 1:30",
        },
        {
            content: "Next day",
            trigger: ".o_psa_week_next_day",
            run: "click",
        },
        {
            content: "Type 2,5 on Tuesday",
            trigger: `${ROW} .o_psa_week_input[data-col="1"]`,
            run: "edit 2,5",
        },
        {
            content: "Enter: done with the cell",
            trigger: `${ROW} .o_psa_week_input[data-col="1"]`,
            run: "press Enter",
        },
        {
            content: "Tuesday's total",
            trigger: '.o_psa_week_day_total:contains("2:30")',
        },
        {
            content: "The week's total",
            trigger: '.o_psa_week_week_total:contains("4:00")',
        },
        ...submitSteps(),
    ],
});
