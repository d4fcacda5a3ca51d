# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.3.0: the entries of an invoice line follow the accountant's edits.
Links made before record what their entries stood for (standard hours and
value) as what they bill now, and their invoice lines the quantity they were
linked at: no write-down is invented for history."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE psa_invoice_link
           SET standard_hours = COALESCE(hours, 0.0),
               standard_amount = COALESCE(amount, 0.0)
         WHERE standard_amount IS NULL
        """
    )
    cr.execute(
        """
        UPDATE account_move_line aml
           SET psa_linked_quantity = aml.quantity
         WHERE aml.psa_linked_quantity IS NULL
           AND EXISTS (SELECT 1 FROM psa_invoice_link k WHERE k.move_line_id = aml.id)
        """
    )
