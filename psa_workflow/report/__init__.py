from . import psa_workload_report
from . import psa_forecast_report
