# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, models
from odoo.exceptions import RedirectWarning, UserError
from odoo.osv import expression

from .psa_validation import check_no_arguments

_logger = logging.getLogger(__name__)


class HrExpenseSheet(models.Model):
    _inherit = "hr.expense.sheet"

    @api.model
    def _psa_to_approve_domain(self):
        """The submitted expense reports the current user may approve, as Odoo
        decides it (``_compute_can_approve``): never their own; expense
        officers and administrators (PSA administrators) all the others, team
        approvers (PSA approvers) those of which they are the manager (the
        report's, the employee's expense manager or manager, the department's
        manager). The PSA menu and the dashboard list and count these."""
        user = self.env.user
        if not user.has_group("hr_expense.group_hr_expense_team_approver"):
            return expression.FALSE_DOMAIN
        domain = [("state", "=", "submit"), ("employee_id.user_id", "!=", user.id)]
        if user.has_group("hr_expense.group_hr_expense_user"):
            return domain
        return [
            *domain,
            "|",
            "|",
            "|",
            ("user_id", "=", user.id),
            ("employee_id.expense_manager_id", "=", user.id),
            ("employee_id.parent_id.user_id", "=", user.id),
            ("employee_id.department_id.manager_id.user_id", "=", user.id),
        ]

    @api.model
    def psa_action_to_approve(self, *args, **kwargs):
        """Odoo's expense reports, on those waiting for the current user's
        approval (``_psa_to_approve_domain``)."""
        check_no_arguments(self.env, "psa_action_to_approve", args, kwargs)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hr_expense.action_hr_expense_sheet_all"
        )
        search_view_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "hr_expense.hr_expense_sheet_view_search"
        )
        action.update(
            {
                "name": self.env._("Expense Reports to Approve"),
                "display_name": self.env._("Expense Reports to Approve"),
                "domain": self._psa_to_approve_domain(),
                # The domain is the state: no search panel by state; to approve,
                # not to create.
                "search_view_id": [search_view_id, False],
                "context": {"create": False},
                "path": False,
                "help": self.env._(
                    "<p class='o_view_nocontent_smiling_face'>No expense report "
                    "to approve</p><p>The expense reports your team submits to "
                    "you appear here.</p>"
                ),
            }
        )
        return action

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
