from . import crm_migration_loader_history
from . import crm_migration_loader_activities
