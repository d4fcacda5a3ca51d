/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// The approval form of a timesheet: after "Approve", on to the next entry of
// the list it was opened from (the pager's), saying so; the last one stays.
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {FormController} from "@web/views/form/form_controller";
import {formView} from "@web/views/form/form_view";

export class PsaApprovalFormController extends FormController {
    setup() {
        super.setup();
        this.notification = useService("notification");
    }

    async afterExecuteActionButton(clickParams) {
        await super.afterExecuteActionButton(clickParams);
        if (clickParams.name !== "action_psa_approve") {
            return;
        }
        const {resId, resIds} = this.model.root;
        const next = resIds[resIds.indexOf(resId) + 1];
        if (next) {
            this.notification.add(_t("Approved: here is the next entry."), {type: "success"});
            await this.model.load({resId: next});
        } else {
            this.notification.add(_t("Approved: that was the last entry of the list."), {
                type: "success",
            });
        }
    }
}

registry.category("views").add("psa_approval_form", {
    ...formView,
    Controller: PsaApprovalFormController,
});
