{
    "name": "CRM Migration (Ploomes, Bloomr)",
    "summary": "Move a CRM out of Ploomes or Bloomr into Odoo: field map, "
               "validation, reconciliation, delta sync and rollback",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "crm_migration contributors",
    "license": "LGPL-3",
    "depends": ["crm", "contacts", "mail", "calendar"],
    "external_dependencies": {"python": ["requests", "python-stdnum", "phonenumbers"]},
    "data": [
        "security/crm_migration_security.xml",
        "security/ir.model.access.csv",
        "security/crm_migration_rules.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "views/crm_migration_log_views.xml",
        "views/crm_migration_map_views.xml",
        "sources/ploomes/views/crm_migration_map_views.xml",
        "views/crm_migration_run_views.xml",
        "views/crm_migration_source_views.xml",
        "views/crm_stage_views.xml",
        "views/crm_migration_automation_views.xml",
        "wizards/crm_migration_setup_views.xml",
        "wizards/crm_migration_map_import_views.xml",
        "views/crm_migration_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "crm_migration/static/src/js/run_autorefresh.js",
            "crm_migration/static/src/xml/run_autorefresh.xml",
        ],
        "web.assets_tests": [
            "crm_migration/static/tests/tours/crm_migration_tour.js",
        ],
    },
    "installable": True,
    "application": False,
}
