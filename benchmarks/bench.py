"""``make bench``: a whole migration against the sandbox, per phase, against Odoo's baselines.

    make bench [SCALE=2000] [RATE_LIMIT=120]
    .venv/bin/python benchmarks/bench.py [--scale 2000] [--rate-limit 120] [--db crm_migration_bench]
        [--keep-db] [--cprofile /tmp/migration.prof]

1. A fresh database (``tools/setup.sh database DB crm_migration,sale_crm,l10n_br``,
   its company Brazilian as in ``make demo``); ``--keep-db`` reuses it as it is.
2. The Ploomes sandbox at ``--scale`` contacts (other objects in proportion), limited
   to ``--rate-limit`` requests a minute (0: no limit), in this process.
3. The headless migration (``odoo-bin crm_migration run --accept-proposed-map
   --fallback-user admin``) through ``bench_probe.py``, which measures per phase the
   wall and CPU time, the SQL statements and the peak RSS of the Odoo process, and
   keeps the values the loaders pass to ``create()``.
4. The baselines on those same values, in the same database: bare ``create()`` and
   ``load()`` in-process (``bench_baselines.py``, rolled back), then XML-RPC ``create``
   against an ``odoo-bin`` server on ``--xmlrpc-port``, ``--batch`` records a call and one
   a call (at most ``--single`` records; what XML-RPC creates is deleted afterwards).

Prints the figures; asserts nothing. With ``--cprofile PATH`` the migration runs under
cProfile (its times are then inflated) and the top functions are printed.
"""
# A command-line benchmark: printing its figures is its output.
# pylint: disable=print-used
import argparse
import json
import os
import platform
import pstats
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.ploomes import PloomesSandbox  # noqa: E402

HERE = Path(__file__).resolve().parent
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True,
         "mail_notrack": True, "mail_auto_subscribe_no_notify": True, "no_reset_password": True}
STEPS = ("extract", "profile", "validate", "load")


def addons_path(config):
    for line in Path(config).read_text().splitlines():
        if line.startswith("addons_path"):
            return line.split("=", 1)[1].strip()
    raise SystemExit(f"No addons_path in {config}")


def say(text):
    print(f"==> {text}", flush=True)


def rate(records, seconds):
    return records / seconds if seconds > 0 else float("nan")


def fmt_rate(value):
    return "-" if value != value else f"{value:,.0f}"  # NaN: not measured


def fmt_ratio(value):
    return "-" if value != value else f"{value:.2f}"


# -- 1. database ----------------------------------------------------------------------------

def fresh_database(options):
    say(f"Fresh database {options.db} ({options.modules})")
    env = dict(os.environ, VENV=str(Path(sys.executable).parent.parent))
    subprocess.run([str(ROOT / "tools" / "setup.sh"), "database", options.db, options.modules],
                   check=True, env=env, cwd=ROOT)
    subprocess.run([sys.executable, str(HERE / "bench_baselines.py"), "prepare",
                    "-c", options.config, "-d", options.db], check=True)


# -- 3. the migration -------------------------------------------------------------------------

def migrate(options, sandbox, work):
    probe, capture = work / "phases.json", work / "values.json"
    odoo = [str(HERE / "bench_probe.py"), options.odoo]
    if options.cprofile:
        odoo = ["-m", "cProfile", "-o", options.cprofile, *odoo]
    command = [sys.executable, *odoo, f"--addons-path={addons_path(options.config)}",
               "crm_migration", "run", "-c", options.config, "-d", options.db,
               "--source", "ploomes", "--url", sandbox.base_url, "--key", sandbox.key,
               "--accept-proposed-map", "--fallback-user", "admin",
               "--rate-limit", str(options.rate_limit)]
    if options.batch_size:
        command += ["--batch-size", str(options.batch_size)]
    env = dict(os.environ, CRM_MIGRATION_PROBE=str(probe), CRM_MIGRATION_CAPTURE=str(capture),
               CRM_MIGRATION_CAPTURE_LIMIT=str(options.baseline_records))
    say(f"Migrating {options.scale} contacts (rate limit: "
        f"{options.rate_limit or 'none'}{' a minute' if options.rate_limit else ''})")
    start = time.monotonic()
    log = work / "migration.log"
    with open(log, "w", encoding="utf-8") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env, check=False)
    elapsed = time.monotonic() - start
    if done.returncode:
        print(log.read_text()[-3000:])
        raise SystemExit(f"the migration failed ({done.returncode}); its output: {log}")
    return elapsed, json.loads(probe.read_text()), json.loads(capture.read_text()), log


def phase_rows(options, url):
    """{(kind, key): (name, done, created)} of the latest run of the sandbox's source."""
    with psycopg2.connect(dbname=options.db) as conn, conn.cursor() as cr:
        cr.execute("""
            SELECT p.kind, p.key, p.name, p.done, p.created, p.state
            FROM crm_migration_run_phase p
            WHERE p.run_id = (SELECT r.id FROM crm_migration_run r
                              JOIN crm_migration_source s ON s.id = r.source_id
                              WHERE s.url = %s ORDER BY r.id DESC LIMIT 1)
            ORDER BY p.kind, p.sequence
        """, (url,))
        return {(kind, key): (name, done or 0, created or 0, state)
                for kind, key, name, done, created, state in cr.fetchall()}


def print_phases(probe, rows, top):
    """Per phase (the ``top`` slowest of each step, the others summed), then per step."""
    segments = [s for s in probe["segments"] if len(s["label"]) == 2]
    print(f"\n{'step':9} {'phase':28} {'records':>8} {'wall s':>8} {'rec/s':>8} "
          f"{'SQL/rec':>8} {'CPU %':>6} {'peak RSS MiB':>13}")
    for step in STEPS + ("finish",):
        mine = [s for s in segments if s["label"][0] == step]
        if not mine:
            continue
        shown = sorted(mine, key=lambda s: -s["wall"])[:top] if top else mine
        shown = [s for s in mine if s in shown]  # in the order they ran
        for seg in shown:
            kind, key = seg["label"]
            name, done = (rows.get((kind, key)) or (key or "-", 0))[:2]
            if kind == "finish":
                name, done = f"end of {key}", 0
            print_line(kind, name, done, seg)
        rest = [s for s in mine if s not in shown]
        if rest:
            merged = merge(rest)
            done = sum((rows.get(tuple(s["label"])) or ("", 0))[1] for s in rest)
            print_line(step, f"{len(rest)} other phases", done, merged)
    setup = [s for s in probe["segments"] if s["label"] == ["setup"]]
    if setup:
        print_line("setup", "start-up, connection, map", 0, setup[0])
    print(f"\n{'step':9} {'records':>8} {'wall s':>8} {'rec/s':>8} {'SQL/rec':>8} {'CPU %':>6}")
    for step in STEPS:
        mine = [s for s in segments if s["label"][0] == step]
        mine += [s for s in segments if s["label"] == ["finish", step]]
        merged = merge(mine)
        done = sum((rows.get(tuple(s["label"])) or ("", 0))[1] for s in mine)
        cpu = f"{100 * merged['cpu'] / merged['wall']:.0f}" if merged["wall"] else "-"
        sql = f"{merged['queries'] / done:.1f}" if done else "-"
        print(f"{step:9} {done:8d} {merged['wall']:8.1f} {fmt_rate(rate(done, merged['wall'])):>8} "
              f"{sql:>8} {cpu:>6}")


def merge(segments):
    return {"wall": sum(s["wall"] for s in segments), "cpu": sum(s["cpu"] for s in segments),
            "queries": sum(s["queries"] for s in segments),
            "peak_rss_kib": max((s["peak_rss_kib"] for s in segments), default=0)}


def print_line(kind, name, done, seg):
    sql = f"{seg['queries'] / done:.1f}" if done else f"({seg['queries']})"
    cpu = f"{100 * seg['cpu'] / seg['wall']:.0f}" if seg["wall"] else "-"
    print(f"{kind:9} {name[:28]:28} {done:8d} {seg['wall']:8.2f} "
          f"{fmt_rate(rate(done, seg['wall'])) if done else '-':>8} {sql:>8} {cpu:>6} "
          f"{seg['peak_rss_kib'] / 1024:13.0f}")


# -- 4. baselines ---------------------------------------------------------------------------

def in_process_baselines(options, work):
    out = work / "baselines.json"
    say(f"Baselines in-process: create() and load(), {options.batch} a call (rolled back)")
    subprocess.run([sys.executable, str(HERE / "bench_baselines.py"), "run", "-c", options.config,
                    "-d", options.db, "--values", str(work / "values.json"), "--objects",
                    options.objects, "--batch", str(options.batch), "--out", str(out)], check=True)
    return json.loads(out.read_text())


def free_port(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def xmlrpc_baselines(options, work, captured):
    """{key: {"batch": (records, seconds), "single": (records, seconds)}} over XML-RPC."""
    port = options.xmlrpc_port
    if not free_port(port):
        raise SystemExit(f"Port {port} is taken: pass --xmlrpc-port")
    say(f"Baselines over XML-RPC (odoo-bin on 127.0.0.1:{port}, {options.batch} a call and one a call)")
    log = open(work / "xmlrpc-server.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    server = subprocess.Popen([  # noqa: S603 - our own Odoo
        sys.executable, options.odoo, "-c", options.config, "-d", options.db,
        f"--db-filter=^{options.db}$", "--http-interface=127.0.0.1", f"--http-port={port}",
        "--workers=0", "--max-cron-threads=0", "--log-level=warn"], stdout=log, stderr=subprocess.STDOUT)
    results = {}
    try:
        common = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/common", allow_none=True)
        for _attempt in range(120):
            try:
                common.version()
                break
            except OSError:
                time.sleep(0.5)
        uid = common.authenticate(options.db, "admin", "admin", {})
        rpc = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/object", allow_none=True)

        def create(model, vals_list):
            return rpc.execute_kw(options.db, uid, "admin", model, "create", [vals_list],
                                  {"context": QUIET})

        for key in options.objects.split(","):
            if key not in captured or not captured[key]["values"]:
                continue
            model, vals_list = captured[key]["model"], [clean(v) for v in captured[key]["values"]]
            made = list(create(model, vals_list[:20]))  # warm-up
            start = time.perf_counter()
            for first in range(0, len(vals_list), options.batch):
                made += create(model, vals_list[first:first + options.batch])
            batch = (len(vals_list), time.perf_counter() - start)
            singles = vals_list[:options.single]
            start = time.perf_counter()
            for values in singles:
                made += create(model, [values])
            results[key] = {"batch": batch, "single": (len(singles), time.perf_counter() - start)}
            rpc.execute_kw(options.db, uid, "admin", model, "unlink", [made])
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    return results


def clean(values):
    """Values XML-RPC can marshal (no None)."""
    return {name: (False if value is None else value) for name, value in values.items()}


def print_baselines(phases, probe, base, rpc):
    loads = {s["label"][1]: s for s in probe["segments"] if s["label"][0] == "load"}
    head = (f"\n{'object':10} {'records':>7} {'product':>8} {'create()':>9} {'RPC 500':>8} "
            f"{'RPC 1':>7} {'load()':>7} | {'÷create':>7} {'÷RPC500':>7} {'÷RPC1':>7} {'÷load':>7}"
            f" | SQL/rec: {'product':>7} {'create':>6} {'load':>6}")
    print("records per second (each column: the same values); product ÷ each baseline:" + head)
    for key, entry in base.items():
        _name, done, _created, _state = phases.get(("load", key), ("", 0, 0, ""))
        seg = loads.get(key)
        product = rate(done, seg["wall"]) if seg else float("nan")
        create = rate(entry["create"]["count"], entry["create"]["seconds"])
        load = rate(entry["load"]["count"], entry["load"]["seconds"])
        batch = rate(*rpc[key]["batch"]) if key in rpc else float("nan")
        single = rate(*rpc[key]["single"]) if key in rpc else float("nan")
        sql = f"{seg['queries'] / done:.1f}" if seg and done else "-"
        print(f"{key:10} {entry['records']:7d} {fmt_rate(product):>8} {fmt_rate(create):>9} "
              f"{fmt_rate(batch):>8} {fmt_rate(single):>7} {fmt_rate(load):>7} | "
              f"{fmt_ratio(product / create):>7} {fmt_ratio(product / batch):>7} "
              f"{fmt_ratio(product / single):>7} {fmt_ratio(product / load):>7} | "
              f"{'':9}{sql:>7} {entry['create']['queries'] / entry['records']:6.1f} "
              f"{entry['load']['queries'] / entry['records']:6.1f}")
        if entry.get("refused"):
            print(f"  {entry['refused']} of the migration's values refused by create() one by one "
                  "(left out of every baseline)")
        if entry["load"]["error_count"]:
            print(f"  load() refused {entry['load']['error_count']} rows, e.g. {entry['load']['errors'][:1]}")
        if entry["load"]["fields_left_out"]:
            print(f"  load() without {', '.join(entry['load']['fields_left_out'])}")


def print_profile(path, count=25):
    stats = pstats.Stats(path)
    for order in ("cumulative", "tottime"):
        print(f"\ncProfile of the migration, top {count} by {order} (times inflated by the profiler):")
        stats.sort_stats(order).print_stats(count)


def machine():
    cpus = os.cpu_count()
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    except (ValueError, OSError):
        mem = float("nan")
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "")
    return f"{cpus} cores ({model}), {mem:.0f} GiB, Python {platform.python_version()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="crm_migration_bench")
    parser.add_argument("--modules", default="crm_migration,sale_crm,l10n_br")
    parser.add_argument("--keep-db", action="store_true", help="reuse the database as it is")
    parser.add_argument("--scale", type=int, default=2000, help="contacts in the sandbox")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate-limit", type=int, default=120, help="requests a minute (0: none)")
    parser.add_argument("--batch-size", type=int, help="the migration's batch (default: the source's, 200)")
    parser.add_argument("--config", default=str(ROOT / ".build" / "odoo.conf"))
    parser.add_argument("--odoo", default=str(Path(os.environ.get("ODOO_SRC", "/opt/odoo-18.0")) / "odoo-bin"))
    parser.add_argument("--objects", default="companies,people,deals", help="objects of the baselines")
    parser.add_argument("--batch", type=int, default=500, help="records a call of the baselines")
    parser.add_argument("--single", type=int, default=300, help="records of the one-a-call baseline")
    parser.add_argument("--baseline-records", type=int, default=5000,
                        help="at most this many records per object for the baselines")
    parser.add_argument("--xmlrpc-port", type=int, default=8469)
    parser.add_argument("--no-xmlrpc", action="store_true")
    parser.add_argument("--top", type=int, default=12, help="slowest phases shown per step (0: all)")
    parser.add_argument("--cprofile", metavar="PATH", help="profile the migration into PATH")
    parser.add_argument("--report", metavar="DIR", help="print again the figures of an earlier run "
                        "(its folder, printed at the end); runs its baselines if they are missing")
    options = parser.parse_args()

    if options.report:
        work = Path(options.report)
        results = json.loads((work / "results.json").read_text())
        if "base" not in results:  # the baselines failed or were interrupted: run them now
            results = baselines(options, work, results)
    else:
        results, work = measure(options)
    report(options, work, results)


def measure(options):
    """Run everything; return the figures (also kept in the work folder's results.json)."""
    if not options.keep_db:
        fresh_database(options)
    work = Path(tempfile.mkdtemp(prefix="crm_migration_bench."))
    with PloomesSandbox(seed=options.seed, scale=options.scale,
                        rate_limit=options.rate_limit or None) as sandbox:
        elapsed, probe, _captured, _log = migrate(options, sandbox, work)
        stats = sandbox.stats()
        phases = phase_rows(options, sandbox.base_url)
    results = {"elapsed": elapsed, "probe": probe, "stats": stats,
               "phases": [[kind, key, *row] for (kind, key), row in phases.items()],
               "machine": machine(), "scale": options.scale, "seed": options.seed,
               "rate_limit": options.rate_limit}
    (work / "results.json").write_text(json.dumps(results, indent=1))
    return baselines(options, work, results), work


def baselines(options, work, results):
    """The baselines on the values the migration in ``work`` created; added to its results."""
    results["base"] = in_process_baselines(options, work)
    captured = json.loads((work / "values.json").read_text())  # without what create() refuses
    results["rpc"] = {} if options.no_xmlrpc else xmlrpc_baselines(options, work, captured)
    (work / "results.json").write_text(json.dumps(results, indent=1))
    return results


def report(options, work, results):
    elapsed, probe, stats, base = (results[k] for k in ("elapsed", "probe", "stats", "base"))
    rpc = results["rpc"]
    phases = {(kind, key): tuple(row) for kind, key, *row in results["phases"]}
    rate_limit = results["rate_limit"]
    print(f"\nMachine: {results['machine']}; PostgreSQL on the same machine")
    print(f"Sandbox: {results['scale']} contacts (seed {results['seed']}); "
          f"figures and logs in {work}")
    print_phases(probe, phases, options.top)
    records = sum(done for (kind, _k), (_n, done, _c, _s) in phases.items() if kind == "load")
    print(f"\nWhole migration: {elapsed:.1f} s wall ({probe['wall']:.1f} s inside odoo-bin), "
          f"{records} records loaded ({rate(records, elapsed):.0f} records/s end to end), "
          f"{probe['queries']} SQL statements ({probe['queries'] / max(records, 1):.1f} per record "
          f"loaded), peak RSS {probe['peak_rss_kib'] / 1024:.0f} MiB")
    requests = stats["requests"]
    # The sandbox counts API calls only; the client sends each file download through the
    # same rate limiter (sources/ploomes/client.py, _send): one download per attachment.
    downloads = phases.get(("load", "attachments"), ("", 0))[1]
    if rate_limit:
        bound = requests * 60 / rate_limit
        both = (requests + downloads) * 60 / rate_limit
        print(f"API: {requests} requests; at {rate_limit} a minute they need {bound:.1f} s "
              f"(API-bound time); wall ÷ API-bound = {elapsed / bound:.2f}; "
              f"{stats['rate_limited']} answered 429")
        print(f"     with the {downloads} file downloads, which the client throttles by the same "
              f"limit: {both:.1f} s; wall ÷ that = {elapsed / both:.2f}")
    else:
        print(f"API: {requests} requests and {downloads} file downloads, no rate limit (at "
              f"Ploomes' 120 a minute they would need {(requests + downloads) / 2:.1f} s)")
    print_baselines(phases, probe, base, rpc)
    if options.cprofile:
        print_profile(options.cprofile)


if __name__ == "__main__":
    main()
