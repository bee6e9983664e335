"""The headless command, run as ops do: a real odoo-bin process on a committed database.

It runs against the CRM-only database that ``make test`` prepares
(``CRM_MIGRATION_CLI_DB``), since its runs commit batch by batch.
"""
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase
from odoo.tests.common import get_db_name

from ..sandbox.ploomes import PloomesSandbox
from .common import SALES_KEYS

ODOO_BIN = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"


class CliCase(BaseCase):
    """Runs ``odoo-bin crm_migration`` as a subprocess on the database named by the
    environment variable ``database_variable`` (the CRM-only one by default)."""

    database_variable = "CRM_MIGRATION_CLI_DB"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.database = os.environ.get(cls.database_variable)
        if not cls.database:
            raise RuntimeError(f"{cls.database_variable} must name a database with crm_migration "
                               "installed (make test prepares it).")
        cls.config = odoo.tools.config.rcfile
        cls.addons = odoo.tools.config["addons_path"]

    def cli(self, sandbox, *args, key=None, wait=True):
        command = [
            sys.executable, str(ODOO_BIN), f"--addons-path={self.addons}", "crm_migration", "run",
            "-c", self.config, "-d", self.database, "--source", "ploomes",
            "--url", sandbox.base_url, "--key", key or sandbox.key, *args,
        ]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if not wait:
            return process
        out, err = process.communicate(timeout=600)
        return process.returncode, out, err

    def query(self, sql, params=()):
        with psycopg2.connect(dbname=self.database) as conn, conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()


class TestCli(CliCase):
    """``odoo-bin crm_migration run`` exit codes, output, and a killed run resumed."""

    def cli_map(self, action, url, path, *args):
        command = [
            sys.executable, str(ODOO_BIN), f"--addons-path={self.addons}", "crm_migration", "map",
            action, "-c", self.config, "-d", self.database, "--source", "ploomes", "--url", url,
            "--file", path, *args,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        return done.returncode, done.stdout, done.stderr

    def created_partners(self, sandbox):
        """Contacts created (ever) by runs of the sandbox's source, and distinct ones (not the
        partners made for unknown e-mail addresses)."""
        return self.query("""
            SELECT count(*), count(DISTINCT j.res_id) FROM crm_migration_journal j
            JOIN crm_migration_run r ON r.id = j.run_id
            JOIN crm_migration_source s ON s.id = r.source_id
            WHERE s.url = %s AND j.res_model = 'res.partner' AND j.operation = 'create'
              AND j.phase IN ('companies', 'people')
        """, (sandbox.base_url,))[0]

    def test_bad_key_exits_non_zero_with_a_clear_message(self):
        with PloomesSandbox(seed=31, scale=30, rate_limit=0) as sandbox:
            code, _out, err = self.cli(sandbox, "--accept-proposed-map", key="wrong-key")
        self.assertEqual(code, 1)
        self.assertIn("User-Key", err)

    def test_unreachable_source_exits_non_zero(self):
        with PloomesSandbox(seed=32, scale=30, rate_limit=0) as sandbox:
            pass  # stopped: nothing listens on its port any more
        code, _out, err = self.cli(sandbox, "--accept-proposed-map", "--retries", "1", "--backoff", "0.1")
        self.assertEqual(code, 1)
        self.assertIn("could not be reached", err)

    def test_unconfirmed_map_stops_before_any_record_moves(self):
        with PloomesSandbox(seed=33, scale=30, rate_limit=0) as sandbox:
            code, _out, err = self.cli(sandbox)
            self.assertEqual(code, 2)
            self.assertIn("not confirmed", err)
            self.assertEqual(self.created_partners(sandbox)[0], 0)
            code, out, err = self.cli(sandbox, "--accept-proposed-map", "--sample", "5")
            self.assertEqual(code, 0, err)
            self.assertIn("Sample reconciliation", out)
            self.assertEqual(self.created_partners(sandbox)[0], 10)  # 5 companies, 5 people

    def test_full_run_prints_the_reconciliation(self):
        with PloomesSandbox(seed=34, scale=60, rate_limit=0) as sandbox:
            code, out, err = self.cli(sandbox, "--accept-proposed-map", "--fallback-user", "admin")
            count = sandbox.dataset.count("Contacts")
        self.assertEqual(code, 0, err)
        self.assertIn("Reconciliation of", out)
        for label in ("Companies", "People", "Source", "Created", "Verified"):
            self.assertIn(label, out)
        # A CRM-only database: the sales objects are skipped with a notice, not failed.
        for notice in ("Skipped: product not installed.", "Skipped: sale not installed.",
                       "Skipped: account not installed."):
            self.assertIn(notice, out)
        self.assertEqual(self.created_partners(sandbox), (count, count))
        phases = self.query("""
            SELECT p.key, p.kind, p.state, p.notice, coalesce(p.created, 0)
            FROM crm_migration_run_phase p
            JOIN crm_migration_run r ON r.id = p.run_id JOIN crm_migration_source s
            ON s.id = r.source_id WHERE s.url = %s""", (sandbox.base_url,))
        extracted = {key for key, kind, *_rest in phases if kind == "extract"}
        self.assertFalse({"Products", "Quotes", "Orders", "Quotes@Products"} & extracted)
        self.assertIn("Deals", extracted)
        sales = [phase for phase in phases if phase[0] in SALES_KEYS and phase[1] != "extract"]
        self.assertEqual({(key, kind) for key, kind, *_rest in sales},
                         {(key, kind) for key in SALES_KEYS for kind in ("validate", "load")})
        for key, kind, state, notice, created in sales:
            self.assertEqual((state, created), ("skipped", 0), (key, kind))
            self.assertIn("not installed", notice)
        self.assertIn(("deals", "load", "done"), {phase[:3] for phase in phases})

        [(name, issues)] = self.query("""
            SELECT r.name, (SELECT count(*) FROM crm_migration_issue i
                            WHERE i.run_id = r.id AND NOT coalesce(i.superseded, false))
            FROM crm_migration_run r JOIN crm_migration_source s ON s.id = r.source_id
            WHERE s.url = %s""", (sandbox.base_url,))
        with tempfile.TemporaryDirectory() as folder:
            for report_format in ("csv", "html"):
                out = Path(folder) / f"report.{report_format}"
                done = subprocess.run(
                    [sys.executable, str(ODOO_BIN), f"--addons-path={self.addons}", "crm_migration",
                     "report", "-c", self.config, "-d", self.database, "--run", name,
                     "--format", report_format, "--out", str(out)],
                    capture_output=True, text=True, timeout=300)
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertIn(str(out), done.stdout)
                if report_format == "csv":
                    with out.open(newline="") as lines:
                        self.assertEqual(len(list(csv.reader(lines))), issues + 1)
                else:
                    self.assertIn(name, out.read_text())

    def test_killed_run_resumes_without_duplicates(self):
        with PloomesSandbox(seed=35, scale=400, rate_limit=0) as sandbox:
            count = sandbox.dataset.count("Contacts")
            process = self.cli(sandbox, "--accept-proposed-map", "--batch-size", "10", wait=False)
            deadline = time.monotonic() + 300
            while self.created_partners(sandbox)[0] < 60:
                self.assertIsNone(process.poll(), "the run ended before it could be killed")
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.05)
            process.send_signal(signal.SIGKILL)
            process.wait()
            created, _distinct = self.created_partners(sandbox)
            self.assertLess(created, count)
            code, out, err = self.cli(sandbox, "--accept-proposed-map")
        self.assertEqual(code, 0, err)
        self.assertIn("Resuming", out)
        self.assertEqual(self.created_partners(sandbox), (count, count))
        bound = self.query("""
            SELECT count(*) FROM crm_migration_identity i
            JOIN crm_migration_source s ON s.id = i.source_id
            JOIN res_partner p ON p.id = i.res_id
            WHERE s.url = %s AND i.entity = 'Contacts'
        """, (sandbox.base_url,))[0][0]
        self.assertEqual(bound, count)

    def cli_rollback(self, run, *args):
        command = [sys.executable, str(ODOO_BIN), f"--addons-path={self.addons}", "crm_migration",
                   "rollback", "-c", self.config, "-d", self.database, "--run", run, *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        return done.returncode, done.stdout, done.stderr

    def test_rollback_runs_as_a_named_user_never_as_the_superuser(self):
        with PloomesSandbox(seed=37, scale=20, rate_limit=0) as sandbox:
            code, _out, err = self.cli(sandbox, "--accept-proposed-map", "--sample", "3")
            self.assertEqual(code, 0, err)
            self.assertEqual(self.created_partners(sandbox)[0], 6)
            [(run,)] = self.query("""
                SELECT r.name FROM crm_migration_run r JOIN crm_migration_source s
                ON s.id = r.source_id WHERE s.url = %s""", (sandbox.base_url,))
            code, _out, err = self.cli_rollback(run, "--as-user", "no-such-login")
            self.assertEqual(code, 2)
            self.assertIn("No Odoo user has the login 'no-such-login'", err)
            code, out, err = self.cli_rollback(run)
            self.assertEqual(code, 0, err)
            self.assertIn(f"Rollback of {run}", out)
            [(state, login)] = self.query("""
                SELECT r.state, u.login FROM crm_migration_run r
                JOIN res_users u ON u.id = r.rollback_user_id WHERE r.name = %s""", (run,))
            self.assertEqual((state, login), ("rolled_back", "admin"))
            alive = self.query("""
                SELECT count(*) FROM crm_migration_journal j JOIN crm_migration_run r
                ON r.id = j.run_id JOIN res_partner p ON p.id = j.res_id
                WHERE r.name = %s AND j.res_model = 'res.partner' AND j.operation = 'create'
            """, (run,))[0][0]
            self.assertEqual(alive, 0)

    def test_map_confirmed_on_one_database_is_reused_on_another(self):
        path = os.path.join(odoo.tools.config["data_dir"], f"map-{os.getpid()}.json")
        self.addCleanup(lambda: os.path.exists(path) and os.remove(path))
        with PloomesSandbox(seed=36, scale=40, rate_limit=0) as staging:
            code, _out, err = self.cli(staging, "--accept-proposed-map", "--sample", "3")
            self.assertEqual(code, 0, err)
            code, out, err = self.cli_map("export", staging.base_url, path)
            self.assertEqual(code, 0, err)
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        self.assertTrue(any(line["source"].startswith("OtherProperties/") for line in data["lines"]))
        # another database (this suite's): the import is the same map, line for line
        with Registry(get_db_name()).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            source = env["crm.migration.source"].create(
                {"name": "Production", "url": "http://127.0.0.1:7", "api_key": "k"})
            imported = env["crm.migration.map"]._import_data(source, data)
            self.assertEqual(imported._export_data()["lines"], data["lines"])
            cr.rollback()
        # and a production source that starts from the confirmed import needs no review
        with PloomesSandbox(seed=36, scale=40, rate_limit=0) as production:
            code, out, err = self.cli_map("import", production.base_url, path,
                                          "--key", production.key, "--confirm")
            self.assertEqual(code, 0, err)
            self.assertIn("confirmed", out)
            code, out, err = self.cli(production, "--sample", "3")
        self.assertEqual(code, 0, err)
        self.assertIn("Sample reconciliation", out)

    def test_map_import_of_a_bad_file_is_refused(self):
        path = os.path.join(odoo.tools.config["data_dir"], f"bad-{os.getpid()}.json")
        self.addCleanup(lambda: os.path.exists(path) and os.remove(path))
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("{not json")
        code, _out, err = self.cli_map("import", "http://127.0.0.1:6", path, "--key", "k")
        self.assertEqual(code, 2)
        self.assertIn("Cannot import", err)
