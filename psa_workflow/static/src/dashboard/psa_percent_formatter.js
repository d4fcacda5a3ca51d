/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// Ratios of the PSA reports, already in percent (71.0 = 71 %): written
// "71.0 %", and "—" when the ratio has no base (the server sends null).
// Used by the pivots as widget="psa_percent" on their ratio measures, and
// widget="psa_ratio" on averages that are not percentages (days to pay).
import {registry} from "@web/core/registry";
import {formatFloat} from "@web/core/utils/numbers";

export function formatPsaPercent(value) {
    if (value === null || value === undefined || value === false) {
        return "\u2014";
    }
    return `${formatFloat(value, {digits: [16, 1]})}\u00a0%`;
}

export function formatPsaRatio(value) {
    if (value === null || value === undefined || value === false) {
        return "\u2014";
    }
    return formatFloat(value, {digits: [16, 1]});
}

registry.category("formatters").add("psa_percent", formatPsaPercent);
registry.category("formatters").add("psa_ratio", formatPsaRatio);
