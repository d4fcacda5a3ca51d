from . import psa_capacity_report_mixin
from . import psa_workload_report
from . import psa_forecast_report
