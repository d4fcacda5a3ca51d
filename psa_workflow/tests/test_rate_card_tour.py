# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import PsaHttpCommon


class RateCardTourMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.card_customer = cls.project_tm.partner_id.commercial_partner_id
        cls.env["psa.rate"].create(
            [
                {"partner_id": cls.card_customer.id, "amount": 140.0},
                {"project_id": cls.project_tm.id, "amount": 99.0},
            ]
        )


@tagged("post_install", "-at_install")
class TestRateCardTour(RateCardTourMixin, PsaHttpCommon):
    browser_size = "1440x900"

    def test_admin_opens_a_customers_rate_card(self):
        self.start_tour(
            f"/odoo/res.partner/{self.card_customer.id}",
            "psa_workflow_rate_card_tour",
            login="psa_admin",
        )


@tagged("post_install", "-at_install")
class TestRateCardPhoneTour(RateCardTourMixin, PsaHttpCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_admin_reads_rates_as_cards_on_a_phone(self):
        self.start_tour(
            "/odoo/action-psa_workflow.psa_rate_action",
            "psa_workflow_rate_card_phone_tour",
            login="psa_admin",
        )
