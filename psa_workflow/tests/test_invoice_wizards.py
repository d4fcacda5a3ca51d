# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import closing
from datetime import timedelta

from odoo import Command
from odoo.tests import Form, tagged

from .invoicing_common import PsaInvoicingCommon
from .race_common import DAY as RACE_DAY
from .race_common import PsaRaceCase
from .timesheet_common import DAY


@tagged("post_install", "-at_install")
class TestInvoiceWizards(PsaInvoicingCommon):
    """Create Invoices previews what each project will be invoiced (or why it
    is skipped) before creating anything and lets the billing user switch the
    annex for the run; Credit Entries starts from the invoice's entries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Wizard = cls.env["psa.invoice.create"].with_user(cls.user_billing)
        cls.date_to = DAY + timedelta(days=60)
        cls.project_empty = cls.env["project.project"].create(
            {
                "name": "PSA Test Nothing To Invoice",
                "company_id": cls.company.id,
                "partner_id": cls.customer.id,
            }
        )
        cls.project_orphan = cls.env["project.project"].create(
            {"name": "PSA Test No Customer", "company_id": cls.company.id}
        )

    def _wizard(self, projects, **vals):
        return self.Wizard.create(
            {
                "project_ids": [Command.set(projects.ids)],
                "date_to": self.date_to,
                **vals,
            }
        )

    def _moves(self):
        return self.env["account.move"].search_count([])

    # Create Invoices: preview

    def test_preview_matches_what_is_invoiced_and_says_what_is_skipped(self):
        self.env["psa.rate"].create(
            {
                "project_id": self.project_tm.id,
                "employee_id": self.emp.id,
                "amount": 133.33,
            }
        )
        self._approved(2.0, 1.5, 0.33)
        self._approved_expense(42.5)
        projects = self.project_tm | self.project_empty | self.project_orphan
        before = self._moves()
        wizard = self._wizard(projects)
        preview = {line.project_id: line for line in wizard.preview_line_ids}
        self.assertEqual(set(preview), set(projects))
        self.assertEqual(self._moves(), before, "the preview creates no invoice")
        tm = preview[self.project_tm]
        self.assertFalse(tm.reason)
        self.assertEqual(
            (tm.billing_type, tm.currency_id),
            ("time_material", self.company.currency_id),
        )
        self.assertIn("Timesheets: 3 (3:50)", tm.content)
        self.assertIn("Re-billed expenses: 1", tm.content)
        self.assertIn("Nothing to invoice", preview[self.project_empty].reason)
        self.assertIn("has no customer", preview[self.project_orphan].reason)
        # Nothing was flagged or locked by the preview.
        self.assertFalse(self.project_tm.psa_last_invoice_date)
        self.assertEqual(
            set(self.project_tm.timesheet_ids.mapped("psa_state")), {"approved"}
        )
        wizard.action_create_invoices()
        move = self.env["account.move"].search(
            [("psa_link_ids.timesheet_id.project_id", "=", self.project_tm.id)]
        )
        hours = sum(move.psa_link_ids.filtered("timesheet_id").mapped("hours"))
        self.assertEqual((tm.hours, tm.amount), (round(hours, 2), move.amount_untaxed))
        self.assertAlmostEqual(tm.amount, 510.65 + 42.5)  # 3.83 h x 133.33 + expense

    def test_preview_of_a_capped_project_holds_what_the_cap_holds(self):
        self.project_tm.write({"psa_cap_type": "hours", "psa_cap_hours": 3.0})
        lines = self._approved(2.0, 2.0)
        tm = self._wizard(self.project_tm).preview_line_ids
        self.assertEqual(tm.hours, 2.0)
        self.assertIn("held by the cap: 2:00", tm.content)
        self.assertFalse(any(lines.mapped("psa_cap_held")), "the preview flags nothing")

    def test_from_the_menu_opens_with_the_projects_to_invoice(self):
        self._approved(1.0)
        wizard = self.Wizard.with_context(default_date_to=self.date_to).create({})
        self.assertIn(self.project_tm, wizard.project_ids)
        self.assertNotIn(self.project_empty, wizard.project_ids)
        self.assertNotIn(self.project_internal, wizard.project_ids)
        # Opened on chosen projects (project list, WIP report): those only.
        chosen = self.Wizard.with_context(
            active_model="project.project", active_ids=self.project_empty.ids
        ).create({})
        self.assertEqual(chosen.project_ids, self.project_empty)
        given = self.Wizard.with_context(
            default_project_ids=self.project_orphan.ids
        ).create({})
        self.assertEqual(given.project_ids, self.project_orphan)

    # Create Invoices: the annex switch

    def test_annex_switch_of_the_run_applies_to_the_invoices(self):
        self._approved(1.0)
        self.assertFalse(self.project_tm.psa_invoice_annex)
        form = Form(
            self.Wizard.with_context(
                active_model="project.project", active_ids=self.project_tm.ids
            )
        )
        form.date_to = self.date_to
        self.assertEqual(form.annex, "project")
        form.annex = "yes"
        result = form.save().action_create_invoices()
        move = self.env["account.move"].browse(result["res_id"])
        self.assertTrue(move.psa_invoice_annex)
        self.assertTrue(move._psa_annex_links())
        # On the draft, the billing user switches it off again.
        with Form(move.with_user(self.user_billing)) as invoice:
            invoice.psa_invoice_annex = False
        self.assertFalse(move._psa_annex_links())

    def test_annex_default_is_the_project_setting_and_no_overrides_it(self):
        self.project_tm.sudo().psa_invoice_annex = True
        self._approved(1.0)
        self._wizard(self.project_tm).action_create_invoices()
        first = self.env["account.move"].search(
            [("psa_link_ids.timesheet_id.project_id", "=", self.project_tm.id)]
        )
        self.assertTrue(first.psa_invoice_annex)
        self._approved(1.0, project=self.project_tm)
        result = self._wizard(self.project_tm, annex="no").action_create_invoices()
        second = self.env["account.move"].browse(result["res_id"])
        self.assertNotEqual(first, second)
        self.assertFalse(second.psa_invoice_annex)

    # Credit Entries

    def _posted_invoice(self, *hours):
        lines = self._approved(*hours)
        move, _skipped = self._invoice()
        self._post(move)
        return lines, move

    def _credit_form(self, move):
        return Form(
            self.env["psa.invoice.credit"]
            .with_user(self.user_billing)
            .with_context(active_model="account.move", active_id=move.id)
        )

    def test_credit_entries_starts_from_the_invoice_entries_unticked(self):
        lines, move = self._posted_invoice(2.0, 1.0, 0.5)
        form = self._credit_form(move)
        self.assertEqual(len(form.line_ids), 3)
        rows = []
        for index in range(3):
            with form.line_ids.edit(index) as row:
                rows.append(
                    (
                        row.date,
                        row.employee,
                        row.task,
                        row.hours,
                        row.amount,
                        row.selected,
                    )
                )
        self.assertEqual(
            rows,
            [
                (DAY, self.emp.name, False, 2.0, 200.0, False),
                (DAY + timedelta(days=1), self.emp.name, False, 1.0, 100.0, False),
                (DAY + timedelta(days=2), self.emp.name, False, 0.5, 50.0, False),
            ],
        )
        self.assertEqual(form.hours, 0.0)
        with form.line_ids.edit(1) as row:
            row.selected = True
        self.assertEqual((form.hours, form.amount), (1.0, 100.0))
        credit = self.env["account.move"].browse(form.save().action_credit()["res_id"])
        self.assertEqual(
            credit.invoice_line_ids.name,
            f"Credit: 1.00 h of 3.50 h ({move.invoice_line_ids.name})",
        )
        credit.with_user(self.user_billing).action_post()
        self.assertEqual(
            lines.mapped("psa_state"), ["invoiced", "approved", "invoiced"]
        )
        # Opened again: the credited entry is no longer offered.
        again = self._credit_form(move)
        self.assertEqual(len(again.line_ids), 2)


@tagged("post_install", "-at_install")
class TestPreviewOfAHeldProject(PsaRaceCase):
    TAG = "PSA preview race test"

    def test_preview_reports_a_project_another_run_is_invoicing(self):
        self._approved(4.0)
        cr_a, env_a, project_a = self._worker()
        cr_b, env_b, project_b = self._worker()
        with closing(cr_a), closing(cr_b):
            # A is invoicing the project, uncommitted.
            result = env_a["psa.invoicing.engine"]._invoice_projects(
                project_a, date_to=RACE_DAY
            )
            self.assertEqual(len(result["moves"]), 1)
            invoices, skipped = env_b["psa.invoicing.engine"]._preview_invoices(
                project_b, date_to=RACE_DAY
            )
            self.assertIn("another run", skipped[project_b][0])
            self.assertFalse(invoices)
            # The probe holds nothing: B may still lock the project once A ends.
            cr_a.rollback()
            invoices, skipped = env_b["psa.invoicing.engine"]._preview_invoices(
                project_b, date_to=RACE_DAY
            )
            self.assertFalse(skipped)
            [invoice] = invoices
            self.assertEqual((invoice["projects"], invoice["hours"]), (project_b, 4.0))
            cr_b.rollback()
