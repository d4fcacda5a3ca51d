# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PsaRatioReportMixin(models.AbstractModel):
    """Reporting models whose percentages are ratios of sums: in every group
    of ``read_group`` (pivot, graph, list groups) they are recomputed from the
    summed measures instead of summing or averaging percentages."""

    _name = "psa.ratio.report.mixin"
    _inherit = ["psa.sql.report.mixin"]
    _description = "PSA report with ratio measures"

    # {ratio field: (numerator field, denominator field[, percent])}: a
    # percentage unless ``percent`` is False (an average: days to pay).
    _psa_ratios = {}

    @api.model
    def read_group(  # noqa: PLR0917 - Odoo's signature
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        ratios = {
            name: parts
            for name, parts in self._psa_ratios.items()
            if any(spec.split(":")[0] == name for spec in fields)
        }
        extra = [
            f"{part}:sum"
            for parts in ratios.values()
            for part in parts[:2]
            if part not in fields and f"{part}:sum" not in fields
        ]
        rows = super().read_group(
            domain,
            [spec for spec in fields if spec.split(":")[0] not in ratios] + extra,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        sources = self.env["psa.report.sources"]
        for row in rows:
            for name, (numerator, denominator, *percent) in ratios.items():
                row[name] = sources._ratio(
                    row.get(numerator) or 0.0,
                    row.get(denominator) or 0.0,
                    percent=percent[0] if percent else True,
                )
        return rows
