# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PsaCapacityReportMixin(models.AbstractModel):
    """Reports that join the stored capacity: however they are opened (menu,
    bookmark, another action), the web client's reads extend the capacity to
    today's horizon first. Once a day it costs a refresh; otherwise one query."""

    _name = "psa.capacity.report.mixin"
    _description = "PSA report over the stored capacity"

    @api.model
    def _psa_ensure_capacity(self):
        # Capacity is derived data of every employee, rebuilt by whoever reads
        # a capacity report first in the day: not limited by their rights.
        self.env["psa.employee.capacity"].sudo()._ensure_fresh()

    @api.model
    def read_group(  # noqa: PLR0917 - Odoo's signature
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        self._psa_ensure_capacity()
        return super().read_group(
            domain,
            fields,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )

    @api.model
    def web_search_read(  # noqa: PLR0917 - Odoo's signature
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        self._psa_ensure_capacity()
        return super().web_search_read(
            domain,
            specification,
            offset=offset,
            limit=limit,
            order=order,
            count_limit=count_limit,
        )
