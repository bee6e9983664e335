"""The reliability claims end to end, on real ``odoo-bin crm_migration`` processes.

* A run killed (SIGKILL) during extraction, validation, each kind of load phase
  (partners, deals, tasks, interactions, e-mails, attachments) and the fix-ups, then
  run again, ends with the reconciliation of an uninterrupted run of the same
  sandbox: no duplicate, nothing missing. A rollback killed half-way, run again,
  removes the same as an uninterrupted one.
* A whole migration through a sandbox serving 5xx, 429 (with and without
  Retry-After), malformed JSON, answers slower than the client's timeout, dropped
  connections and shifting pages ends with the fault-free reconciliation.
* After every scenario, every staged record a phase took says what happened to it
  (loaded, skipped, held, failed, deleted), with a reason when it was not loaded.

Runs on the CRM-only database named by ``CRM_MIGRATION_CLI_DB`` (see test_cli.py): its
runs commit batch by batch. Each migration uses its own sandbox (so its own source);
every one is rolled back at the end, so the next starts from the same Odoo data.
"""
import signal
import subprocess
import sys
import time

import psycopg2

from ..sandbox.ploomes import PloomesSandbox
from ..sources.ploomes import SPEC
from .test_cli import ODOO_BIN, CliCase

SEED, SCALE, BATCH = 62, 60, 5
NAME = "Crash matrix"
FAULTS = "500=0.1,429=0.05:1,429noretry=0.05,malformed=0.02,slow=0.03:3,drop=0.02,shift=0.05"
COUNTERS = ("total", "created", "linked", "updated", "unchanged", "skipped", "failed", "verified")
OUTCOMES = ("created", "linked", "updated", "unchanged", "skipped", "failed")
FINAL_STATES = ("loaded", "skipped", "held", "failed", "deleted")
#: Sandbox entities whose every record must end bound to an Odoo record or say why not.
MIGRATED = ("Contacts", "Deals", "Tasks", "InteractionRecords", "Emails", "Attachments")
#: Models a run creates that have a natural key, and its columns.
NATURAL_KEYS = {
    "res.partner": ("x_ploomes_id",), "crm.lead": ("x_ploomes_id",),
    "res.partner.category": ("name",), "crm.tag": ("name",), "crm.team": ("name",),
    "crm.stage": ("name", "team_id"), "crm.lost.reason": ("name",), "utm.source": ("name",),
    "res.partner.industry": ("name",),
}
#: Journal phases whose creations are not records of the source (the map's provisioning,
#: lookups made by converters) and creations that are side effects (contacts made for
#: e-mail addresses unknown to Odoo).
UNBOUND_CREATIONS = "j.phase NOT IN ('provision', 'lookup') AND NOT (j.phase = 'emails' " \
                    "AND j.res_model = 'res.partner')"
POLL = 0.02


def done(phases, kind, key):
    """Records processed by a phase so far (0 when it has not started)."""
    return (phases.get((kind, key)) or {}).get("done") or 0


def table(model):
    return model.replace(".", "_")


class CrashCase(CliCase):
    """Migrations of one sandbox seed, killed, faulted and compared with a reference run."""

    ended = None  # (stdout, stderr) of the last process that ended before its kill

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.roll_back_leftovers()
        cls.addClassCleanup(cls.roll_back_leftovers)
        with cls.sandbox() as sandbox:
            code, out, err = cls.wait(cls.migrate(sandbox))
            assert code == 0, f"the reference run failed:\n{out[-3000:]}\n{err[-3000:]}"
            cls.reference = cls.outcome(sandbox)
            run = cls.latest_run(sandbox.base_url)
            code, out, err = cls.wait(cls.command("rollback", "--run", run[1]))
            assert code == 0, f"the reference rollback failed:\n{out[-3000:]}\n{err[-3000:]}"
            cls.reference_rollback = cls.phases(run[0], "rollback")
            cls.reference_run = (sandbox.base_url, run[0])

    def setUp(self):
        super().setUp()
        self.addCleanup(self.roll_back_leftovers)

    # -- processes -------------------------------------------------------------------

    @classmethod
    def sandbox(cls, **options):
        return PloomesSandbox(seed=SEED, scale=SCALE, rate_limit=0, **options)

    @classmethod
    def command(cls, sub, *args):
        return subprocess.Popen([
            sys.executable, str(ODOO_BIN), f"--addons-path={cls.addons}", "crm_migration", sub,
            "-c", cls.config, "-d", cls.database, *args,
        ], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    @classmethod
    def migrate(cls, sandbox, *args, key=None):
        """``crm_migration run`` of ``sandbox`` into its own source, started."""
        return cls.command(
            "run", "--source", "ploomes", "--url", sandbox.base_url, "--key", key or sandbox.key,
            "--name", f"{NAME} {sandbox.base_url}", "--accept-proposed-map",
            "--batch-size", str(BATCH), *args)

    @classmethod
    def wait(cls, process):
        out, err = process.communicate(timeout=600)
        return process.returncode, out, err

    def kill_when(self, process, url, reached, label, settle=0.0):
        """SIGKILL ``process`` once ``reached(job, phases)`` holds for the run of ``url``
        (what its committed batches show); False when the process ended first (its output
        is then in ``self.ended``)."""
        deadline = time.monotonic() + 300
        while process.poll() is None:
            self.assertLess(time.monotonic(), deadline, f"{label}: never reached")
            run = self.latest_run(url)
            if run and reached(run[2], self.phases(run[0])):
                time.sleep(settle)
                if process.poll() is not None:
                    break
                process.send_signal(signal.SIGKILL)
                process.communicate()
                return True
            time.sleep(POLL)
        self.ended = process.communicate()
        return False

    # -- database --------------------------------------------------------------------

    @classmethod
    def query(cls, sql, params=()):
        with psycopg2.connect(dbname=cls.database) as conn, conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall() if cr.description else None

    @classmethod
    def writing(cls, process):
        """Whether ``process`` has a transaction open that has written something."""
        return bool(cls.query("""
            SELECT 1 FROM pg_stat_activity WHERE application_name = %s AND datname = %s
              AND backend_xid IS NOT NULL
        """, (f"odoo-{process.pid}", cls.database)))

    @classmethod
    def source_id(cls, url):
        rows = cls.query("SELECT id FROM crm_migration_source WHERE url = %s", (url,))
        return rows[0][0] if rows else None

    @classmethod
    def latest_run(cls, url):
        """(id, name, job, state) of the newest run of the source of ``url``."""
        rows = cls.query("""
            SELECT r.id, r.name, r.job, r.state FROM crm_migration_run r
            JOIN crm_migration_source s ON s.id = r.source_id
            WHERE s.url = %s ORDER BY r.id DESC LIMIT 1
        """, (url,))
        return rows[0] if rows else None

    @classmethod
    def phases(cls, run_id, kind=None):
        """{(kind, key): {column: value}} of a run's phases."""
        columns = ("kind", "key", "state", "done", "fixed_up", *COUNTERS)
        rows = cls.query(f"""
            SELECT {', '.join(columns)} FROM crm_migration_run_phase
            WHERE run_id = %s AND (%s IS NULL OR kind = %s) ORDER BY kind, sequence
        """, (run_id, kind, kind))
        return {(row[0], row[1]): dict(zip(columns, row, strict=True)) for row in rows}

    @classmethod
    def roll_back_leftovers(cls):
        """Roll back, newest first, what earlier (interrupted) sessions of this file left.

        A run killed in the middle of a step keeps that step (its sandbox is gone, so it
        cannot be resumed): it is marked failed there first, as a crash would leave it."""
        cls.query("""
            UPDATE crm_migration_run r SET failed_job = r.job, job = NULL, state = 'failed'
            FROM crm_migration_source s WHERE s.id = r.source_id AND s.name LIKE %s
              AND r.job IS NOT NULL AND r.job != 'rollback'
        """, (f"{NAME} %",))
        runs = cls.query("""
            SELECT r.name FROM crm_migration_run r JOIN crm_migration_source s ON s.id = r.source_id
            WHERE s.name LIKE %s AND r.state NOT IN ('draft', 'rolled_back')
              AND EXISTS (SELECT 1 FROM crm_migration_journal j WHERE j.run_id = r.id)
            ORDER BY r.id DESC
        """, (f"{NAME} %",))
        for (name,) in runs:
            cls.wait(cls.command("rollback", "--run", name))

    @classmethod
    def outcome(cls, sandbox):
        """What a finished migration of ``sandbox`` left: the load and extraction figures
        of its run, and the sandbox records bound to nothing (with their staged state)."""
        run = cls.latest_run(sandbox.base_url)
        source = cls.source_id(sandbox.base_url)
        bound = {entity: {key for (key,) in cls.query(
            "SELECT source_key FROM crm_migration_identity WHERE source_id = %s AND entity = %s",
            (source, entity))} for entity in MIGRATED}
        staged = dict(((entity, key), state) for entity, key, state in cls.query(
            "SELECT entity, source_key, state FROM crm_migration_record WHERE source_id = %s",
            (source,)))
        unbound = {(entity, str(rid)): staged.get((entity, str(rid)))
                   for entity in MIGRATED for rid in sandbox.dataset.ids(entity)
                   if str(rid) not in bound[entity]}
        figures = {key: {name: phase[name] for name in ("state", *COUNTERS)}
                   for key, phase in cls.phases(run[0]).items() if key[0] in ("load", "extract")}
        return {"state": run[3], "phases": figures, "unbound": unbound}

    # -- assertions ------------------------------------------------------------------

    def assert_like_reference(self, sandbox, label):
        """The run of ``sandbox`` is done with the reference's figures, without duplicates
        and with every sandbox record bound or staged with its reason."""
        outcome = self.outcome(sandbox)
        self.assertEqual(outcome["state"], "done", label)
        for (kind, key), figures in outcome["phases"].items():
            if kind == "load" and figures["state"] != "skipped":
                self.assertEqual(sum(figures[name] for name in OUTCOMES), figures["total"],
                                 f"{label}: {key} does not add up: {figures}")
        for key, figures in self.reference["phases"].items():
            self.assertEqual(outcome["phases"].get(key), figures, f"{label}: phase {key}")
        self.assertEqual(outcome["phases"].keys(), self.reference["phases"].keys(), label)
        self.assertEqual(outcome["unbound"], self.reference["unbound"],
                         f"{label}: sandbox records bound to nothing")
        self.assert_no_duplicates(sandbox.base_url, label)
        self.assert_staging_accounted(sandbox.base_url, label)

    def assert_no_duplicates(self, url, label):
        source = self.source_id(url)
        self.assertFalse(self.query("""
            SELECT entity, source_key FROM crm_migration_identity WHERE source_id = %s
            GROUP BY 1, 2 HAVING count(*) > 1
        """, (source,)), f"{label}: a source record bound twice")
        self.assertFalse(self.query("""
            SELECT entity, res_model, res_id FROM crm_migration_identity
            WHERE source_id = %s AND entity = ANY(%s) GROUP BY 1, 2, 3 HAVING count(*) > 1
        """, (source, list(MIGRATED))), f"{label}: two source records bound to one Odoo record")
        created = """
            SELECT j.res_id FROM crm_migration_journal j JOIN crm_migration_run r ON r.id = j.run_id
            WHERE r.source_id = %s AND r.state != 'rolled_back' AND j.operation = 'create'
              AND j.res_model = %s
        """
        self.assertFalse(self.query(f"""
            SELECT j.phase, j.res_model, j.res_id FROM crm_migration_journal j
            JOIN crm_migration_run r ON r.id = j.run_id
            WHERE r.source_id = %s AND r.state != 'rolled_back' AND j.operation = 'create'
              AND {UNBOUND_CREATIONS}
              AND NOT EXISTS (SELECT 1 FROM crm_migration_identity i WHERE i.source_id = r.source_id
                              AND i.res_model = j.res_model AND i.res_id = j.res_id)
        """, (source,)), f"{label}: records created but bound to no source record (orphans)")
        for model, columns in NATURAL_KEYS.items():
            keys = ", ".join(columns)
            present = " AND ".join(f"{column} IS NOT NULL" for column in columns)
            self.assertFalse(self.query(f"""
                SELECT {keys}, count(*) FROM {table(model)} WHERE {present} AND id IN ({created})
                GROUP BY {keys} HAVING count(*) > 1
            """, (source, model)), f"{label}: {model} created twice with the same {keys}")
        # the people of a company share its CNPJ (Odoo syncs it from the commercial partner)
        self.assertFalse(self.query(f"""
            SELECT vat, count(*) FROM res_partner
            WHERE vat IS NOT NULL AND parent_id IS NULL AND id IN ({created})
            GROUP BY vat HAVING count(*) > 1
        """, (source, "res.partner")), f"{label}: two companies with one CNPJ/CPF")

    def assert_staging_accounted(self, url, label):
        """Every staged record a load phase of the last run took is loaded, skipped, held,
        failed or deleted; skipped, held and failed ones have a reason (their ``error`` or
        a warning or error in the issue log); those no phase took say why they wait."""
        source = self.source_id(url)
        run = self.latest_run(url)
        schema = SPEC.schema
        objects = [schema.object(key) for (kind, key), phase in self.phases(run[0], "load").items()
                   if phase["state"] != "skipped"]
        rows = self.query("""
            SELECT r.entity, r.source_key, r.state, r.error, r.payload, EXISTS (
                SELECT 1 FROM crm_migration_issue i JOIN crm_migration_run u ON u.id = i.run_id
                WHERE u.source_id = r.source_id AND i.entity = r.entity
                  AND i.source_key = r.source_key AND i.step = 'load'
                  AND (i.level != 'info' OR i.code = 'skipped'))
            FROM crm_migration_record r WHERE r.source_id = %s
        """, (source,))
        taken = [row for row in rows
                 if any(obj.entity == row[0] and obj.accepts(row[4]) for obj in objects)]
        self.assertTrue(taken, label)
        unaccounted = [row[:4] for row in taken if row[2] not in FINAL_STATES]
        self.assertFalse(unaccounted, f"{label}: staged records left without outcome")
        unexplained = [row[:4] for row in taken
                       if row[2] in ("skipped", "held", "failed") and not (row[3] or "").strip()
                       and not row[5]]
        self.assertFalse(unexplained, f"{label}: records not loaded, without a reason")
        untaken = [row[:4] for row in rows if row[2] == "pending" and not (row[3] or "").strip()]
        self.assertFalse(untaken, f"{label}: staged records no phase took, without a reason")

    def assert_rolled_back(self, url, run_id, label):
        """The run is rolled back: its identities are gone, so are the records it created
        (unless reported blocked), with the reference rollback's figures."""
        run = self.latest_run(url)
        self.assertEqual(run[3], "rolled_back", label)
        self.assertFalse(self.query(
            "SELECT 1 FROM crm_migration_identity WHERE run_id = %s", (run_id,)), label)
        blocked = {(model, res_id) for model, res_id in self.query("""
            SELECT res_model, res_id FROM crm_migration_issue
            WHERE run_id = %s AND code = 'rollback_blocked'
        """, (run_id,))}
        created = self.query("""
            SELECT DISTINCT res_model FROM crm_migration_journal
            WHERE run_id = %s AND operation = 'create' AND res_model != 'ir.model.fields'
        """, (run_id,))
        for (model,) in created:
            left = {(model, res_id) for (res_id,) in self.query(f"""
                SELECT id FROM {table(model)} WHERE id IN (SELECT res_id FROM crm_migration_journal
                WHERE run_id = %s AND operation = 'create' AND res_model = %s)
            """, (run_id, model))}
            self.assertFalse(left - blocked, f"{label}: {model} created by the run is still there")
        self.assertEqual(self.phases(run_id, "rollback"), self.reference_rollback, label)


class TestCrashMatrix(CrashCase):
    """SIGKILL at every kind of step, then the same command again; a whole migration
    through a sandbox that misbehaves at the given rates."""

    #: (label, step, phase): killed once ``phase`` of ``step`` committed a batch (two
    #: for the bigger phases, to kill between batches of its middle).
    KILLS = (
        ("extraction", "extract", "Contacts", 1),
        ("validation", "validate", "people", 1),
        ("companies", "load", "companies", 1),
        ("people", "load", "people", 2 * BATCH),
        ("deals", "load", "deals", 1),
        ("tasks", "load", "tasks", 1),
        ("interactions", "load", "interactions", 2 * BATCH),
        ("e-mails", "load", "emails", 1),
        ("attachments", "load", "attachments", 1),
    )

    @staticmethod
    def fixing_up(job, phases):
        """Every load phase processed, the fix-ups under way."""
        load = [p for (kind, _key), p in phases.items() if kind == "load"]
        return job == "load" and all(p["state"] in ("done", "skipped") for p in load) \
            and any(p["fixed_up"] for p in load)

    def test_killed_anywhere_resumes_to_the_reconciliation_of_an_uninterrupted_run(self):
        with self.sandbox() as sandbox:
            url = sandbox.base_url
            for label, step, key, minimum in self.KILLS:
                def reached(job, phases, step=step, key=key, minimum=minimum):
                    return job == step and done(phases, step, key) >= minimum
                process = self.migrate(sandbox)
                self.assertTrue(self.kill_when(process, url, reached, label),
                                f"the run ended before the kill during {label}: {self.ended}")
            # the fix-ups are one short batch per phase: killed there when the poll sees them
            self.kill_when(self.migrate(sandbox), url, self.fixing_up, "fix-ups")
            code, out, err = self.wait(self.migrate(sandbox))
            self.assertEqual(code, 0, err[-3000:])
            self.assertIn("Resuming", out)
            self.assert_like_reference(sandbox, "killed and resumed")
            run_id, name = self.latest_run(url)[:2]
            process = self.command("rollback", "--run", name)
            # its batches are 500 journal lines, so this rollback is a single batch: killed
            # once the process writes in the transaction after the one that started the step
            self.assertTrue(self.kill_when(
                process, url, lambda job, _p: job == "rollback" and self.writing(process),
                "rollback", settle=0.1))
            rollback = self.phases(run_id, "rollback")[("rollback", "journal")]
            self.assertEqual((rollback["state"], rollback["done"] or 0), ("pending", 0),
                             "the killed batch of the rollback committed nothing")
            code, out, err = self.wait(self.command("rollback", "--run", name))
            self.assertEqual(code, 0, err[-3000:])
            self.assert_rolled_back(url, run_id, "rollback killed and run again")

    def test_an_uninterrupted_rollback_removes_what_its_run_created(self):
        self.assert_rolled_back(*self.reference_run, "the reference run rolled back")

    def test_faults_change_nothing_in_the_reconciliation(self):
        with self.sandbox(faults=FAULTS) as sandbox:
            url = sandbox.base_url
            # a wrong key: the command makes the source, then stops before any request
            # is faulted (the sandbox checks the key first); then low timeout, small pages
            code, _out, _err = self.wait(self.migrate(sandbox, key="wrong-key"))
            self.assertEqual(code, 1)
            self.query("UPDATE crm_migration_source SET timeout = 1, page_size = 10 "
                       "WHERE id = %s", (self.source_id(url),))
            code, out, err = self.wait(self.migrate(sandbox, "--retries", "8", "--backoff", "0.05"))
            self.assertEqual(code, 0, f"{out[-3000:]}\n{err[-3000:]}")
            self.assert_like_reference(sandbox, "faulty sandbox")
            stats, log = sandbox.stats(), sandbox.request_log()
            for fault in ("500", "429", "429noretry", "malformed", "slow", "drop"):
                self.assertGreater(stats["faults"].get(fault, 0), 0, f"{fault} never fired: {stats}")
            # keyset paging ($filter=Id gt N) never sends $skip: no page can shift
            self.assertFalse([entry.path for entry in log if "$skip" in entry.path])
            self.assertNotIn("shift", stats["faults"])
            run_id, name = self.latest_run(url)[:2]
            code, out, err = self.wait(self.command("rollback", "--run", name))
            self.assertEqual(code, 0, err[-3000:])
            self.assert_rolled_back(url, run_id, "faulty run rolled back")
