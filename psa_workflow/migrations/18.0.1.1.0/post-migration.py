# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: expenses marked for re-billing and not approved yet get the new
billing status "To Re-bill once Approved" (they said "Not Re-billed")."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE hr_expense SET psa_billing_state = 'to_approve'
         WHERE psa_billing_state = 'not_billable' AND psa_rebillable
           AND NOT COALESCE(psa_invoiced, FALSE)
           AND state NOT IN ('approved', 'done', 'refused')
        """
    )
