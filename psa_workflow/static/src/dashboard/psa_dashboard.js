/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// The PSA dashboard: the key figures of a period (utilization, hours,
// realization, revenue, cost, margin, work in progress, timesheets and expense
// reports to approve, top customers), each card opening the report behind it.
// The server decides which sections the user gets (psa.dashboard.get_figures).
import {Component, onWillStart, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {deserializeDate, formatDate, serializeDate} from "@web/core/l10n/dates";
import {registry} from "@web/core/registry";
import {KeepLast} from "@web/core/utils/concurrency";
import {useService} from "@web/core/utils/hooks";
import {formatFloat} from "@web/core/utils/numbers";
import {Layout} from "@web/search/layout";

const {DateTime} = luxon;

export const PERIODS = {
    this_month: () => {
        const now = DateTime.local();
        return [now.startOf("month"), now.endOf("month")];
    },
    last_month: () => {
        const last = DateTime.local().minus({months: 1});
        return [last.startOf("month"), last.endOf("month")];
    },
    this_quarter: () => {
        const now = DateTime.local();
        return [now.startOf("quarter"), now.endOf("quarter")];
    },
    this_year: () => {
        const now = DateTime.local();
        return [now.startOf("year"), now.endOf("year")];
    },
};

const TO_APPROVE_ACTIONS = {
    timesheets: "psa_workflow.account_analytic_line_server_action_to_approve",
    expenses: "psa_workflow.hr_expense_sheet_server_action_to_approve",
};

export class PsaDashboard extends Component {
    static template = "psa_workflow.PsaDashboard";
    static components = {Layout};
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.keepLast = new KeepLast();
        this.periods = [
            {key: "this_month", label: _t("This Month")},
            {key: "last_month", label: _t("Last Month")},
            {key: "this_quarter", label: _t("This Quarter")},
            {key: "this_year", label: _t("This Year")},
        ];
        this.state = useState({period: "this_month", figures: null, loading: true});
        onWillStart(() => this.load());
    }

    get dates() {
        const [start, end] = PERIODS[this.state.period]();
        return [serializeDate(start), serializeDate(end)];
    }

    async load() {
        this.state.loading = true;
        const [dateFrom, dateTo] = this.dates;
        const figures = await this.keepLast.add(
            this.orm.call("psa.dashboard", "get_figures", [], {
                date_from: dateFrom,
                date_to: dateTo,
            })
        );
        this.state.figures = figures;
        this.state.loading = false;
    }

    async selectPeriod(key) {
        if (key !== this.state.period) {
            this.state.period = key;
            await this.load();
        }
    }

    // Formatting ------------------------------------------------------------

    get periodLabel() {
        const {figures} = this.state;
        if (!figures) {
            return "";
        }
        const [start, end] = [figures.date_from, figures.date_to].map((day) =>
            formatDate(deserializeDate(day))
        );
        return `${start} \u2013 ${end}`;
    }

    hours(value) {
        return _t("%(hours)s h", {hours: formatFloat(value || 0, {digits: [16, 1]})});
    }

    percent(value) {
        return `${formatFloat(value || 0, {digits: [16, 1]})} %`;
    }

    money(value) {
        const currency = this.state.figures.currency;
        const amount = formatFloat(value || 0, {digits: [16, currency.decimal_places]});
        return currency.position === "after"
            ? `${amount}\u00a0${currency.symbol}`
            : `${currency.symbol}\u00a0${amount}`;
    }

    /** Width (%) of a bar for ``value`` on a scale up to ``max``. */
    barWidth(value, max) {
        if (!max) {
            return 0;
        }
        return Math.max(0, Math.min(100, (Math.abs(value) / max) * 100));
    }

    get utilizationScale() {
        const {utilization, target} = this.state.figures.utilization;
        return Math.max(100, utilization, target);
    }

    get projectedScale() {
        const {projected, earned} = this.state.figures.revenue;
        return Math.max(Math.abs(projected), Math.abs(earned));
    }

    get topScale() {
        const margins = this.state.figures.profitability.top_customers.map((row) =>
            Math.abs(row.margin)
        );
        return Math.max(0, ...margins);
    }

    // Click-through ---------------------------------------------------------

    async openReport(report, partnerId = false) {
        const [dateFrom, dateTo] = this.dates;
        const action = await this.orm.call("psa.dashboard", "open_report", [report], {
            date_from: dateFrom,
            date_to: dateTo,
            partner_id: partnerId,
        });
        await this.actionService.doAction(action);
    }

    /** The list of timesheets or expense reports waiting for the user's
     * approval (server actions computing what they may approve). */
    openToApprove(what) {
        return this.actionService.doAction(TO_APPROVE_ACTIONS[what]);
    }
}

registry.category("actions").add("psa_workflow.dashboard", PsaDashboard);
