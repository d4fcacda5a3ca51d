from . import psa_capacity_report_mixin
from . import psa_workload_report
from . import psa_forecast_report
from . import psa_report_sources
from . import psa_ratio_report_mixin
from . import psa_utilization_report
from . import psa_profitability_report
from . import psa_revenue_report
