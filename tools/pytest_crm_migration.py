"""pytest plugin of `make test`.

* Names this checkout's modules after the checkout's root: ``sandbox.tests.x``
  for the sandbox's suite, ``crm_migration.mapping.tests.x`` and
  ``crm_migration.sources.<source>.tests.x`` for the engine's and the sources'
  pure suites (the checkout is the package ``crm_migration``, whose
  ``__init__.py`` imports nothing outside Odoo), ``odoo.addons.crm_migration.tests.x``
  under pytest-odoo, whatever the folder of the clone is called (Odoo loads it
  through a symlink named ``crm_migration``, and pytest resolves symlinks).
* A skipped test is not a pass: any skipped test of the pure suites or of this
  addon, and any skipped browser test (HttpCase) of any suite, fails the session. A missing
  Chromium or websocket-client would otherwise skip every browser test silently.
* Chromium gets 60 s, not Odoo's 10 s, to start before a browser test is skipped.
"""
import sys
from pathlib import Path

import _pytest.pathlib
import pytest

import checkout_package

ADDON = "crm_migration"
ROOT = Path(__file__).resolve().parent.parent
SKIPPED = []
PURE = []  # set when the session runs the pure suites: every test there is this project's
#: Top-level folders of the pure packages that import each other (as ``crm_migration.*``).
PACKAGES = ("mapping", "sources")


def _checkout_module_names(resolve, prefix):
    def resolve_pkg_root_and_module_name(path, *, consider_namespace_packages=False):
        try:
            relative = Path(path).resolve().relative_to(ROOT)
        except ValueError:
            return resolve(path, consider_namespace_packages=consider_namespace_packages)
        parts = list(relative.with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        if not prefix and parts and parts[0] in PACKAGES:
            return ROOT.parent, ".".join([ADDON, *parts])
        if not prefix:
            return ROOT, ".".join(parts)
        # The checkout's own folder name may not be a Python name (e.g. "wt-sales"), which
        # pytest's resolver refuses: the addon's root is then the folder above it.
        return ROOT.parent, ".".join([*prefix, *parts])
    return resolve_pkg_root_and_module_name


def _with_odoo(config):
    return bool(config.pluginmanager.hasplugin("odoo") and config.getoption("--odoo-database"))


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Name modules before the first conftest is imported."""
    odoo = early_config.pluginmanager.hasplugin("odoo") and any(
        arg.startswith("--odoo-database") for arg in args)
    prefix = ["odoo", "addons", ADDON] if odoo else []
    if not odoo:
        PURE.append(True)
        checkout_package.register()
    _pytest.pathlib.resolve_pkg_root_and_module_name = _checkout_module_names(
        _pytest.pathlib.resolve_pkg_root_and_module_name, prefix)


def pytest_configure(config):
    config.addinivalue_line("markers", "HttpCase: an Odoo browser test")


def pytest_collection_modifyitems(config, items):
    if not _with_odoo(config):
        return
    from odoo.tests import common
    from odoo.tests.common import HttpCase

    # Odoo gives Chromium 10 s to open its DevTools port and skips the test past
    # that; a cold start on a loaded 2-core machine has taken longer. Wait 60 s.
    common.CHECK_BROWSER_ITERATIONS = int(60 / common.CHECK_BROWSER_SLEEP)

    for item in items:
        if isinstance(getattr(item, "cls", None), type) and issubclass(item.cls, HttpCase):
            item.add_marker(pytest.mark.HttpCase)


def pytest_runtest_logreport(report):
    if not report.skipped:
        return
    browser = "HttpCase" in report.keywords
    if PURE or ADDON in report.nodeid or str(ROOT) in report.nodeid or browser:
        SKIPPED.append(f"{report.nodeid}: {report.longrepr[-1] if report.longrepr else ''}")


def pytest_sessionfinish(session, exitstatus):
    if SKIPPED:
        text = "\n\nSkipped tests count as failures here:\n  " + "\n  ".join(SKIPPED)
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(text)
        else:  # -p no:terminal
            sys.stdout.write(text + "\n")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
