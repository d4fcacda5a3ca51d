/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A consultant starts the timer on a row of My Week (today's cell), sees it
// run, and stops it; on a desktop and a phone
// (psa_workflow/tests/test_timesheet_week_tour.py).
import {registry} from "@web/core/registry";

const ROW = '.o_psa_week_row:has(.o_psa_week_task:contains("PSA Test Analysis"))';

registry.category("web_tour.tours").add("psa_workflow_timer_tour", {
    steps: () => [
        {
            content: "Start the timer on the row",
            trigger: `${ROW} .o_psa_week_timer:not(.o_psa_week_timer_running)`,
            run: "click",
        },
        {
            content: "It runs, showing the time elapsed",
            trigger: `${ROW} .o_psa_week_timer_running:contains("0:0")`,
        },
        {
            content: "Stop it",
            trigger: `${ROW} .o_psa_week_timer_running`,
            run: "click",
        },
        {
            content: "Stopped: the row can start it again",
            trigger: `${ROW} .o_psa_week_timer:not(.o_psa_week_timer_running)`,
        },
    ],
});
