"""In-process baselines of ``benchmarks/bench.py``: Odoo's own ``create()`` and ``load()``.

    .venv/bin/python benchmarks/bench_baselines.py prepare -c .build/odoo.conf -d DB
    .venv/bin/python benchmarks/bench_baselines.py run -c .build/odoo.conf -d DB \\
        --values captured.json --objects companies,people,deals --batch 500 --out result.json

``prepare`` makes the database's company Brazilian, in BRL (as ``make demo`` does: the
sandbox's account is Brazilian). ``run`` creates again, in the same database, the
values the migration passed to ``create()`` (captured by ``bench_probe.py``), per
object: (a) ``env[model].create(vals_list)`` with the loaders' context (tracking and
mail noise off), ``batch`` records a call, flushed; (b) ``load()`` with the same
fields as text, as base_import calls it (``import_file``, tracking off), relations by
database id (``field/.id``). Values that ``create()`` refuses one by one (e.g. a VAT
number base_vat finds invalid, which the loaders then load without it) are left out of
every baseline, and counted. Each is timed after a warm-up and rolled back, so the
database is left as the migration made it. Prints nothing; writes JSON.
"""
import os

os.environ["TZ"] = "UTC"  # as odoo-bin does, before anything reads the time zone

# pylint: disable=wrong-import-position  # TZ first, as odoo-bin does
import argparse
import contextlib
import json
import time

import odoo
from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry

#: The loaders' context (crm_migration.models.crm_migration_loader.QUIET).
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "no_reset_password": True,
}
WARM_UP = 20


class Rollback(Exception):
    """Leave a cursor without committing."""


def command_ids(value):
    """The ids an x2many command list sets or links."""
    ids = []
    for command in value or ():
        if command[0] == 6:
            ids = list(command[2])
        elif command[0] == 4:
            ids.append(command[1])
    return ids


def load_table(model, vals_list):
    """``(fields, rows)`` for ``load()`` of ``vals_list``; fields it cannot express are left out."""
    names, skipped = [], set()
    for values in vals_list:
        for name in values:
            if name not in names and name not in skipped:
                field = model._fields.get(name)
                if field is None or field.type == "one2many" or field.type == "binary":
                    skipped.add(name)
                else:
                    names.append(name)
    columns = []
    for name in names:
        field = model._fields[name]
        columns.append((name, field.type, f"{name}/.id" if field.type in ("many2one", "many2many") else name))
    rows = []
    for values in vals_list:
        row = []
        for name, ftype, _column in columns:
            value = values.get(name)
            if ftype == "many2many":
                row.append(",".join(str(i) for i in command_ids(value)))
            elif ftype == "boolean":
                row.append("1" if value else "0")
            elif value is None or value is False:
                row.append("")
            else:
                row.append(str(value))
        rows.append(row)
    return [column for _n, _t, column in columns], rows, sorted(skipped)


def timed(registry, func):
    """Run ``func(env)`` in a transaction that is rolled back; return (seconds, SQL
    statements, result)."""
    outcome = {}
    with contextlib.suppress(Rollback), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        queries, start = sql_db.sql_counter, time.perf_counter()
        outcome["result"] = func(env)
        outcome["seconds"] = time.perf_counter() - start
        outcome["queries"] = sql_db.sql_counter - queries
        raise Rollback
    return outcome["seconds"], outcome["queries"], outcome["result"]


def bare_create(model_name, vals_list, batch):
    def run(env):
        model = env[model_name].with_context(**QUIET)
        count = 0
        for start in range(0, len(vals_list), batch):
            count += len(model.create([dict(v) for v in vals_list[start:start + batch]]))
            env.flush_all()
        return count
    return run


def odoo_load(model_name, vals_list, batch):
    def run(env):
        model = env[model_name].with_context(import_file=True, **QUIET)
        fields, rows, _skipped = load_table(model, vals_list)
        count, messages = 0, []
        for start in range(0, len(rows), batch):
            result = model.load(fields, rows[start:start + batch])
            count += len([i for i in result["ids"] or () if i])
            messages += [m["message"] for m in result["messages"] if m.get("type") == "error"]
        return {"count": count, "errors": messages[:5], "error_count": len(messages)}
    return run


def accepted(registry, model_name, vals_list):
    """The values ``create()`` accepts one by one (the loaders, too, create a refused batch
    again record by record); found in a transaction that is rolled back."""
    def run(env):
        model, kept = env[model_name].with_context(**QUIET), []
        for values in vals_list:
            try:
                with env.cr.savepoint():
                    model.create([dict(values)])
                    env.flush_all()
                kept.append(values)
            except Exception:  # noqa: BLE001 pylint: disable=broad-exception-caught  # refused: left out
                env.invalidate_all()
        return kept
    return timed(registry, run)[2]


def command_run(options):
    registry = Registry(options.database)
    with open(options.values, encoding="utf-8") as handle:
        captured = json.load(handle)
    results = {}
    for key in options.objects.split(","):
        if key not in captured or not captured[key]["values"]:
            continue
        model_name, vals_list = captured[key]["model"], captured[key]["values"]
        refused = len(vals_list)
        vals_list = accepted(registry, model_name, vals_list)
        refused -= len(vals_list)
        captured[key]["values"] = vals_list
        with registry.cursor() as cr:
            _f, _r, skipped = load_table(api.Environment(cr, SUPERUSER_ID, {})[model_name], vals_list)
        timed(registry, bare_create(model_name, vals_list[:WARM_UP], options.batch))
        seconds, queries, count = timed(registry, bare_create(model_name, vals_list, options.batch))
        entry = {"model": model_name, "records": len(vals_list), "refused": refused,
                 "create": {"seconds": seconds, "queries": queries, "count": count}}
        timed(registry, odoo_load(model_name, vals_list[:WARM_UP], options.batch))
        seconds, queries, loaded = timed(registry, odoo_load(model_name, vals_list, options.batch))
        entry["load"] = {"seconds": seconds, "queries": queries, "count": loaded["count"],
                         "errors": loaded["errors"], "error_count": loaded["error_count"],
                         "fields_left_out": skipped}
        results[key] = entry
    with open(options.out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
    with open(options.values, "w", encoding="utf-8") as handle:
        json.dump(captured, handle)  # without what create() refuses: the XML-RPC baselines' values


def command_prepare(options):
    registry = Registry(options.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        brl = env.ref("base.BRL")
        brl.active = True
        env.company.write({"country_id": env.ref("base.br").id, "currency_id": brl.id})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["prepare", "run"])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--values", help="JSON of the captured create() values")
    parser.add_argument("--objects", default="companies,people,deals")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--out", help="JSON file of the results")
    options = parser.parse_args()
    odoo.tools.config.parse_config(["-c", options.config, "-d", options.database])
    if options.command == "prepare":
        command_prepare(options)
    else:
        command_run(options)


if __name__ == "__main__":
    main()
