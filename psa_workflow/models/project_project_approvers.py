# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Projects: who approves their entries (the manager and the delegates a PSA
administrator adds): the one definition every rule, queue and check reads."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .psa_write_policy import ADMIN, SERVER


# One class per concern of the project, on purpose (the base class is in
# project_project.py).
# pylint: disable=consider-merging-classes-inherited
class ProjectProject(models.Model):
    _inherit = "project.project"

    # Who approves: the one definition (``_psa_approvers``), stored so that
    # record rules, filters and queues read it in SQL.
    psa_extra_approver_ids = fields.Many2many(
        "res.users",
        "psa_project_delegate_rel",
        "project_id",
        "user_id",
        string="Delegates",
        copy=False,
        domain=lambda self: self._psa_delegate_domain(),
        help="PSA approvers who approve this project's entries besides its manager "
        "(a manager on leave). Set by PSA administrators.",
        psa_write=ADMIN,
    )
    psa_approver_ids = fields.Many2many(
        "res.users",
        "psa_project_approver_rel",
        "project_id",
        "user_id",
        string="Approvers",
        compute="_compute_psa_approver_ids",
        store=True,
        help="Who approves, rejects and reopens this project's entries, gets the "
        "approval activities and sees the project's reports: its manager and its "
        "delegates (PSA administrators approve on every project).",
        psa_write=SERVER,
    )

    @api.model
    def _psa_delegate_domain(self):
        # The group does not exist yet while the module installs (this domain
        # filters every read of the field).
        group = self.env.ref(
            "psa_workflow.group_psa_approver", raise_if_not_found=False
        )
        return [("share", "=", False)] + (
            [("groups_id", "in", group.ids)] if group else []
        )

    @api.depends("user_id", "psa_extra_approver_ids")
    def _compute_psa_approver_ids(self):
        for project in self:
            project.psa_approver_ids = project._psa_approvers()

    def _psa_approvers(self):
        """The users who approve this project's entries: its manager and its
        delegates. The one definition of "the approver" (record rules, the
        queue to approve, the checks and the activities read the stored
        ``psa_approver_ids``): override it to add or replace approvers,
        ``super()._psa_approvers() | others``, and declare what it reads in
        ``_compute_psa_approver_ids``'s dependencies (or call
        ``_psa_recompute_approvers``) so that the stored value follows."""
        self.ensure_one()
        return self.user_id | self.psa_extra_approver_ids

    def _psa_recompute_approvers(self):
        """Compute the approvers of these projects again (after a change of
        facts ``_psa_approvers`` reads that no dependency tracks)."""
        self.env.add_to_compute(self._fields["psa_approver_ids"], self)
        self.flush_recordset(["psa_approver_ids"])

    @api.constrains("psa_extra_approver_ids")
    def _check_psa_extra_approver_ids(self):
        approver = self.env.ref("psa_workflow.group_psa_approver")
        for project in self:
            wrong = project.psa_extra_approver_ids.filtered(
                lambda user: approver not in user.groups_id
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "%(project)s: delegates approve entries, they must be PSA "
                        "approvers (%(users)s are not).",
                        project=project.display_name,
                        users=", ".join(wrong.mapped("name")),
                    )
                )
