"""pytest plugin of `make test`: a skipped test is not a pass.

Any skipped test of this addon, and any skipped browser test (HttpCase) of
any suite, fails the session: a missing Chromium or websocket-client would
otherwise turn every browser test into a silent skip.
"""
import pytest

SKIPPED = []


def pytest_runtest_logreport(report):
    if not report.skipped:
        return
    browser = "HttpCase" in report.keywords or "tour" in report.nodeid.lower()
    if "crm_migration" in report.nodeid or browser:
        SKIPPED.append(f"{report.nodeid}: {report.longrepr[-1] if report.longrepr else ''}")


def pytest_configure(config):
    config.addinivalue_line("markers", "HttpCase: an Odoo browser test")


def pytest_collection_modifyitems(items):
    from odoo.tests.common import HttpCase

    for item in items:
        if isinstance(getattr(item, "cls", None), type) and issubclass(item.cls, HttpCase):
            item.add_marker(pytest.mark.HttpCase)


def pytest_sessionfinish(session, exitstatus):
    if SKIPPED:
        print("\n\nSkipped tests count as failures here:\n  " + "\n  ".join(SKIPPED))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
