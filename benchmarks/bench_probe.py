"""Run ``odoo-bin`` with per-phase probes: wall time, CPU time, SQL statements, peak RSS.

    CRM_MIGRATION_PROBE=/tmp/phases.json python benchmarks/bench_probe.py ODOO_BIN \\
        --addons-path=... crm_migration run ...

``benchmarks/bench.py`` starts the headless migration through this file. Before
``odoo-bin`` runs, it wraps three methods of the addon at runtime (its files are not
changed): a phase's batch (``crm.migration.run.phase._process_batch``), its fix-up of
late references and the end of a step (``crm.migration.run._finish_job``). Each of
them opens a segment of the timeline, which lasts until the next one opens, so a
batch's commit (where the ORM flushes) counts in its phase. Per segment label it adds
up the wall and CPU time, Odoo's own count of SQL statements (``odoo.sql_db.sql_counter``,
incremented by every ``Cursor.execute`` of the process) and the peak RSS (the kernel's
``VmHWM``, reset at each new label through ``/proc/self/clear_refs``). The cost of a
probe is a few clock reads per batch. The figures go to the JSON file named by
``CRM_MIGRATION_PROBE`` when the process exits.

With ``CRM_MIGRATION_CAPTURE=PATH`` (and ``CRM_MIGRATION_CAPTURE_LIMIT``, records per
object, default 5000) it also keeps the values the loaders pass to ``create()``
(``crm.migration.loader._create``, after ``_orm_values``) and writes them to PATH as
JSON at exit, for the baselines to create the same values again; the time spent
copying them is taken out of the phase's figures.
"""
import atexit
import copy
import importlib
import json
import os
import sys
import time
from collections import defaultdict

ADDON = "crm_migration"


def vm_hwm_kib():
    """The process's peak resident set size since the last reset, in KiB."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def reset_hwm():
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


class Timeline:
    """Wall time, CPU time, SQL statements and peak RSS per label."""

    def __init__(self, sql_db):
        self.sql_db = sql_db
        self.totals = defaultdict(lambda: {"wall": 0.0, "cpu": 0.0, "queries": 0, "segments": 0,
                                           "peak_rss_kib": 0})
        self.order = []
        self.started = time.perf_counter()
        self.label = None
        self.mark = None
        self.hwm_resets = True
        self.switch("setup")

    def switch(self, label, new_segment=True):
        if label == self.label and not new_segment:
            return
        now, cpu, queries = time.perf_counter(), time.process_time(), self.sql_db.sql_counter
        if self.label is not None:
            totals = self.totals[self.label]
            totals["wall"] += now - self.mark[0]
            totals["cpu"] += cpu - self.mark[1]
            totals["queries"] += queries - self.mark[2]
            totals["segments"] += 1
            totals["peak_rss_kib"] = max(totals["peak_rss_kib"], vm_hwm_kib())
        if label != self.label:
            self.hwm_resets = reset_hwm() and self.hwm_resets
            if label not in self.totals:
                self.order.append(label)
        self.label, self.mark = label, (now, cpu, queries)

    def exclude(self, wall, cpu):
        """Take time spent by the probe itself out of the current segment."""
        self.mark = (self.mark[0] + wall, self.mark[1] + cpu, self.mark[2])

    def dump(self, path):
        self.switch("exit")
        labels = [label for label in self.order if label != "exit"]
        data = {
            "wall": time.perf_counter() - self.started,
            "queries": self.sql_db.sql_counter,
            "peak_rss_kib": max(self.totals[label]["peak_rss_kib"] for label in labels),
            "hwm_reset": self.hwm_resets,
            "segments": [dict(self.totals[label], label=list(label) if isinstance(label, tuple) else [label])
                         for label in labels],
        }
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)


def addon_module(name):
    """A module of the addon's models (importable once Odoo's addons path is set)."""
    return importlib.import_module(f"odoo.addons.{ADDON}.models.{name}")


def install(timeline):
    """Wrap the addon's batch entry points so that each opens a segment of ``timeline``."""
    CrmMigrationRun = addon_module("crm_migration_run").CrmMigrationRun
    CrmMigrationRunPhase = addon_module("crm_migration_run_phase").CrmMigrationRunPhase

    process_batch = CrmMigrationRunPhase._process_batch
    fix_up = CrmMigrationRunPhase._fix_up_references
    finish_job = CrmMigrationRun._finish_job

    def probed_process_batch(self):
        timeline.switch((self.kind, self.key))
        return process_batch(self)

    def probed_fix_up(self):
        timeline.switch((self.kind, self.key))
        return fix_up(self)

    def probed_finish_job(self):
        timeline.switch(("finish", self.job or ""))
        return finish_job(self)

    CrmMigrationRunPhase._process_batch = probed_process_batch
    CrmMigrationRunPhase._fix_up_references = probed_fix_up
    CrmMigrationRun._finish_job = probed_finish_job


class Capture:
    """The values the loaders create, per object: {key: {"model": ..., "values": [...]}}."""

    def __init__(self, timeline, limit):
        self.timeline, self.limit = timeline, limit
        self.objects = {}

    def install(self):
        CrmMigrationLoader = addon_module("crm_migration_loader").CrmMigrationLoader

        create = CrmMigrationLoader._create
        capture = self

        def probed_create(self, run, phase, obj, model, items):
            capture.keep(self, obj, model, items)
            return create(self, run, phase, obj, model, items)

        CrmMigrationLoader._create = probed_create

    def keep(self, loader, obj, model, items):
        wall, cpu = time.perf_counter(), time.process_time()
        kept = self.objects.setdefault(obj.key, {"model": model._name, "values": []})
        room = self.limit - len(kept["values"])
        if room > 0 and model._name == kept["model"]:
            kept["values"] += [copy.deepcopy(loader._orm_values(values))
                               for _rec, values, _problems in items[:room]]
        self.timeline.exclude(time.perf_counter() - wall, time.process_time() - cpu)

    def dump(self, path):
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(self.objects, handle, default=str)


def main():
    os.environ["TZ"] = "UTC"  # as odoo-bin does, before time zones are read
    out = os.environ["CRM_MIGRATION_PROBE"]
    odoo_bin, args = sys.argv[1], sys.argv[2:]
    # pylint: disable=import-outside-toplevel  # after TZ is set, as odoo-bin does
    import odoo
    from odoo import sql_db
    from odoo.modules.module import initialize_sys_path

    addons = [arg for arg in args if arg.startswith("--addons-path=")]
    if addons:
        odoo.tools.config._parse_config(addons[:1])
    initialize_sys_path()
    timeline = Timeline(sql_db)
    install(timeline)
    atexit.register(timeline.dump, out)
    if os.environ.get("CRM_MIGRATION_CAPTURE"):
        capture = Capture(timeline, int(os.environ.get("CRM_MIGRATION_CAPTURE_LIMIT") or 5000))
        capture.install()
        atexit.register(capture.dump, os.environ["CRM_MIGRATION_CAPTURE"])
    sys.argv = [odoo_bin, *args]
    odoo.cli.main()


if __name__ == "__main__":
    main()
