# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Money and hours arithmetic shared by pricing, planning and invoicing: a
total split to the cent, and currency conversion with one rate lookup per
currency pair, company and day."""

from odoo.tools import float_round


def split_by_weights(total, weights, rounding):
    """``total`` split in proportion to ``weights``, each share rounded to
    ``rounding`` (0.01: cents, or hundredths of an hour) and the remainder on
    the last share, so that the shares add up to ``total`` exactly."""
    whole = sum(weights) or 1.0
    shares = [
        float_round(total * weight / whole, precision_rounding=rounding)
        for weight in weights
    ]
    if shares:
        shares[-1] = float_round(total - sum(shares[:-1]), precision_rounding=rounding)
    return shares


class CurrencyConverter:
    """Currency conversion with one rate lookup per (from, to, company, day):
    pricing and planning convert thousands of amounts at a few rates."""

    def __init__(self):
        self.factors = {}

    def factor(self, from_currency, to_currency, company, day):
        """The rate from ``from_currency`` to ``to_currency`` (1.0 when the
        same or when either is empty)."""
        if not from_currency or not to_currency or from_currency == to_currency:
            return 1.0
        key = (from_currency.id, to_currency.id, company.id, day)
        if key not in self.factors:
            self.factors[key] = from_currency._get_conversion_rate(
                from_currency, to_currency, company, day
            )
        return self.factors[key]

    def convert(self, amount, from_currency, to_currency, company, day):
        """``amount`` in ``to_currency``, rounded to its precision."""
        if not amount or not from_currency or from_currency == to_currency:
            return amount
        return to_currency.round(
            amount * self.factor(from_currency, to_currency, company, day)
        )
