from . import crm_migration_setup
from . import crm_migration_map_import
from . import crm_migration_rollback
