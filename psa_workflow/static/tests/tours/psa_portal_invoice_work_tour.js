/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A customer's contact opens an invoice in the portal: under the invoice, the
// work it bills, entry by entry under each invoice line, adding up to the
// invoice; the work downloads as CSV and PDF. On a desktop and on a phone.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("psa_portal_invoice_work_tour", {
    steps: () => [
        {
            content: "The work behind the invoice is shown",
            trigger: '#psa_invoice_work h3:contains("The work behind this invoice")',
        },
        {
            content: "Each invoice line with its entries: the time",
            trigger: '#psa_invoice_work .psa_work_time .psa_work_description:contains("Workshop")',
        },
        {
            content: "...and the re-billed expense",
            trigger: '#psa_invoice_work .psa_work_expense .psa_work_description:contains("Train to the customer")',
        },
        {
            content: "The entries add up to the invoice",
            trigger: '#psa_invoice_work .psa_work_total:contains("430.00")',
        },
        {
            content: "The work downloads as CSV",
            trigger: '.psa_work_downloads a.psa_work_csv[href*="/work.csv"]',
        },
        {
            content: "...and as PDF",
            trigger: '.psa_work_downloads a.psa_work_pdf[href*="/work.pdf"]',
        },
    ],
});
