"""Throughput of a whole migration: the headless command against a sandbox, per phase.

    .venv/bin/python benchmarks/bench_migration.py --db crm_migration_bench --scale 5000

The database must exist with crm_migration installed (e.g. ``tools/setup.sh
database crm_migration_bench crm_migration``); the source is rate-limited like
Ploomes unless ``--rate-limit 0``. Prints figures; asserts nothing.
"""
# A command-line benchmark: printing its figures is its output.
# pylint: disable=print-used
import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.ploomes import PloomesSandbox  # noqa: E402


def addons_path(config):
    for line in Path(config).read_text().splitlines():
        if line.startswith("addons_path"):
            return line.split("=", 1)[1].strip()
    raise SystemExit(f"No addons_path in {config}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--scale", type=int, default=2000)
    parser.add_argument("--config", default=str(ROOT / ".build" / "odoo.conf"))
    parser.add_argument("--odoo", default="/opt/odoo-18.0/odoo-bin")
    parser.add_argument("--rate-limit", type=int, default=0, help="requests per minute (0: none)")
    parser.add_argument("--batch-size", type=int, default=200)
    options = parser.parse_args()

    with PloomesSandbox(seed=99, scale=options.scale, rate_limit=options.rate_limit or None) as sandbox:
        command = [sys.executable, options.odoo, f"--addons-path={addons_path(options.config)}",
                   "crm_migration", "run", "-c", options.config, "-d", options.db,
                   "--source", "ploomes", "--url", sandbox.base_url, "--key", sandbox.key,
                   "--accept-proposed-map", "--rate-limit", str(options.rate_limit),
                   "--batch-size", str(options.batch_size)]
        start = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.monotonic() - start
        requests = sandbox.stats()["requests"]
    if done.returncode:
        print(done.stdout[-2000:], done.stderr[-2000:])
        raise SystemExit(f"the migration failed ({done.returncode})")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{options.scale} contacts: {elapsed:.1f} s in all, {requests} API requests, "
          f"peak RSS of the migration process {peak:.0f} MiB")
    with psycopg2.connect(dbname=options.db) as conn, conn.cursor() as cr:
        cr.execute("""
            SELECT p.kind, p.name, p.done, EXTRACT(EPOCH FROM (p.finished_at - p.started_at))
            FROM crm_migration_run_phase p
            WHERE p.run_id = (SELECT r.id FROM crm_migration_run r
                              JOIN crm_migration_source s ON s.id = r.source_id
                              WHERE s.url = %s ORDER BY r.id DESC LIMIT 1)
              AND p.started_at IS NOT NULL
            ORDER BY p.kind, p.sequence
        """, (sandbox.base_url,))
        print(f"{'step':10} {'phase':28} {'records':>9} {'seconds':>9} {'records/s':>10}")
        for kind, name, count, seconds in cr.fetchall():
            seconds = float(seconds or 0)
            rate = f"{count / seconds:10.0f}" if seconds > 0 else f"{'-':>10}"
            print(f"{kind:10} {name[:28]:28} {count:9d} {seconds:9.2f} {rate}")


if __name__ == "__main__":
    main()
