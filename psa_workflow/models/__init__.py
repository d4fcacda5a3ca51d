from . import project_project
from . import psa_demo_generator
from . import res_company
