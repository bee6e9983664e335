"""Source schemas, converters and the field-map engine (pure Python, no Odoo)."""
