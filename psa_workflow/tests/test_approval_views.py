# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from lxml import etree

from odoo.tests import tagged

from .invoicing_common import PsaInvoicingCommon
from .timesheet_common import DAY

COST_FIELDS = ("amount", "psa_bill_rate", "psa_bill_amount", "psa_bill_amount_company")


DISPUTED_OPEN = (
    "psa_customer_state != 'disputed' or psa_state != 'approved' "
    "or psa_cap_decision == 'write_off'"
)


@tagged("post_install", "-at_install")
class TestApprovalViews(PsaInvoicingCommon):
    """What approvers and consultants see of the approval: the approval form,
    the queue and its totals, My Timesheets and its rejected entries, the
    filters of each group."""

    def _arch(self, user, view_type, view=None, action=None):
        """The arch of a view as ``user`` gets it (groups applied)."""
        Line = self.env["account.analytic.line"].with_user(user)
        view_id = view and self.env.ref(view).id
        if action:
            views = {mode: view_id for view_id, mode in action["views"] if view_id}
            view_id = views.get(view_type, view_id)
        views = Line.get_views([(view_id or False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def _visible(self, arch, fname):
        """The field is in the arch and not always invisible."""
        return any(
            node.get("invisible") not in ("1", "True")
            and node.get("column_invisible") not in ("1", "True")
            for node in arch.xpath(f"//field[@name='{fname}']")
        )

    def _run(self, user, xmlid):
        return self.env.ref(xmlid).with_user(user).run()

    def test_approval_form(self):
        """The queue opens entries in the approval form: state and buttons,
        who, what, hours and billing, no cost, no analytic plumbing."""
        action = self._run(
            self.user_approver,
            "psa_workflow.account_analytic_line_server_action_to_approve",
        )
        form = self.env.ref("psa_workflow.account_analytic_line_view_form_approve")
        self.assertIn((form.id, "form"), [tuple(view) for view in action["views"]])
        self.assertFalse(form.inherit_id)
        arch = self._arch(self.user_approver, "form", action=action)
        buttons = {
            node.get("name"): node.get("invisible")
            for node in arch.xpath("//header/button")
        }
        self.assertEqual(
            buttons,
            {
                "action_psa_approve": "psa_state != 'submitted'",
                "action_psa_approve_week": "psa_state != 'submitted'",
                "action_psa_reject": "psa_state not in ('submitted', 'approved')",
                "action_psa_reopen": "psa_state != 'approved'",
                # What the customer disputed (projects asking the customer).
                "action_psa_signoff_send_again": DISPUTED_OPEN,
                "action_psa_signoff_write_off": DISPUTED_OPEN,
            },
        )
        self.assertTrue(
            arch.xpath("//header/field[@name='psa_state'][@widget='statusbar']")
        )
        for fname in (
            "employee_id",
            "date",
            "project_id",
            "task_id",
            "psa_description",
            "unit_amount",
            "psa_billable",
            "psa_role_id",
            "psa_billed_hours",
            "psa_bill_rate",
            "psa_bill_amount",
            "psa_rejection_reason",
            "psa_approved_by_id",
            "psa_approved_date",
            "psa_invoice_id",
        ):
            self.assertTrue(arch.xpath(f"//field[@name='{fname}']"), fname)
        for fname in ("amount", "partner_id", "product_id", "general_account_id"):
            self.assertFalse(arch.xpath(f"//field[@name='{fname}']"), fname)
        # Consultants (who never get this form from a menu) see no bill rate
        # nor approval buttons in it.
        consultant = self._arch(self.user_employee, "form", action=action)
        self.assertFalse(consultant.xpath("//header/button"))
        self.assertFalse(self._visible(consultant, "psa_bill_rate"))

    def test_my_timesheets_form_shows_no_cost_to_the_consultant(self):
        action = self._run(
            self.user_employee,
            "psa_workflow.account_analytic_line_server_action_my_timesheets",
        )
        arch = self._arch(self.user_employee, "form", action=action)
        # The PSA form: the approval state and the rejection reason.
        self.assertTrue(arch.xpath("//field[@name='psa_state'][@widget='statusbar']"))
        self.assertTrue(arch.xpath("//field[@name='psa_rejection_reason']"))
        for fname in COST_FIELDS:
            self.assertFalse(self._visible(arch, fname), fname)
        # In lists and cards neither.
        for view_type in ("list", "kanban"):
            arch = self._arch(self.user_employee, view_type, action=action)
            for fname in COST_FIELDS:
                self.assertFalse(self._visible(arch, fname), (view_type, fname))

    def test_my_timesheets_show_the_rejected_first(self):
        xmlid = "psa_workflow.account_analytic_line_server_action_my_timesheets"
        action = self._run(self.user_employee, xmlid)
        self.assertEqual(action["res_model"], "account.analytic.line")
        self.assertNotIn("search_default_psa_rejected", str(action["context"]))
        line = self._log()
        line.with_user(self.user_employee).action_psa_submit()
        line.with_user(self.user_approver).action_psa_reject(reason="Wrong task")
        action = self._run(self.user_employee, xmlid)
        self.assertEqual(action["context"]["search_default_psa_rejected"], 1)
        self.assertTrue(action["context"]["is_my_timesheets"])
        # The approver has no rejected time of theirs: no filter for them.
        action = self._run(self.user_approver, xmlid)
        self.assertNotIn("search_default_psa_rejected", str(action["context"]))
        # The reason is shown where the consultant looks: list and cards.
        list_arch = self._arch(self.user_employee, "list", action=action)
        [column] = list_arch.xpath("//field[@name='psa_rejection_reason']")
        self.assertEqual(column.get("optional"), "show")
        kanban = self._arch(self.user_employee, "kanban", action=action)
        [reason] = kanban.xpath("//field[@name='psa_rejection_reason']")
        self.assertEqual(reason.getparent().get("invisible"), "psa_state != 'rejected'")

    def test_filters_follow_the_groups(self):
        managers_filters = {"psa_my_projects", "psa_rate_missing", "psa_cap_held"}
        for user, expected in (
            (self.user_employee, set()),
            (self.user_approver, managers_filters),
            (self.user_billing, managers_filters - {"psa_my_projects"}),
        ):
            for view in (
                "hr_timesheet.hr_timesheet_line_search",
                "hr_timesheet.hr_timesheet_line_my_timesheet_search",
            ):
                arch = self._arch(user, "search", view=view)
                names = {node.get("name") for node in arch.xpath("//filter")}
                self.assertEqual(names & managers_filters, expected, (user.login, view))
                self.assertIn("psa_rejected", names)

    def test_queue_totals_never_add_currencies(self):
        """A week on a euro project and one in the company currency: the
        amounts in the projects' currencies are not summed; the totals are
        in the company currency, at the rates of the entries' dates."""
        self._eur_rate(DAY - timedelta(days=30), 0.5)
        project_eur = self._eur_project("PSA EUR Queue")
        lines_eur = self._log(hours=2.0, project=project_eur)
        lines_usd = self._log(hours=1.0, day=DAY + timedelta(days=1))
        (lines_eur | lines_usd).with_user(self.user_employee).action_psa_submit()
        self.assertEqual(
            (lines_eur.psa_currency_id, lines_eur.psa_bill_amount),
            (self.currency_eur, 100.0),
        )
        self.assertEqual(lines_usd.psa_bill_amount, 100.0)
        action = self._run(
            self.user_approver,
            "psa_workflow.account_analytic_line_server_action_to_approve",
        )
        arch = self._arch(self.user_approver, "list", action=action)
        [amount] = arch.xpath("//field[@name='psa_bill_amount']")
        [company_amount] = arch.xpath("//field[@name='psa_bill_amount_company']")
        self.assertIsNone(amount.get("sum"))
        self.assertTrue(company_amount.get("sum"))
        self.assertTrue(arch.xpath("//field[@name='currency_id']"))
        # Nor in the lists' group rows and pivots (the field's aggregator).
        fields = self.env["account.analytic.line"].fields_get(
            ["psa_bill_amount", "psa_bill_rate", "psa_bill_amount_company"],
            ["aggregator"],
        )
        self.assertEqual(
            {fname: field.get("aggregator") for fname, field in fields.items()},
            {
                "psa_bill_amount": None,
                "psa_bill_rate": None,
                "psa_bill_amount_company": "sum",
            },
        )
        # The group total of the employee's week, as the list reads it.
        Line = self.env["account.analytic.line"].with_user(self.user_approver)
        [(employee, _week, total, hours)] = Line._read_group(
            action["domain"],
            ["employee_id", "date:week"],
            ["psa_bill_amount_company:sum", "unit_amount:sum"],
        )
        self.assertEqual((employee, hours), (self.emp, 3.0))
        self.assertEqual(total, 200.0 + 100.0)  # 100.00 EUR at 0.5, 100.00 USD
        # Dates and states are not cut.
        widths = {
            node.get("name"): node.get("width")
            for node in arch.xpath("//field[@width]")
        }
        self.assertEqual(
            set(widths),
            {"date", "psa_billable", "psa_state", "psa_bill_amount_company"},
        )
