/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A customer's contact follows a project from the portal's home: the hours
// approved against the budget, the months, and nothing not approved yet. On
// a desktop and on a phone.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("psa_portal_progress_tour", {
    steps: () => [
        {
            content: "Open Project Progress from the portal's home",
            trigger: 'a[href="/my/progress"]',
            run: "click",
        },
        {
            content: "Open the project",
            trigger: '.psa_progress_project a:contains("PSA Test T&M Project")',
            run: "click",
        },
        {
            content: "The hours approved, of the budget",
            trigger: '#psa_project_progress .psa_progress_hours:contains("5.00 h"):contains("10.00 h")',
        },
        {
            content: "Approved hours month by month",
            trigger: "#psa_project_progress .psa_progress_months tbody tr:nth-child(2)",
        },
        {
            content: "The months add up to the work approved",
            trigger: '#psa_project_progress .psa_progress_months_total:contains("500.00")',
        },
    ],
});
