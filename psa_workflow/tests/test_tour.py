# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import PsaHttpCommon


@tagged("post_install", "-at_install")
class TestPsaTour(PsaHttpCommon):
    def test_project_manager_opens_the_psa_app(self):
        self.start_tour("/odoo", "psa_workflow_menu_tour", login="psa_approver")
