from . import crm_migration_loader_activities
from . import crm_migration_loader_sales
from . import crm_migration_map_activities
