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
import {formatFloatTime} from "@web/views/fields/formatters";
import {Layout} from "@web/search/layout";
import {formatPsaPercent} from "./psa_percent_formatter";

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
        this.state = useState({
            period: "this_month",
            fullPeriod: false,
            figures: null,
            loading: true,
        });
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
                full_period: this.state.fullPeriod,
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

    /** Capacity of the whole period (planning) or up to today (default). */
    async toggleFullPeriod() {
        this.state.fullPeriod = !this.state.fullPeriod;
        await this.load();
    }

    // Formatting ------------------------------------------------------------

    /** "Capacity to <day>" or "Full period": the base of utilization. */
    get basisLabel() {
        const {figures} = this.state;
        if (!figures) {
            return "";
        }
        if (figures.full_period) {
            return _t("Capacity of the full period");
        }
        return _t("Capacity to %(day)s", {
            day: formatDate(deserializeDate(figures.to_date)),
        });
    }

    /** "Over 12 billable staff; 20 others excluded". */
    staffLabel(staff) {
        if (!staff.excluded) {
            return _t("Over %(count)s billable staff", {count: staff.counted});
        }
        return _t("Over %(count)s billable staff; %(excluded)s others excluded", {
            count: staff.counted,
            excluded: staff.excluded,
        });
    }

    /** An amount in a billing currency of the work in progress. */
    moneyIn(value, currency) {
        const amount = formatFloat(value || 0, {digits: [16, currency.decimal_places]});
        return currency.position === "after"
            ? `${amount}\u00a0${currency.symbol}`
            : `${currency.symbol}\u00a0${amount}`;
    }

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

    /** Hours as Odoo shows durations: "71:15". */
    hours(value) {
        return formatFloatTime(value || 0, {noLeadingZeroHour: true});
    }

    /** A ratio: "71.0 %"; "—" when it has no base (false). */
    percent(value) {
        return formatPsaPercent(value);
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
        return Math.max(100, utilization || 0, target || 0);
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
            full_period: this.state.fullPeriod,
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
