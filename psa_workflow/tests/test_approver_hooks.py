# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One approver concept (``project.project.psa_approver_ids``, computed by
``_psa_approvers``) and the hook after a timesheet's state changes
(``account.analytic.line._psa_after_state_change``)."""

from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY


@tagged("post_install", "-at_install")
class TestApproverHooks(PsaInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Approvers who manage nothing: a delegate-to-be and a bystander.
        cls.user_delegate = cls._psa_user("psa_delegate", "approver", 60.0)
        cls.user_other = cls._psa_user("psa_other_approver", "approver", 60.0)
        cls.Line = cls.env["account.analytic.line"]
        cls.approval_type = cls.env.ref(
            "psa_workflow.mail_activity_type_timesheet_approval"
        )

    # Refusals: ``UserError`` (an ``AccessError`` is one) as the record rules
    # may hide the entry before the approval's own check refuses it.
    def _submitted(self, day=DAY):
        line = self._log(day=day)
        line.with_user(self.user_employee).action_psa_submit()
        return line

    def _to_approve(self, user):
        Line = self.Line.with_user(user)
        return Line.search(Line._psa_to_approve_domain())

    def _set_delegates(self, *users, as_user=None):
        self.project_tm.with_user(as_user or self.user_admin).write(
            {"psa_extra_approver_ids": [Command.set([user.id for user in users])]}
        )

    def _approval_activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "project.project"),
                ("res_id", "=", self.project_tm.id),
                ("activity_type_id", "=", self.approval_type.id),
            ]
        )

    # ------------------------------------------------------------------
    # The approvers: the manager, plus the delegates PSA administrators add
    # ------------------------------------------------------------------
    def test_the_manager_approves_by_default(self):
        self.assertEqual(self.project_tm.psa_approver_ids, self.user_approver)
        self.assertEqual(self.project_fixed.psa_approver_ids, self.user_admin)
        self.assertFalse(self.project_b.psa_approver_ids)
        self.project_tm.user_id = self.user_other
        self.assertEqual(self.project_tm.psa_approver_ids, self.user_other)

    def test_a_delegate_approves_the_managers_project(self):
        self._set_delegates(self.user_delegate)
        self.assertEqual(
            self.project_tm.psa_approver_ids, self.user_approver | self.user_delegate
        )
        line = self._submitted()
        # Both approvers are asked, each by their own activity.
        self.assertEqual(
            self._approval_activities().user_id, self.user_approver | self.user_delegate
        )
        # The delegate finds the entry where approvers look for it (record
        # rules apply: ORM as the delegate).
        self.assertEqual(self._to_approve(self.user_delegate), line)
        action = self.Line.with_user(self.user_delegate).psa_action_to_approve()
        self.assertEqual(
            self.Line.with_user(self.user_delegate).search(action["domain"]), line
        )
        self.assertEqual(
            self.Line.with_user(self.user_delegate).search(
                [("project_id.psa_approver_ids", "in", self.user_delegate.id)]
            ),
            line,
            "the 'Projects I Approve' filter",
        )
        # Reports: the delegate reads the project's figures too.
        self.assertTrue(
            self.env["psa.utilization.report"]
            .with_user(self.user_delegate)
            .search([("timesheet_id", "=", line.id)])
        )
        line.with_user(self.user_delegate).action_psa_approve()
        self.assertEqual(
            (line.psa_state, line.psa_approved_by_id), ("approved", self.user_delegate)
        )
        self.assertFalse(self._approval_activities(), "done once nothing is left")
        line.with_user(self.user_delegate).action_psa_reopen()
        self.assertEqual(line.psa_state, "draft")

    def test_a_non_approver_cannot(self):
        self._set_delegates(self.user_delegate)
        line = self._submitted()
        self.assertFalse(self._to_approve(self.user_other))
        self.assertFalse(
            self.env["psa.utilization.report"]
            .with_user(self.user_other)
            .search([("timesheet_id", "=", line.id)])
        )
        with self.assertRaises(UserError):
            line.with_user(self.user_other).action_psa_approve()
        with self.assertRaises(UserError):
            line.with_user(self.user_other).action_psa_reject(reason="No")
        self.assertEqual(line.psa_state, "submitted")
        # A delegate removed approves no more.
        self._set_delegates()
        self.assertEqual(self.project_tm.psa_approver_ids, self.user_approver)
        self.assertFalse(self._to_approve(self.user_delegate))
        with self.assertRaises(UserError):
            line.with_user(self.user_delegate).action_psa_approve()
        self.assertEqual(line.psa_state, "submitted")

    def test_a_delegate_approves_but_does_not_manage_the_project(self):
        """Editing the project, its team and its staffing stay its manager's."""
        self._set_delegates(self.user_delegate)
        project = self.project_tm.with_user(self.user_delegate)
        with self.assertRaises(AccessError):
            project.write({"name": "Renamed by the delegate"})
        self.assertFalse(project.psa_can_manage)
        self.assertTrue(self.project_tm.with_user(self.user_approver).psa_can_manage)

    def test_only_psa_administrators_set_delegates(self):
        with self.assertRaises(AccessError):
            self._set_delegates(self.user_delegate, as_user=self.user_approver)
        with self.assertRaises(AccessError):
            self._set_delegates(self.user_delegate, as_user=self.user_billing)
        self.assertFalse(self.project_tm.psa_extra_approver_ids)
        # The approvers are derived: nobody writes them.
        with self.assertRaises(AccessError):
            self.project_tm.with_user(self.user_admin).write(
                {"psa_approver_ids": [Command.link(self.user_delegate.id)]}
            )
        self._set_delegates(self.user_delegate)
        self.assertEqual(self.project_tm.psa_extra_approver_ids, self.user_delegate)
        # Unchanged delegates sent back by a client are no change.
        self.project_tm.with_user(self.user_approver).write(
            {
                "name": "Renamed by its manager",
                "psa_extra_approver_ids": [Command.set(self.user_delegate.ids)],
            }
        )
        # Delegates approve: they must be PSA approvers.
        with self.assertRaises(ValidationError):
            self._set_delegates(self.user_employee)

    def test_overriding_the_one_method_adds_an_approver(self):
        line = self._submitted()
        with self.assertRaises(UserError):
            line.with_user(self.user_other).action_psa_approve()
        Project = type(self.env["project.project"])
        standard = Project._psa_approvers
        second = self.user_other

        def _psa_approvers(project):
            approvers = standard(project)
            return approvers | second if project.psa_is_billable else approvers

        with patch.object(Project, "_psa_approvers", _psa_approvers):
            (self.project_tm | self.project_internal)._psa_recompute_approvers()
            self.assertEqual(
                self.project_tm.psa_approver_ids, self.user_approver | second
            )
            self.assertEqual(self.project_internal.psa_approver_ids, self.user_approver)
            self.assertEqual(self._to_approve(second), line)
            line.with_user(second).action_psa_approve()
        self.assertEqual(
            (line.psa_state, line.psa_approved_by_id), ("approved", second)
        )

    # ------------------------------------------------------------------
    # The hook after every state change
    # ------------------------------------------------------------------
    def test_hook_after_state_change_sees_old_and_new_states(self):
        calls = []
        Line = type(self.Line)

        def hook(lines, old_states, new_state):
            # The lines are already in their new state when the hook runs.
            calls.append(
                (
                    set(lines.ids),
                    dict(old_states),
                    new_state,
                    set(lines.mapped("psa_state")),
                )
            )

        first = self._log()
        second = self._log(day=DAY + timedelta(days=1))
        lines = first | second
        with patch.object(Line, "_psa_after_state_change", hook):
            lines.with_user(self.user_employee).action_psa_submit()
            first.with_user(self.user_approver).action_psa_approve()
            # One call for lines coming from two states.
            lines.with_user(self.user_approver).action_psa_reject(reason="Split")
            first.with_user(self.user_employee).action_psa_submit()
            first.with_user(self.user_approver).action_psa_approve()
            first.with_user(self.user_approver).action_psa_reopen()
        ids = set(lines.ids)
        self.assertEqual(
            calls,
            [
                (ids, dict.fromkeys(lines.ids, "draft"), "submitted", {"submitted"}),
                ({first.id}, {first.id: "submitted"}, "approved", {"approved"}),
                (
                    ids,
                    {first.id: "approved", second.id: "submitted"},
                    "rejected",
                    {"rejected"},
                ),
                ({first.id}, {first.id: "rejected"}, "submitted", {"submitted"}),
                ({first.id}, {first.id: "submitted"}, "approved", {"approved"}),
                ({first.id}, {first.id: "approved"}, "draft", {"draft"}),
            ],
        )

    def test_hook_sees_invoicing_and_its_cancellation(self):
        line = self._approved(2.0)
        calls = []

        def hook(lines, old_states, new_state):
            calls.append((lines.ids, dict(old_states), new_state))

        with patch.object(type(self.Line), "_psa_after_state_change", hook):
            move, _skipped = self._invoice()
            self.assertEqual(line.psa_state, "invoiced")
            move.with_user(self.user_billing).button_cancel()
            self.assertEqual(line.psa_state, "approved")
        self.assertEqual(
            calls,
            [
                (line.ids, {line.id: "approved"}, "invoiced"),
                (line.ids, {line.id: "invoiced"}, "approved"),
            ],
        )
