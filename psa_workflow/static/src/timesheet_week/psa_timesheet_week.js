/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// "My Week": the consultant's weekly time grid. Rows are (project, task)
// pairs, columns the days of the week; a cell is the hours logged. Changes are
// saved in batch (psa.timesheet.week.save_cells, one call per save), the
// server's checks answer inline; "Submit Week" submits the week's open
// entries. On a phone: one day per screen, the rows as a list.
import {Component, onWillStart, onWillUnmount, useRef, useState} from "@odoo/owl";
import {ConfirmationDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {_t} from "@web/core/l10n/translation";
import {RPCError} from "@web/core/network/rpc";
import {registry} from "@web/core/registry";
import {KeepLast} from "@web/core/utils/concurrency";
import {useService} from "@web/core/utils/hooks";
import {Layout} from "@web/search/layout";
import {PsaWeekNoteDialog} from "./psa_week_note_dialog";

const {DateTime} = luxon;

const MODEL = "psa.timesheet.week";
// Wait this long after a change for more changes, then save them together.
const SAVE_DELAY = 400;
const SWIPE_MIN_PX = 60;
const STATE_LABELS = {
    draft: _t("Draft"),
    submitted: _t("Submitted: waiting for approval"),
    approved: _t("Approved"),
    rejected: _t("Rejected"),
    invoiced: _t("Invoiced"),
};

/** Hours as H:MM (1.5 -> "1:30"). */
export function formatHours(value) {
    const minutes = Math.round((value || 0) * 60);
    const sign = minutes < 0 ? "-" : "";
    const abs = Math.abs(minutes);
    return `${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, "0")}`;
}

/**
 * Hours typed in a cell: "1:30", "1.5", "1,5", "2", "1h30", "90m"; empty is
 * zero. NaN when it is no duration.
 */
export function parseHours(text) {
    const value = (text || "").trim().replace(/\s+/g, "").toLowerCase();
    if (!value) {
        return 0;
    }
    let match = value.match(/^(\d*):(\d{1,2})$/);
    if (match) {
        const minutes = Number(match[2]);
        return minutes < 60 ? Number(match[1] || 0) + minutes / 60 : NaN;
    }
    if (/^(\d+([.,]\d*)?|[.,]\d+)$/.test(value)) {
        return Number(value.replace(",", "."));
    }
    match = value.match(/^(\d+)h(\d{1,2})?m?$/);
    if (match) {
        const minutes = Number(match[2] || 0);
        return minutes < 60 ? Number(match[1]) + minutes / 60 : NaN;
    }
    match = value.match(/^(\d+)m(in)?$/);
    if (match) {
        return Number(match[1]) / 60;
    }
    return NaN;
}

export class PsaTimesheetWeek extends Component {
    static template = "psa_workflow.PsaTimesheetWeek";
    static components = {Layout};
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.dialog = useService("dialog");
        this.ui = useState(useService("ui"));
        this.root = useRef("root");
        this.keepLast = new KeepLast();
        this.state = useState({
            week: null,
            loading: true,
            // Rows added with "Add a line", not saved yet.
            extraRows: [],
            // Per cell id ("row key|date"): the text typed, the change waiting
            // to be saved, the error to show.
            drafts: {},
            pending: {},
            errors: {},
            saveStatus: "",
            dayIndex: 0,
            picker: {open: false, projects: [], tasks: [], projectId: false, taskId: false},
        });
        this.saveTimer = null;
        this.saving = null;
        this.touchStart = null;
        onWillStart(() => this.load());
        onWillUnmount(() => this.saveOnLeave());
        // The running timer's clock.
        this.clock = useState({now: Date.now()});
        const tick = setInterval(() => (this.clock.now = Date.now()), 15000);
        onWillUnmount(() => clearInterval(tick));
    }

    // ------------------------------------------------------------------
    // Loading
    // ------------------------------------------------------------------

    async load(day = null) {
        this.state.loading = true;
        const week = await this.keepLast.add(
            this.orm.call(MODEL, "read_week", [], {day: day || false})
        );
        this.setWeek(week, true);
        this.state.loading = false;
    }

    setWeek(week, moved) {
        const previous = this.state.week;
        this.state.week = week;
        if (moved || !previous || previous.week_start !== week.week_start) {
            this.state.extraRows = [];
            this.state.drafts = {};
            this.state.errors = {};
            this.state.saveStatus = "";
            const todayIndex = week.days.findIndex((d) => d.date === week.today);
            if (this.pendingDayIndex !== undefined) {
                this.state.dayIndex = this.pendingDayIndex;
                this.pendingDayIndex = undefined;
            } else {
                this.state.dayIndex = todayIndex >= 0 ? todayIndex : 0;
            }
        } else {
            const keys = new Set(week.rows.map((row) => row.key));
            this.state.extraRows = this.state.extraRows.filter((row) => !keys.has(row.key));
        }
    }

    get week() {
        return this.state.week;
    }

    get days() {
        return this.week ? this.week.days : [];
    }

    get rows() {
        if (!this.week) {
            return [];
        }
        return [...this.week.rows, ...this.state.extraRows];
    }

    get currentDay() {
        return this.days[this.state.dayIndex];
    }

    // ------------------------------------------------------------------
    // Cells
    // ------------------------------------------------------------------

    cellId(row, date) {
        return `${row.key}|${date}`;
    }

    cell(row, date) {
        return (
            (row.cells && row.cells[date]) || {
                hours: 0,
                line_ids: [],
                state: false,
                editable: true,
                rejection_reason: false,
            }
        );
    }

    /** The hours of a cell as shown: the change waiting to be saved, if any. */
    cellHours(row, date) {
        const pending = this.state.pending[this.cellId(row, date)];
        return pending ? pending.hours : this.cell(row, date).hours;
    }

    cellText(row, date) {
        const id = this.cellId(row, date);
        if (id in this.state.drafts) {
            return this.state.drafts[id];
        }
        const hours = this.cell(row, date).hours;
        return hours ? formatHours(hours) : "";
    }

    cellClass(row, date) {
        const cell = this.cell(row, date);
        const id = this.cellId(row, date);
        return {
            [`o_psa_week_state_${cell.state}`]: Boolean(cell.state),
            o_psa_week_readonly: !cell.editable,
            o_psa_week_pending: id in this.state.pending,
            "is-invalid o_psa_week_error": id in this.state.errors,
        };
    }

    cellTitle(row, date) {
        const id = this.cellId(row, date);
        if (this.state.errors[id]) {
            return this.state.errors[id];
        }
        const cell = this.cell(row, date);
        if (cell.state === "rejected") {
            return cell.rejection_reason
                ? _t("Rejected: %(reason)s", {reason: cell.rejection_reason})
                : STATE_LABELS.rejected;
        }
        if (!cell.editable) {
            return _t("%(state)s: read-only", {state: STATE_LABELS[cell.state]});
        }
        return "";
    }

    rowTotal(row) {
        return this.days.reduce((sum, day) => sum + this.cellHours(row, day.date), 0);
    }

    dayTotal(day) {
        return this.rows.reduce((sum, row) => sum + this.cellHours(row, day.date), 0);
    }

    get weekTotal() {
        return this.days.reduce((sum, day) => sum + this.dayTotal(day), 0);
    }

    get weekHint() {
        return this.days.reduce((sum, day) => sum + day.hours_hint, 0);
    }

    dayTotalClass(day) {
        const total = this.dayTotal(day);
        return {
            "text-danger": total > this.week.max_hours_per_day,
            "text-success": day.hours_hint > 0 && Math.abs(total - day.hours_hint) < 0.01,
            "text-warning":
                total <= this.week.max_hours_per_day &&
                day.hours_hint > 0 &&
                total > day.hours_hint + 0.01,
        };
    }

    /** The message of the first cell of ``row`` in error (shown under it). */
    rowError(row, dates = null) {
        for (const date of dates || this.days.map((day) => day.date)) {
            const error = this.state.errors[this.cellId(row, date)];
            if (error) {
                return error;
            }
        }
        return "";
    }

    get hasErrors() {
        return Object.keys(this.state.errors).length > 0;
    }

    formatHours(value) {
        return formatHours(value);
    }

    onCellFocus(ev) {
        ev.target.select();
    }

    /**
     * Owl writes the rendered value into the inputs at every rendering: what
     * is typed is kept in the state, so that a rendering (a save coming back)
     * never wipes a cell being typed in.
     */
    onCellInput(row, date, ev) {
        this.state.drafts[this.cellId(row, date)] = ev.target.value;
    }

    /**
     * Take the text of a cell's input (on change, blur, Enter): a change is
     * queued for saving, a text that is no duration shows an error.
     */
    commitCell(row, date, input) {
        const id = this.cellId(row, date);
        const cell = this.cell(row, date);
        if (!cell.editable || !(id in this.state.drafts)) {
            return;
        }
        const text = input.value;
        const hours = parseHours(text);
        if (Number.isNaN(hours)) {
            delete this.state.pending[id];
            this.state.errors[id] = _t(
                "“%(text)s” is no duration: type hours as 1:30, 1.5 or 1,5.",
                {text}
            );
            return;
        }
        delete this.state.errors[id];
        const rounded = Math.round(hours * 10000) / 10000;
        const pending = this.state.pending[id];
        if (Math.abs(rounded - cell.hours) < 0.005) {
            // Back to the saved value: nothing to save, shown as saved.
            delete this.state.pending[id];
            delete this.state.drafts[id];
            return;
        }
        if (pending && pending.hours === rounded && pending.text === text) {
            return;
        }
        this.state.pending[id] = {
            project_id: row.project_id,
            task_id: row.task_id || false,
            date,
            hours: rounded,
            text,
        };
        this.state.saveStatus = "dirty";
        this.scheduleSave();
    }

    /** Tab moves along the row; Enter and the arrows move between cells. */
    onCellKeydown(row, date, ev) {
        const input = ev.target;
        if (ev.key === "Enter") {
            this.commitCell(row, date, input);
        }
        const index = Number(input.dataset.row);
        const col = Number(input.dataset.col);
        const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
        const atEnd =
            input.selectionStart === input.value.length &&
            input.selectionEnd === input.value.length;
        let targets = [];
        switch (ev.key) {
            case "Enter":
                targets = ev.shiftKey
                    ? [[index - 1, col]]
                    : [
                          [index + 1, col],
                          [0, col + 1],
                      ];
                break;
            case "ArrowUp":
                targets = [[index - 1, col]];
                break;
            case "ArrowDown":
                targets = [[index + 1, col]];
                break;
            case "ArrowLeft":
                targets = atStart || input.readOnly ? [[index, col - 1]] : [];
                break;
            case "ArrowRight":
                targets = atEnd || input.readOnly ? [[index, col + 1]] : [];
                break;
            default:
                return;
        }
        for (const [r, c] of targets) {
            const next = this.root.el.querySelector(
                `.o_psa_week_input[data-row="${r}"][data-col="${c}"]`
            );
            if (next) {
                ev.preventDefault();
                next.focus();
                return;
            }
        }
        if (ev.key === "Enter") {
            ev.preventDefault();
            input.blur(); // the change is committed (and saved)
        }
    }

    // ------------------------------------------------------------------
    // Saving: one save_cells call for all the changes waiting
    // ------------------------------------------------------------------

    scheduleSave() {
        clearTimeout(this.saveTimer);
        this.saveTimer = setTimeout(() => this.flush(), SAVE_DELAY);
    }

    /** Save the changes waiting; resolves to false when the server refused them. */
    async flush() {
        clearTimeout(this.saveTimer);
        while (this.saving) {
            await this.saving;
        }
        const ids = Object.keys(this.state.pending);
        if (!ids.length) {
            return !this.hasErrors;
        }
        this.saving = this.save(ids);
        try {
            return await this.saving;
        } finally {
            this.saving = null;
        }
    }

    async save(ids) {
        const sent = ids.map((id) => this.state.pending[id]);
        const cells = sent.map(({text, ...cell}) => cell);
        this.state.saveStatus = "saving";
        try {
            const week = await this.orm.call(MODEL, "save_cells", [cells]);
            ids.forEach((id, index) => {
                // Changed again while saving: the next save sends it.
                if (this.state.pending[id] === sent[index]) {
                    delete this.state.pending[id];
                }
                // Shown as saved (H:MM) unless typed in again meanwhile.
                if (this.state.drafts[id] === sent[index].text) {
                    delete this.state.drafts[id];
                }
                delete this.state.errors[id];
            });
            this.setWeek(week, false);
            this.state.saveStatus = Object.keys(this.state.pending).length ? "dirty" : "saved";
            return true;
        } catch (error) {
            if (!(error instanceof RPCError)) {
                this.state.saveStatus = "error";
                throw error;
            }
            // Nothing of the call was saved: every cell of it keeps what was
            // typed and shows the server's message.
            const message = error.data?.message || error.message;
            for (const id of ids) {
                this.state.errors[id] = message;
            }
            this.state.saveStatus = "error";
            return false;
        }
    }

    /** Leaving the screen: what was typed is saved all the same (with the
     * services of the environment: this component's are closed). */
    saveOnLeave() {
        clearTimeout(this.saveTimer);
        const cells = Object.values(this.state.pending).map(({text, ...cell}) => cell);
        if (!cells.length || this.state.saveStatus === "error") {
            return;
        }
        const {orm, notification} = this.env.services;
        orm.call(MODEL, "save_cells", [cells]).catch((error) => {
            notification.add(error.data?.message || error.message, {
                type: "danger",
                title: _t("My Week: your last changes were not saved"),
            });
        });
    }

    /** Forget the changes not saved (after an error) and read the week again. */
    async discardChanges() {
        clearTimeout(this.saveTimer);
        this.state.pending = {};
        await this.reload();
    }

    /** Read the shown week again, staying on the day the user looks at. */
    async reload() {
        this.pendingDayIndex = this.state.dayIndex;
        await this.load(this.week.week_start);
    }

    get statusText() {
        return {
            dirty: _t("Unsaved changes"),
            saving: _t("Saving…"),
            saved: _t("Saved"),
            error: _t("Not saved"),
        }[this.state.saveStatus];
    }

    // ------------------------------------------------------------------
    // Navigation
    // ------------------------------------------------------------------

    async goToWeek(offsetWeeks, dayIndex = undefined) {
        if (!(await this.ensureSaved())) {
            return;
        }
        let day = null;
        if (offsetWeeks !== null) {
            day = DateTime.fromISO(this.week.week_start)
                .plus({weeks: offsetWeeks})
                .toISODate();
        }
        this.pendingDayIndex = dayIndex;
        await this.load(day);
    }

    async ensureSaved() {
        const saved = await this.flush();
        if (!saved) {
            this.notification.add(
                _t("Correct the hours in red, or discard the changes, first."),
                {type: "warning"}
            );
        }
        return saved;
    }

    previousWeek() {
        return this.goToWeek(-1);
    }

    nextWeek() {
        return this.goToWeek(1);
    }

    thisWeek() {
        return this.goToWeek(null);
    }

    // ------------------------------------------------------------------
    // Notes: the description of a cell's entries
    // ------------------------------------------------------------------

    get noteHelp() {
        return _t("Note: what was done");
    }

    async editNote(row, date) {
        if (!(await this.ensureSaved())) {
            return;
        }
        const cell = this.cell(row, date);
        const day = this.days.find((d) => d.date === date);
        this.dialog.add(PsaWeekNoteDialog, {
            title: _t("%(project)s, %(day)s", {
                project: row.task_name ? `${row.project_name} / ${row.task_name}` : row.project_name,
                day: day ? day.label : date,
            }),
            note: cell.note || "",
            readonly: !cell.editable,
            save: (note) => this.saveNote(row, date, note),
        });
    }

    async saveNote(row, date, note) {
        try {
            const week = await this.orm.call(MODEL, "save_note", [
                {project_id: row.project_id, task_id: row.task_id || false, date},
                note,
            ]);
            this.setWeek(week, false);
            return true;
        } catch (error) {
            if (!(error instanceof RPCError)) {
                throw error;
            }
            this.notification.add(error.data?.message || error.message, {type: "danger"});
            return false;
        }
    }

    // ------------------------------------------------------------------
    // The timer: one running at a time, on today's cell of a row
    // ------------------------------------------------------------------

    timerRunsOn(row) {
        const timer = this.week && this.week.timer;
        return Boolean(timer && timer.row_key === row.key);
    }

    get timerElapsed() {
        const timer = this.week && this.week.timer;
        if (!timer) {
            return "";
        }
        const started = DateTime.fromSQL(timer.started, {zone: "utc"});
        const hours = Math.max(this.clock.now - started.toMillis(), 0) / 3600000;
        return formatHours(hours);
    }

    async toggleTimer(row) {
        if (!(await this.ensureSaved())) {
            return;
        }
        try {
            const week = this.timerRunsOn(row)
                ? await this.orm.call(MODEL, "stop_timer", [])
                : await this.orm.call(MODEL, "start_timer", [
                      {project_id: row.project_id, task_id: row.task_id || false},
                  ]);
            this.setWeek(week, week.week_start !== this.week.week_start);
        } catch (error) {
            if (!(error instanceof RPCError)) {
                throw error;
            }
            this.notification.add(error.data?.message || error.message, {type: "danger"});
        }
    }

    get futureHelp() {
        return _t("After today: draft it now, submit it from its day.");
    }

    get isThisWeek() {
        return this.days.some((day) => day.date === this.week.today);
    }

    selectDay(index) {
        this.state.dayIndex = index;
    }

    previousDay() {
        if (this.state.dayIndex > 0) {
            this.state.dayIndex--;
            return;
        }
        return this.goToWeek(-1, 6);
    }

    nextDay() {
        if (this.state.dayIndex < this.days.length - 1) {
            this.state.dayIndex++;
            return;
        }
        return this.goToWeek(1, 0);
    }

    onTouchStart(ev) {
        const touch = ev.touches[0];
        this.touchStart = touch && {x: touch.clientX, y: touch.clientY};
    }

    onTouchEnd(ev) {
        const touch = ev.changedTouches[0];
        const start = this.touchStart;
        this.touchStart = null;
        if (!start || !touch) {
            return;
        }
        const dx = touch.clientX - start.x;
        const dy = touch.clientY - start.y;
        if (Math.abs(dx) >= SWIPE_MIN_PX && Math.abs(dx) > 2 * Math.abs(dy)) {
            if (dx < 0) {
                this.nextDay();
            } else {
                this.previousDay();
            }
        }
    }

    // ------------------------------------------------------------------
    // "Add a line": a project, then maybe one of its tasks
    // ------------------------------------------------------------------

    async openPicker() {
        Object.assign(this.state.picker, {
            open: true,
            projectId: false,
            taskId: false,
            tasks: [],
        });
        this.state.picker.projects = await this.orm.call(MODEL, "read_projects", []);
    }

    closePicker() {
        this.state.picker.open = false;
    }

    async onPickProject(ev) {
        const picker = this.state.picker;
        picker.projectId = Number(ev.target.value) || false;
        picker.taskId = false;
        picker.tasks = [];
        if (picker.projectId) {
            picker.tasks = await this.orm.call(MODEL, "read_tasks", [picker.projectId]);
        }
    }

    onPickTask(ev) {
        this.state.picker.taskId = Number(ev.target.value) || false;
    }

    addLine() {
        const picker = this.state.picker;
        if (!picker.projectId) {
            return;
        }
        const projectId = picker.projectId;
        const taskId = picker.taskId;
        const key = `${projectId}-${taskId || 0}`;
        let index = this.rows.findIndex((row) => row.key === key);
        if (index < 0) {
            const project = picker.projects.find((p) => p.id === projectId);
            const task = picker.tasks.find((t) => t.id === taskId);
            this.state.extraRows.push({
                key,
                project_id: projectId,
                project_name: project ? project.name : "",
                task_id: taskId,
                task_name: task ? task.name : "",
                cells: {},
                total: 0,
            });
            index = this.rows.length - 1;
        }
        picker.open = false;
        // Ready to type: the row's first day (on a phone, the day shown).
        const col = this.ui.isSmall ? this.state.dayIndex : 0;
        setTimeout(() => {
            const input = this.root.el?.querySelector(
                `.o_psa_week_input[data-row="${index}"][data-col="${col}"]`
            );
            input?.focus();
        });
    }

    // ------------------------------------------------------------------
    // Submitting the week
    // ------------------------------------------------------------------

    async submitWeek() {
        if (!(await this.ensureSaved())) {
            return;
        }
        const week = this.week;
        if (!week.can_submit_count) {
            this.notification.add(
                week.future_count
                    ? _t(
                          "Nothing to submit yet: %(count)s entries are after today, submit them from their day.",
                          {count: week.future_count}
                      )
                    : _t("Nothing to submit this week: no draft or rejected entry with hours."),
                {type: "info"}
            );
            return;
        }
        this.dialog.add(ConfirmationDialog, {
            title: _t("Submit the week"),
            body: [
                _t(
                    "Submit %(count)s entries (%(hours)s) of the week of %(week)s for approval? %(skipped)s entries already submitted, approved or without hours are skipped.",
                    {
                        count: week.can_submit_count,
                        hours: formatHours(week.can_submit_hours),
                        week: week.week_label,
                        skipped: week.skip_count,
                    }
                ),
                week.future_count
                    ? _t(
                          "%(count)s entries after today stay drafts: submit them from their day.",
                          {count: week.future_count}
                      )
                    : "",
            ]
                .filter(Boolean)
                .join(" "),
            confirmLabel: _t("Submit"),
            confirm: () => this.doSubmit(),
            cancel: () => {},
        });
    }

    async doSubmit() {
        const result = await this.orm.call(MODEL, "submit_week", [this.week.week_start]);
        this.notification.add(
            _t(
                "%(count)s entries, %(hours)s submitted, %(skipped)s skipped, %(waiting)s after today waiting for their day",
                {
                    count: result.submitted,
                    hours: formatHours(result.hours),
                    skipped: result.skipped,
                    waiting: result.waiting,
                }
            ),
            {type: "success", title: _t("Week submitted")}
        );
        await this.reload();
    }
}

registry.category("actions").add("psa_workflow.timesheet_week", PsaTimesheetWeek);
