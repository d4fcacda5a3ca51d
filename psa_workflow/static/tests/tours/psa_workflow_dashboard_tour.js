/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A project manager opens the PSA dashboard: the utilization of the month, the
// hours logged on the projects they manage, the timesheets waiting for them;
// revenue earned by the work of the period with the invoiced amount beside
// it; changes the period, then opens the timesheets to approve and the
// utilization report from their cards. On a desktop and on a phone.
import {registry} from "@web/core/registry";
import {
    onDesktop,
    onPhone,
    openPsaMenu,
} from "@psa_workflow/../tests/tours/psa_tour_steps";

registry.category("web_tour.tours").add("psa_workflow_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        ...openPsaMenu("menu_psa_reporting", "menu_psa_dashboard"),
        {
            content: "The utilization card shows a percentage (or — without capacity)",
            trigger: ".o_psa_dashboard_utilization .o_psa_dashboard_value",
        },
        {
            content: "Utilization is to date, over billable staff",
            trigger: '.o_psa_dashboard_utilization .o_psa_dashboard_basis:contains("Capacity to")',
        },
        {
            content: "Plan: the full period",
            trigger: ".o_psa_dashboard_full_period input",
            run: "click",
        },
        {
            content: "The capacity of the full period is shown",
            trigger: '.o_psa_dashboard_utilization .o_psa_dashboard_basis:contains("full period")',
        },
        {
            content: "The hours logged on my project this month",
            trigger: '.o_psa_dashboard_hours .o_psa_dashboard_billable:contains("4:00")',
        },
        {
            content: "Money figures of my projects",
            trigger: ".o_psa_dashboard_margin .o_psa_dashboard_margin_percent",
        },
        {
            content: "Revenue is earned by the work of the period, invoiced beside it",
            trigger: '.o_psa_dashboard_revenue:contains("invoiced or not") .o_psa_dashboard_invoiced',
        },
        {
            content: "The cost of time not approved yet is apart from the cost",
            trigger: '.o_psa_dashboard_cost .o_psa_dashboard_unapproved:contains("not approved")',
        },
        {
            content: "One timesheet waits for my approval",
            trigger: '.o_psa_dashboard_to_approve_timesheets .o_psa_dashboard_value:contains("1")',
        },
        {
            content: "No expense report waits for my approval",
            trigger: '.o_psa_dashboard_to_approve_expenses .o_psa_dashboard_value:contains("0")',
        },
        {
            content: "Show this year",
            trigger: '.o_psa_dashboard_periods button[data-period="this_year"]',
            run: "click",
        },
        {
            content: "This year is shown",
            trigger: '.o_psa_dashboard_periods button.active[data-period="this_year"]',
        },
        {
            content: "Open the timesheets to approve",
            trigger: ".o_psa_dashboard_to_approve_timesheets",
            run: "click",
        },
        {
            content: "The timesheets to approve are listed",
            trigger: '.o_breadcrumb:contains("Timesheets to Approve")',
        },
        onDesktop({
            content: "Back to the dashboard",
            trigger: '.o_breadcrumb a:contains("PSA Dashboard")',
            run: "click",
        }),
        onPhone({
            content: "Back to the dashboard",
            trigger: ".o_back_button",
            run: "click",
        }),
        {
            content: "Open the utilization report",
            trigger: ".o_psa_dashboard_utilization",
            run: "click",
        },
        {
            content: "The utilization report is shown",
            trigger: '.o_breadcrumb:contains("Utilization")',
        },
    ],
});
