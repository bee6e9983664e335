"""The pytest plugin of ``make test``: a skipped pure test fails the session."""
import subprocess
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[1]


def run_pytest(folder, source):
    (folder / "test_case.py").write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:odoo", "-p", "pytest_crm_migration",
         "-p", "no:cacheprovider", "-q", str(folder)],
        capture_output=True, text=True, check=False, cwd=folder,
        env={"PYTHONPATH": str(TOOLS), "PATH": "/usr/bin:/bin"})


def test_a_skipped_pure_test_fails_the_session(tmp_path):
    result = run_pytest(tmp_path, "import pytest\n\ndef test_it():\n    pytest.skip('no server')\n")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Skipped tests count as failures" in result.stdout
    assert "no server" in result.stdout


def test_a_session_without_skips_passes(tmp_path):
    result = run_pytest(tmp_path, "def test_it():\n    assert True\n")
    assert result.returncode == 0, result.stdout + result.stderr
