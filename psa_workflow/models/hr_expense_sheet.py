# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import models
from odoo.exceptions import RedirectWarning, UserError

_logger = logging.getLogger(__name__)


class HrExpenseSheet(models.Model):
    _inherit = "hr.expense.sheet"

    def action_submit_sheet(self):
        self.expense_line_ids._psa_check_policy_submission()
        res = super().action_submit_sheet()
        self._psa_auto_approve()
        # Odoo's returns None, which XML-RPC cannot marshal.
        return True if res is None else res

    def _psa_auto_approve(self):
        """Approve the submitted reports whose expenses all comply with their
        policies and are below their auto-approval amounts."""
        violations = self.expense_line_ids._psa_policy_violations()
        # A possible duplicate of another expense always goes to a manager.
        sheets = self.filtered(
            lambda sheet: (
                sheet.state == "submit"
                and not sheet.expense_line_ids.duplicate_expense_ids
                and sheet.expense_line_ids._psa_auto_approvable(violations)
            )
        )
        author = self.env.ref("base.partner_root")
        # One report at a time, each in a savepoint: a report that cannot be
        # approved (no journal, no work email...) stays submitted for a manager.
        for sheet in sheets:
            # sudo: the policy approves, not the employee who submits, who has no
            # right to approve their own report.
            sheet_sudo = sheet.sudo()
            try:
                with self.env.cr.savepoint():
                    sheet_sudo._validate_analytic_distribution()
                    if not sheet_sudo.user_id:
                        # Recorded as approved by the policy (OdooBot), not by the
                        # employee whose submission triggered it.
                        sheet_sudo.user_id = self.env.ref("base.user_root")
                    sheet_sudo._do_approve()
            except (UserError, RedirectWarning) as error:
                _logger.info("Expense report %s not auto-approved: %s", sheet.id, error)
                sheet_sudo.message_post(
                    body=self.env._(
                        "Not approved automatically: %(reason)s",
                        reason=error.args[0] if error.args else str(error),
                    ),
                    author_id=author.id,
                )
            else:
                sheet_sudo.message_post(
                    body=self.env._(
                        "Approved automatically: every expense complies with its "
                        "policy and is below its auto-approval amount."
                    ),
                    author_id=author.id,
                )
