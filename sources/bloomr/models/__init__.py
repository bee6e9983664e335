from . import crm_migration_loader_history
