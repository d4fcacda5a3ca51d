/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// The note of a cell of "My Week": what was done, the description of the
// cell's entries (read by the approver and, on detailed invoices, the
// customer). Read-only once the time is submitted.
import {Component, useState} from "@odoo/owl";
import {Dialog} from "@web/core/dialog/dialog";

export class PsaWeekNoteDialog extends Component {
    static template = "psa_workflow.PsaWeekNoteDialog";
    static components = {Dialog};
    static props = {
        title: String,
        note: {type: [String, Boolean]},
        readonly: Boolean,
        save: Function,
        close: Function,
    };

    setup() {
        this.state = useState({note: this.props.note || "", saving: false});
    }

    async onSave() {
        this.state.saving = true;
        try {
            if (await this.props.save(this.state.note)) {
                this.props.close();
            }
        } finally {
            this.state.saving = false;
        }
    }
}
