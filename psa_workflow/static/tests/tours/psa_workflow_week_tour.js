/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A consultant logs a week in "My Week": adds a line (project, then task),
// types 1:30 on Monday and 2.5 on Tuesday, reads the totals, submits the week
// and sees how much was submitted. Last week's Monday and Tuesday: days after
// today are drafts until their day (this week's are marked so). Desktop: from
// PSA > Time & Expenses; phone: the Timesheets app opens on it, one day per
// screen.
import {registry} from "@web/core/registry";
import {
    openPsaApp,
    openSection,
    openSectionItem,
    toggleMenu,
} from "@psa_workflow/../tests/tours/psa_tour_steps";

const PROJECT = "PSA Test T&M Project";
const TASK = "PSA Test Analysis";
const ROW = `.o_psa_week_row:has(.o_psa_week_project:contains("${PROJECT}")):has(.o_psa_week_task:contains("${TASK}"))`;

/** The line's cell of a day: 0 is Monday. */
function cell(col) {
    return `${ROW} .o_psa_week_input[data-col="${col}"]`;
}

/** Type a value in a cell. */
function typeStep(content, trigger, value) {
    return {content, trigger, run: `edit ${value}`};
}

/** Type Tuesday's value, then press Enter in its cell. */
function typeTuesdaySteps(typeContent, value, enterContent) {
    return [
        typeStep(typeContent, cell(1), value),
        {content: enterContent, trigger: cell(1), run: "press Enter"},
    ];
}

function weekTotalStep() {
    return {content: "The week's total", trigger: '.o_psa_week_week_total:contains("4:00")'};
}

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

/** A note on the cell shown (its entry's description), once saved. */
function noteSteps(cellSelector) {
    return [
        {
            content: "Add a note: what was done",
            trigger: `${cellSelector} .o_psa_week_note`,
            run: "click",
        },
        {
            content: "Type it",
            trigger: ".modal .o_psa_week_note_text",
            run: "edit Data model review",
        },
        {
            content: "Save the note",
            trigger: ".modal .o_psa_week_note_save",
            run: "click",
        },
        {
            content: "The cell shows it has a note",
            trigger: `body:not(:has(.modal)) ${cellSelector} .o_psa_week_note.o_psa_week_note_set`,
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
        ...openPsaApp(),
        openSection("menu_psa_time_expenses", "Open the Time & Expenses menu"),
        openSectionItem("menu_psa_my_week", "Open My Week"),
        {
            content: "The grid shows the seven days",
            trigger: ".o_psa_week_grid thead:has(.o_psa_week_day:eq(6))",
        },
        {
            content: "The days after today, and only they, are marked as to come",
            trigger: ".o_psa_week_grid thead .o_psa_week_today_col",
            run() {
                const days = [...document.querySelectorAll(".o_psa_week_grid thead .o_psa_week_day")];
                const today = days.findIndex((day) => day.classList.contains("o_psa_week_today_col"));
                days.forEach((day, index) => {
                    if (day.classList.contains("o_psa_week_future") !== index > today) {
                        throw new Error(`${day.dataset.date}: wrongly marked (today: column ${today})`);
                    }
                });
            },
        },
        {
            content: "Go to last week",
            trigger: ".o_psa_week_prev",
            run: "click",
        },
        {
            content: "Last week is shown: no day to come",
            trigger: ".o_psa_week_grid:not(:has(.o_psa_week_today_col)):not(:has(.o_psa_week_future))",
        },
        ...addLineSteps(),
        typeStep("Type 1:30 on Monday", `${cell(0)}:not([readonly])`, "1:30"),
        ...typeTuesdaySteps("Type 2.5 on Tuesday", "2.5", "Enter: on to the next cell"),
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
        weekTotalStep(),
        {
            content: "Everything is saved",
            trigger: '.o_psa_week_status[data-status="saved"]',
        },
        {
            content: "Tuesday is shown as hours and minutes",
            trigger: cell(1),
            run() {
                if (this.anchor.value !== "2:30") {
                    throw new Error(`2.5 is shown as ${this.anchor.value}, not 2:30`);
                }
            },
        },
        ...noteSteps(`${ROW} .o_psa_week_cell:has(.o_psa_week_input[data-col="1"])`),
        ...submitSteps(),
    ],
});

registry.category("web_tour.tours").add("psa_workflow_week_phone_tour", {
    url: "/odoo",
    steps: () => [
        toggleMenu("Open the menu"),
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
        {
            content: "Monday is shown",
            trigger: ".o_psa_week_dot:eq(0).btn-primary",
        },
        {
            content: "The day before: last week's Sunday",
            trigger: ".o_psa_week_prev_day",
            run: "click",
        },
        {
            content: "Last week's Sunday is shown",
            trigger: ".o_psa_week_dot:eq(6).btn-primary",
        },
        {
            content: "Go to last week's Monday",
            trigger: ".o_psa_week_dot:eq(0)",
            run: "click",
        },
        {
            content: "Last week's Monday is shown, not after today",
            trigger: ".o_psa_week_dot:eq(0).btn-primary",
            run() {
                if (document.querySelector(".o_psa_week_future_note")) {
                    throw new Error("last week's Monday is marked as after today");
                }
            },
        },
        ...addLineSteps(),
        typeStep("Type 1:30 on Monday", cell(0), "1:30"),
        {
            content: "Next day",
            trigger: ".o_psa_week_next_day",
            run: "click",
        },
        ...typeTuesdaySteps("Type 2,5 on Tuesday", "2,5", "Enter: done with the cell"),
        {
            content: "Tuesday's total",
            trigger: '.o_psa_week_day_total:contains("2:30")',
        },
        weekTotalStep(),
        {
            content: "Everything is saved",
            trigger: '.o_psa_week_status[data-status="saved"]',
        },
        ...noteSteps(`${ROW} .o_psa_week_cell`),
        ...submitSteps(),
        {
            content: "After submitting, the phone still shows Tuesday, not today",
            trigger: ".o_psa_week_dot:eq(1).btn-primary",
        },
    ],
});
