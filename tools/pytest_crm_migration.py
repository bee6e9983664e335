"""pytest plugin of `make test` (with pytest-odoo).

* Names this checkout's modules ``odoo.addons.crm_migration.*`` whatever the
  folder of the clone is called (Odoo loads it through a symlink named
  ``crm_migration``; pytest resolves symlinks to the real folder).
* A skipped test is not a pass: any skipped test of this addon, and any
  skipped browser test (HttpCase) of any suite, fails the session. A missing
  Chromium or websocket-client would otherwise skip every browser test silently.
"""
from pathlib import Path

import _pytest.pathlib
import pytest

ADDON = "crm_migration"
ROOT = Path(__file__).resolve().parent.parent
SKIPPED = []


def _addon_module_names(resolve):
    def resolve_pkg_root_and_module_name(path, *, consider_namespace_packages=False):
        pkg_root, name = resolve(path, consider_namespace_packages=consider_namespace_packages)
        try:
            relative = Path(path).resolve().relative_to(ROOT)
        except ValueError:
            return pkg_root, name
        parts = list(relative.with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        return pkg_root, ".".join(["odoo", "addons", ADDON, *parts])
    return resolve_pkg_root_and_module_name


def pytest_configure(config):
    config.addinivalue_line("markers", "HttpCase: an Odoo browser test")
    _pytest.pathlib.resolve_pkg_root_and_module_name = _addon_module_names(
        _pytest.pathlib.resolve_pkg_root_and_module_name)


def pytest_collection_modifyitems(items):
    from odoo.tests.common import HttpCase

    for item in items:
        if isinstance(getattr(item, "cls", None), type) and issubclass(item.cls, HttpCase):
            item.add_marker(pytest.mark.HttpCase)


def pytest_runtest_logreport(report):
    if not report.skipped:
        return
    browser = "HttpCase" in report.keywords
    if ADDON in report.nodeid or str(ROOT) in report.nodeid or browser:
        SKIPPED.append(f"{report.nodeid}: {report.longrepr[-1] if report.longrepr else ''}")


def pytest_sessionfinish(session, exitstatus):
    if SKIPPED:
        print("\n\nSkipped tests count as failures here:\n  " + "\n  ".join(SKIPPED))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
