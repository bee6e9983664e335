"""Bloomr: a CRM without public API docs, read through its API or its CSV export."""
