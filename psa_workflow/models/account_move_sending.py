# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sending customer invoices: the work an invoice bills goes with it as a PDF
annex (Odoo's *Send & Print*, one invoice or many), beside the portal link
of Odoo's invoice e-mail; a project may have its invoices sent as soon as
they are posted."""

import hashlib

from odoo import models

WORK_REPORT = "psa_workflow.action_report_psa_invoice_work"


# One class per concern of the invoice, on purpose (the base class is
# account_move.py's).
# pylint: disable=consider-merging-classes-inherited
class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._psa_queue_auto_send()
        return posted

    def _psa_projects(self):
        """The projects whose work these invoices bill (sudo)."""
        links = self.sudo().psa_link_ids
        return (
            links.timesheet_id.project_id
            | links.expense_id.psa_project_id
            | links.installment_id.project_id
            | links.milestone_id.project_id
        )

    def _psa_queue_auto_send(self):
        """Queue for Odoo's sending job (as its batch *Send* does) the posted
        customer invoices of projects that send their invoices when posted,
        not sent nor queued yet."""
        to_send = self.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.state == "posted"
                and not move.is_move_sent
                and not move.sending_data
                and any(move._psa_projects().mapped("psa_invoice_auto_send"))
            )
        )
        if not to_send:
            return
        to_send.sending_data = {
            "author_user_id": self.env.user.id,
            "author_partner_id": self.env.user.partner_id.id,
        }
        self.env.ref("account.ir_cron_account_move_send")._trigger()

    def _psa_work_attachment(self):
        """The PDF of the work this posted invoice bills (``Work Billed``), an
        attachment of the invoice made when first asked for, made again when
        that work changed since (an entry credited); empty without such
        work."""
        self.ensure_one()
        move = self.sudo()
        work = move._psa_portal_work()
        if not work["sections"]:
            return self.env["ir.attachment"]
        # What the PDF shows, in short: it is made again when this changes.
        fingerprint = hashlib.sha256(
            repr(
                [
                    (section["line"], row["amount"], row["credited"])
                    for section in work["sections"]
                    for row in section["rows"]
                ]
            ).encode()
        ).hexdigest()
        name = f"{(move.name or '').replace('/', '_')}_work.pdf"
        Attachment = self.env["ir.attachment"].sudo()
        attachments = Attachment.search(
            [
                ("res_model", "=", "account.move"),
                ("res_id", "=", move.id),
                ("name", "=", name),
            ]
        )
        current = attachments.filtered(lambda a: a.description == fingerprint)[:1]
        if current:
            return current
        attachments.unlink()
        content, _report_type = (
            self.env["ir.actions.report"]
            .sudo()
            .with_company(move.company_id)
            ._render_qweb_pdf(WORK_REPORT, move.ids)
        )
        return Attachment.create(
            {
                "name": name,
                "raw": content,
                "mimetype": "application/pdf",
                "description": fingerprint,
                "res_model": "account.move",
                "res_id": move.id,
            }
        )
