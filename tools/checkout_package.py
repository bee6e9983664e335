"""The checkout as the Python package ``crm_migration``, without Odoo.

The pure-Python packages (``mapping``, ``sources``) import each other relatively, as
parts of the addon; the pure test suites and the benchmarks import them as
``crm_migration.mapping`` and ``crm_migration.sources`` through this alias, whatever
the checkout's folder is called (the root ``__init__.py`` imports nothing outside Odoo).
"""
import importlib.util
import sys
from pathlib import Path

NAME = "crm_migration"
ROOT = Path(__file__).resolve().parent.parent


def register():
    """Make ``import crm_migration.<package>`` work from this checkout; return the package."""
    if NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            NAME, ROOT / "__init__.py", submodule_search_locations=[str(ROOT)])
        module = importlib.util.module_from_spec(spec)
        sys.modules[NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[NAME]
