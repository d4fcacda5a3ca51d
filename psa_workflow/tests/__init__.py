from . import test_demo_data
from . import test_mobile_jsonrpc
from . import test_project_billing_type
from . import test_security
from . import test_tour
