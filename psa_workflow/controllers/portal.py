# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer portal: the work each invoice bills (on Odoo's invoice page,
as CSV, as a PDF annex, and the receipts a project shares), every route
checking the customer's access to the invoice (their login, or the access
token of the invoice e-mail) as Odoo's invoice page does; and the progress
of the projects that share it with their customer."""

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request

from odoo.addons.account.controllers.portal import PortalAccount

WORK_REPORT = "psa_workflow.action_report_psa_invoice_work"


class PsaPortalAccount(PortalAccount):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "psa_progress_count" in counters:
            values["psa_progress_count"] = len(self._psa_shared_projects())
        return values

    def _psa_shared_projects(self):
        """The projects sharing their progress with the user's customer."""
        user = request.env.user
        if user._is_public():
            return request.env["project.project"]
        return (
            request.env["project.project"]
            .sudo()
            .search(
                [
                    ("psa_portal_progress", "=", True),
                    (
                        "partner_id.commercial_partner_id",
                        "=",
                        user.partner_id.commercial_partner_id.id,
                    ),
                ],
                order="name, id",
            )
        )

    @http.route("/my/progress", type="http", auth="user", website=True)
    def psa_my_progress(self, **kwargs):
        values = self._prepare_portal_layout_values()
        values.update(
            page_name="psa_progress", psa_projects=self._psa_shared_projects()
        )
        return request.render("psa_workflow.portal_my_progress", values)

    @http.route(
        "/my/progress/<int:project_id>", type="http", auth="public", website=True
    )
    def psa_project_progress(self, project_id, access_token=None, **kwargs):
        project = request.env["project.project"].sudo().browse(project_id).exists()
        if not project or not project._psa_portal_visible_to(
            request.env.user, access_token
        ):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            page_name="psa_project_progress",
            psa_project=project,
            progress=project._psa_portal_progress(),
        )
        return request.render("psa_workflow.portal_project_progress", values)

    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        values["psa_work"] = invoice._psa_portal_work()
        values["psa_work_token"] = access_token
        return values

    def _psa_invoice(self, invoice_id, access_token):
        """The invoice (sudo) if the visitor may read it, else None."""
        try:
            return self._document_check_access("account.move", invoice_id, access_token)
        except (AccessError, MissingError):
            return None

    @http.route(
        "/my/invoices/<int:invoice_id>/work.csv",
        type="http",
        auth="public",
        website=True,
    )
    def psa_invoice_work_csv(self, invoice_id, access_token=None, **kwargs):
        invoice = self._psa_invoice(invoice_id, access_token)
        if invoice is None:
            return request.redirect("/my")
        filename = f"{invoice.name.replace('/', '_')}_work.csv"
        return request.make_response(
            invoice._psa_portal_csv().encode("utf-8-sig"),
            headers=[
                ("Content-Type", "text/csv; charset=utf-8"),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

    @http.route(
        "/my/invoices/<int:invoice_id>/work.pdf",
        type="http",
        auth="public",
        website=True,
    )
    def psa_invoice_work_pdf(self, invoice_id, access_token=None, **kwargs):
        invoice = self._psa_invoice(invoice_id, access_token)
        if invoice is None:
            return request.redirect("/my")
        return self._show_report(
            model=invoice, report_type="pdf", report_ref=WORK_REPORT, download=True
        )

    @http.route(
        "/my/invoices/<int:invoice_id>/receipt/<int:expense_id>",
        type="http",
        auth="public",
        website=True,
    )
    def psa_invoice_receipt(self, invoice_id, expense_id, access_token=None, **kwargs):
        invoice = self._psa_invoice(invoice_id, access_token)
        if invoice is None:
            return request.redirect("/my")
        receipt = invoice._psa_portal_receipt(expense_id)
        if not receipt:
            return request.not_found()
        return (
            request.env["ir.binary"]
            ._get_stream_from(receipt)
            .get_response(as_attachment=True)
        )
