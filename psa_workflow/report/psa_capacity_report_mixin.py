# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PsaCapacityReportMixin(models.AbstractModel):
    """Reports that join the stored capacity. Their reads never write: the
    capacity is extended to today's horizon by the nightly job and by the
    actions that open these reports (write transactions), so that Odoo may
    serve the reads (pivot, graph, list, PDF) from a read replica."""

    _name = "psa.capacity.report.mixin"
    _description = "PSA report over the stored capacity"

    @api.model
    def _psa_ensure_capacity(self):
        # Capacity is derived data of every employee, extended by whoever
        # opens a capacity report first in the day: not limited by their rights.
        self.env["psa.employee.capacity"].sudo()._ensure_fresh()
