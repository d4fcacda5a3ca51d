# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form, tagged

from .common import PsaCommon


@tagged("post_install", "-at_install")
class TestProjectBillingType(PsaCommon):
    def test_new_project_defaults_to_time_and_materials(self):
        project = self.env["project.project"].create({"name": "Default"})
        self.assertEqual(project.psa_billing_type, "time_material")
        self.assertTrue(project.psa_is_billable)

    def test_billable_follows_the_billing_model(self):
        self.assertTrue(self.project_fixed.psa_is_billable)
        self.assertFalse(self.project_internal.psa_is_billable)
        self.project_fixed.psa_billing_type = "non_billable"
        self.assertFalse(self.project_fixed.psa_is_billable)
        billable = self.env["project.project"].search(
            [("psa_is_billable", "=", True), ("id", "in", self.project_tm.ids)]
        )
        self.assertEqual(billable, self.project_tm)

    def test_milestone_billing_switches_milestones_on(self):
        with Form(self.env["project.project"]) as form:
            form.name = "Milestone project"
            form.psa_billing_type = "milestone"
        self.assertTrue(form.record.allow_milestones)

    def test_internal_project_of_a_new_company_is_not_billable(self):
        company = self.env["res.company"].create({"name": "PSA New Co"})
        self.assertTrue(company.internal_project_id)
        self.assertEqual(company.internal_project_id.psa_billing_type, "non_billable")

    def test_existing_internal_projects_made_non_billable_at_install(self):
        internal = self.company.internal_project_id
        internal.psa_billing_type = "time_material"
        self.env["res.company"]._psa_mark_internal_projects_non_billable()
        self.assertEqual(internal.psa_billing_type, "non_billable")
