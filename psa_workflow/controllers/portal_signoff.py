# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer's approval of time in the portal: the requests of the
user's customer (or the one the e-mail's token opens), approved all at once
or disputed entry by entry. Every route checks the request's access first;
the answers are written as superuser after that check."""

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class PsaPortalSignoff(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "psa_signoff_count" in counters:
            values["psa_signoff_count"] = len(
                self._psa_signoff_requests().filtered(
                    lambda approval: approval.state == "waiting"
                )
            )
        return values

    def _psa_signoff_requests(self):
        """The requests of the user's customer (a portal user's only)."""
        user = request.env.user
        if user._is_public() or user._is_internal():
            return request.env["psa.customer.approval"]
        return (
            request.env["psa.customer.approval"]
            .sudo()
            .search(
                [
                    (
                        "customer_id",
                        "=",
                        user.partner_id.commercial_partner_id.id,
                    ),
                    ("state", "!=", "cancel"),
                ]
            )
        )

    def _psa_signoff(self, approval_id, access_token):
        """The request (sudo) if the visitor may see and answer it, else None."""
        approval = request.env["psa.customer.approval"].sudo().browse(approval_id)
        if not approval.exists() or not approval._psa_visible_to(
            request.env.user, access_token
        ):
            return None
        return approval

    def _psa_signoff_page(self, approval, access_token, **values):
        page_values = self._prepare_portal_layout_values()
        page_values.update(
            page_name="psa_signoff",
            psa_signoff=approval,
            psa_rows=approval._psa_portal_rows(),
            psa_token=access_token or "",
            **values,
        )
        return request.render("psa_workflow.portal_signoff_page", page_values)

    def _psa_answering_partner(self, approval):
        """Who answers: the logged-in contact, or the e-mail's addressee."""
        user = request.env.user
        return approval.partner_id if user._is_public() else user.partner_id

    @http.route("/my/approvals", type="http", auth="user", website=True)
    def psa_my_signoffs(self, **kwargs):
        values = self._prepare_portal_layout_values()
        values.update(
            page_name="psa_signoffs", psa_signoffs=self._psa_signoff_requests()
        )
        return request.render("psa_workflow.portal_my_signoffs", values)

    @http.route(
        "/my/approvals/<int:approval_id>", type="http", auth="public", website=True
    )
    def psa_signoff(self, approval_id, access_token=None, **kwargs):
        approval = self._psa_signoff(approval_id, access_token)
        if approval is None:
            return request.redirect("/my")
        return self._psa_signoff_page(
            approval, access_token, psa_done=kwargs.get("done")
        )

    @http.route(
        "/my/approvals/<int:approval_id>/approve",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def psa_signoff_approve(self, approval_id, access_token=None, **kwargs):
        approval = self._psa_signoff(approval_id, access_token)
        if approval is None:
            return request.redirect("/my")
        try:
            approval.psa_customer_approve(self._psa_answering_partner(approval))
        except (UserError, ValidationError) as error:
            return self._psa_signoff_page(
                approval, access_token, psa_error=error.args[0]
            )
        return self._psa_signoff_redirect(approval, access_token, "approved")

    @http.route(
        "/my/approvals/<int:approval_id>/dispute",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def psa_signoff_dispute(
        self, approval_id, line_id=None, comment=None, access_token=None, **kwargs
    ):
        approval = self._psa_signoff(approval_id, access_token)
        if approval is None:
            return request.redirect("/my")
        try:
            line = int(line_id or 0)
        except ValueError:
            line = 0
        try:
            approval.psa_customer_dispute(
                line, comment, self._psa_answering_partner(approval)
            )
        except (UserError, ValidationError) as error:
            return self._psa_signoff_page(
                approval, access_token, psa_error=error.args[0]
            )
        return self._psa_signoff_redirect(approval, access_token, "disputed")

    def _psa_signoff_redirect(self, approval, access_token, done):
        url = f"/my/approvals/{approval.id}?done={done}"
        if access_token:
            url += f"&access_token={access_token}"
        return request.redirect(url)
