from . import crm_migration_source
from . import crm_migration_source_retention
from . import crm_migration_source_probe
from . import crm_migration_source_export
from . import crm_migration_source_collection
from . import crm_migration_source_workflows
from . import crm_migration_record
from . import crm_migration_identity
from . import crm_migration_journal
from . import crm_migration_issue
from . import crm_migration_user_match
from . import crm_migration_map
from . import crm_migration_map_lead_rule
from . import crm_migration_profile
from . import crm_migration_run
from . import crm_migration_run_phase
from . import crm_migration_loader
from . import crm_migration_field_files
from . import crm_migration_loader_users
from . import crm_stage
from . import crm_migration_automation
from . import crm_lead
from . import crm_migration_spot_check
from . import crm_migration_provenance
from ..sources import SOURCES

SOURCES.load_odoo_parts()
