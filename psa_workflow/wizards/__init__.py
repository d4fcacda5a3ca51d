from . import psa_allocation_staff
from . import psa_allocation_staff_line
