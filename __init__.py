# The Odoo addon: imported by Odoo as odoo.addons.crm_migration. Imported under another name
# (the pure-Python packages mapping, sources and sandbox, without Odoo), it loads nothing.
if __name__.startswith("odoo.addons."):
    from . import models
    from . import wizards
    from . import cli
