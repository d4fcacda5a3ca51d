# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class IrUiMenu(models.Model):
    _inherit = "ir.ui.menu"

    def _load_menus_blacklist(self):
        """Timesheet approvers find "My Week" under the Timesheets app's
        "Timesheets" menu (as Odoo's "My Timesheets"): not at the top too."""
        result = super()._load_menus_blacklist()
        if self.env.user.has_group("hr_timesheet.group_hr_timesheet_approver"):
            menu = self.env.ref(
                "psa_workflow.menu_timesheet_psa_my_week", raise_if_not_found=False
            )
            if menu:
                result.append(menu.id)
        return result
