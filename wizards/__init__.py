from . import crm_migration_setup
