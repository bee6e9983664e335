"""Local stand-ins for the CRM APIs that crm_migration reads (no Odoo import)."""
