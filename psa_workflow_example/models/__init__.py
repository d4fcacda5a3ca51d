from . import psa_example_retainer
from . import psa_example_state_log
from . import psa_invoice_link
from . import res_partner
from . import project_project
from . import psa_invoicing_engine
from . import psa_rate
from . import account_analytic_line
