/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// "Workload": who is over- or under-allocated, week by week. People in rows,
// weeks in columns, a cell = allocated / capacity hours as a % of capacity,
// coloured by band (under < 80 %, right 80-100 %, over > 100 %). Filters by
// department, role and project; previous / next period; a click on a cell
// opens the allocations of that person in that week. On a phone: one card
// per person, the weeks in a horizontal strip. Data: one call to
// psa.workload.heatmap.read_heatmap.
import {Component, onWillStart, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {KeepLast} from "@web/core/utils/concurrency";
import {useService} from "@web/core/utils/hooks";
import {Layout} from "@web/search/layout";

const {DateTime} = luxon;

const MODEL = "psa.workload.heatmap";
const BAND_LABELS = {
    under: _t("Under-allocated"),
    right: _t("Right"),
    over: _t("Over-allocated"),
    none: _t("No capacity"),
};

/** Hours as H:MM (32 -> "32:00"). */
export function formatHours(value) {
    const minutes = Math.round((value || 0) * 60);
    const sign = minutes < 0 ? "-" : "";
    const abs = Math.abs(minutes);
    return `${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, "0")}`;
}

export class PsaWorkloadHeatmap extends Component {
    static template = "psa_workflow.PsaWorkloadHeatmap";
    static components = {Layout};
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.ui = useState(useService("ui"));
        this.keepLast = new KeepLast();
        const context = this.props.action?.context || {};
        this.state = useState({
            data: null,
            loading: true,
            dateFrom: context.psa_date_from || false,
            departmentId: context.psa_department_id || false,
            roleId: context.psa_role_id || false,
            projectId: context.psa_project_id || false,
            everyone: false,
        });
        this.bandLabels = BAND_LABELS;
        onWillStart(() => this.load());
    }

    async load() {
        this.state.loading = true;
        const data = await this.keepLast.add(
            this.orm.call(MODEL, "read_heatmap", [], {
                date_from: this.state.dateFrom,
                department_id: this.state.departmentId,
                role_id: this.state.roleId,
                project_id: this.state.projectId,
                everyone: this.state.everyone,
            })
        );
        this.state.data = data;
        this.state.dateFrom = data.date_from;
        this.state.loading = false;
    }

    get data() {
        return this.state.data;
    }

    // ------------------------------------------------------------------
    // Period and filters
    // ------------------------------------------------------------------

    shiftPeriod(direction) {
        const start = DateTime.fromISO(this.data.date_from);
        this.state.dateFrom = start.plus({weeks: direction * this.data.weeks_count}).toISODate();
        return this.load();
    }

    previousPeriod() {
        return this.shiftPeriod(-1);
    }

    nextPeriod() {
        return this.shiftPeriod(1);
    }

    thisWeek() {
        this.state.dateFrom = false;
        return this.load();
    }

    get isCurrentPeriod() {
        return Boolean(this.data && this.data.weeks.length && this.data.weeks[0].is_current);
    }

    onFilterChange(name, ev) {
        this.state[name] = Number(ev.target.value) || false;
        return this.load();
    }

    toggleEveryone(ev) {
        this.state.everyone = ev.target.checked;
        return this.load();
    }

    clearFilters() {
        this.state.departmentId = false;
        this.state.roleId = false;
        this.state.projectId = false;
        return this.load();
    }

    get hasFilters() {
        return Boolean(this.state.departmentId || this.state.roleId || this.state.projectId);
    }

    // ------------------------------------------------------------------
    // Cells
    // ------------------------------------------------------------------

    personSubtitle(row) {
        return [row.role, row.department].filter(Boolean).join(" · ");
    }

    cellPercent(cell) {
        if (cell.percent === null || cell.percent === undefined || cell.percent === false) {
            return cell.band === "over" ? "!" : "—";
        }
        return `${Math.round(cell.percent)} %`;
    }

    cellHours(cell) {
        return `${formatHours(cell.allocated)} / ${formatHours(cell.capacity)}`;
    }

    cellTitle(row, week, cell) {
        const lines = [
            `${row.name}, ${_t("week of")} ${week.label}`,
            `${BAND_LABELS[cell.band]}: ${this.cellPercent(cell)}`,
            _t("Allocated %(allocated)s of %(capacity)s capacity", {
                allocated: formatHours(cell.allocated),
                capacity: formatHours(cell.capacity),
            }),
            _t("Confirmed %(confirmed)s, tentative %(tentative)s", {
                confirmed: formatHours(cell.confirmed),
                tentative: formatHours(cell.tentative),
            }),
        ];
        if (cell.project !== null && cell.project !== undefined && cell.project !== false) {
            lines.push(_t("On the project filtered: %(hours)s", {hours: formatHours(cell.project)}));
        }
        if (cell.hidden) {
            lines.push(
                _t("Including %(hours)s on projects you do not manage", {
                    hours: formatHours(cell.hidden),
                })
            );
        }
        lines.push(_t("Click to see the allocations"));
        return lines.join("\n");
    }

    cellClass(week, cell) {
        return {
            [`o_psa_heatmap_${cell.band}`]: true,
            o_psa_heatmap_current: week.is_current,
        };
    }

    async openCell(row, week) {
        await this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Allocations of %(employee)s, week of %(week)s", {
                employee: row.name,
                week: week.label,
            }),
            res_model: "psa.allocation",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain: [
                ["employee_id", "=", row.employee_id],
                ["date_from", "<=", week.date_end],
                ["date_to", ">=", week.date],
            ],
            context: {default_employee_id: row.employee_id},
        });
    }
}

registry.category("actions").add("psa_workflow.workload_heatmap", PsaWorkloadHeatmap);
