"""Wizards of the migration (the step-by-step assistant lives here)."""
