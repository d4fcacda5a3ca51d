# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import models


class ProjectProject(models.Model):
    """Archiving a project does not take its approved work out of invoicing:
    *Create Invoices*, the scheduled run and Work in Progress read archived
    projects too, until that work is invoiced or written off."""

    _inherit = "project.project"

    def action_archive(self):
        result = super().action_archive()
        waiting = self._psa_entries_waiting()
        if not waiting:
            return result
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Approved work is still to invoice"),
                "message": self.env._(
                    "%(projects)s: %(count)s approved entries are not invoiced yet. "
                    "They stay in Create Invoices, the scheduled invoicing and Work "
                    "in Progress until they are invoiced or written off.",
                    projects=", ".join(project.display_name for project in waiting),
                    count=sum(waiting.values()),
                ),
                "type": "warning",
                "sticky": True,
            },
        }

    def _psa_entries_waiting(self):
        """``{project: number of entries billable now}`` of these projects
        (read on the user's behalf: a count, no figure)."""
        engine = self.env["psa.invoicing.engine"]
        kinds = engine._psa_billable_kinds()
        counts = dict.fromkeys(self, 0)
        for kind, records in engine._select_entries(self.sudo(), date.max).items():
            for record_project, entries in records.grouped(
                kinds[kind].project_field
            ).items():
                project = self.browse(record_project.id)
                if project in counts:
                    counts[project] += len(entries)
        return {project: count for project, count in counts.items() if count}
