# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL

# What a rate's conversions depend on.
RATE_FIELDS = {
    "rate",
    "inverse_company_rate",
    "company_rate",
    "name",
    "currency_id",
    "company_id",
}


class ResCurrencyRate(models.Model):
    """A rate added, changed or removed changes the company-currency value of
    the timesheets of its currency from its date on (and of those in the
    currency of a company whose own rate changed)."""

    _inherit = "res.currency.rate"

    @api.model_create_multi
    def create(self, vals_list):
        rates = super().create(vals_list)
        rates._psa_convert_timesheets()
        return rates

    def write(self, vals):
        if not RATE_FIELDS & set(vals):
            return super().write(vals)
        before = [(rate.currency_id, rate.name) for rate in self]
        result = super().write(vals)
        self._psa_convert_timesheets(before)
        return result

    def unlink(self):
        before = [(rate.currency_id, rate.name) for rate in self]
        result = super().unlink()
        self.browse()._psa_convert_timesheets(before)
        return result

    def _psa_convert_timesheets(self, before=()):
        changed = [*before, *((rate.currency_id, rate.name) for rate in self)]
        if not changed:
            return
        currencies = [currency.id for currency, _day in changed]
        since = min(day for _currency, day in changed)
        self.env.flush_all()
        self.env["account.analytic.line"]._psa_convert_bill_amounts(
            SQL(
                "a.psa_currency_id <> co.currency_id AND a.date >= %s"
                " AND (a.psa_currency_id = ANY(%s) OR co.currency_id = ANY(%s))",
                since,
                currencies,
                currencies,
            )
        )
