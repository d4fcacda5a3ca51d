/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A progress bar coloured by budget burn: green below 80 %, orange from 80 %
// to 100 %, red above 100 % (the bands of project_project.budget_band).
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {
    ProgressBarField,
    progressBarField,
} from "@web/views/fields/progress_bar/progress_bar_field";

export const BUDGET_WARNING_PERCENT = 80;
export const BUDGET_DANGER_PERCENT = 100;

/** The Bootstrap background of a burn percent, rounded as displayed. */
export function budgetBandClass(percent) {
    const rounded = Math.round(percent * 100) / 100;
    if (rounded > BUDGET_DANGER_PERCENT) {
        return "bg-danger";
    }
    if (rounded >= BUDGET_WARNING_PERCENT) {
        return "bg-warning";
    }
    return "bg-success";
}

export class BudgetProgressBarField extends ProgressBarField {
    get progressBarColorClass() {
        return budgetBandClass((100 * this.currentValue) / this.maxValue);
    }
}

export const budgetProgressBarField = {
    ...progressBarField,
    component: BudgetProgressBarField,
    displayName: _t("Budget Burn"),
};

registry.category("fields").add("psa_budget_progressbar", budgetProgressBarField);
