from . import psa_allocation_staff
from . import psa_allocation_staff_line
from . import psa_timesheet_reject
from . import psa_invoice_create
from . import psa_invoice_create_line
from . import psa_invoice_credit
from . import psa_invoice_credit_line
from . import psa_report_print
