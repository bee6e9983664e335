from . import test_install
from . import test_ploomes_slice
from . import test_ploomes_deals
from . import test_bad_input
from . import test_rollback_resume
from . import test_cli
from . import test_field_map
from . import test_ploomes_sales
