# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PsaQueueJobGlue(models.AbstractModel):
    """Optional glue with OCA's ``queue_job`` (not a dependency). Without it,
    scheduled work runs in Odoo's cron workers, in batches reported with the
    cron progress API. Where it is installed, the scheduled invoicing and the
    nightly capacity rebuild enqueue jobs instead, which queue_job's runner
    spreads over the workers of every Odoo node."""

    _name = "psa.queue.job.glue"
    _description = "PSA: optional queue_job glue"

    @api.model
    def _available(self):
        return "queue.job" in self.env

    @api.model
    def _delay(self, records, **options):
        """``records.with_delay(**options)`` (queue_job's API)."""
        return records.with_delay(**options)
