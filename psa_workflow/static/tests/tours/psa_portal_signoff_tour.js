/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A customer's approver answers the time sent for approval from the portal's
// home: disputes one entry with a comment, approves the other. On a desktop
// and on a phone.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("psa_portal_signoff_tour", {
    steps: () => [
        {
            content: "Open Time to Approve from the portal's home",
            trigger: 'a[href="/my/approvals"]',
            run: "click",
        },
        {
            content: "Open the time sent",
            trigger: '.psa_signoff_request a:contains("PSA Test T&M Project")',
            run: "click",
        },
        {
            content: "Both entries wait, with their amounts",
            trigger: '.psa_signoff_summary .psa_signoff_approve:contains("Approve 2 Entries")',
        },
        {
            content: "Dispute the workshop",
            trigger: '.psa_signoff_entry:contains("Workshop") .psa_signoff_dispute_toggle',
            run: "click",
        },
        {
            content: "Say what is wrong",
            trigger: ".psa_signoff_dispute_row.show textarea[name=comment]",
            run: "edit We agreed on one hour.",
        },
        {
            content: "Send the dispute",
            trigger: ".psa_signoff_dispute_row.show button[type=submit]",
            run: "click",
        },
        {
            content: "The dispute went to the project team",
            trigger: '.psa_signoff_done:contains("sent to the project team")',
        },
        {
            content: "The workshop is disputed, with the comment",
            trigger: '.psa_signoff_entry_disputed:contains("We agreed on one hour.")',
        },
        {
            content: "Approve what is left",
            trigger: '.psa_signoff_summary .psa_signoff_approve:contains("Approve 1 Entry")',
            run: "click",
        },
        {
            content: "Approved",
            trigger: '.psa_signoff_done:contains("the time is approved")',
        },
        {
            content: "Nothing is left to answer",
            trigger: '#psa_signoff:not(:has(.psa_signoff_approve))',
        },
    ],
});
