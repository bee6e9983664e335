"""Precision of the automatic field-map proposal.

1. Labelled cases (``mapping/tests/cases/labelled_fields.json``): share of
   fields whose top proposal is the expected one, overall and per source type.
2. The sandbox's custom fields, when ``sandbox.ploomes`` is importable: share
   of proposals whose target can hold the field's type and values.

Usage: ``python benchmarks/bench_proposal.py [--seed 1] [--scale 200] [--records 2000] [-v]``
"""
# A command-line benchmark: printing its figures is its output.
# pylint: disable=print-used
import argparse
import itertools
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]
__import__("checkout_package").register()

from crm_migration.mapping.profile import (SourceFieldInfo, profile_object,  # noqa: E402
                                           profile_values)
from crm_migration.mapping.propose import (NEW_TTYPES, ODOO_TARGETS, compatibility,  # noqa: E402
                                           propose_field, propose_object)
from crm_migration.sources.ploomes import SCHEMA, SPEC  # noqa: E402
from crm_migration.sources.ploomes.fields import source_field  # noqa: E402

CASES = ROOT / "mapping" / "tests" / "cases" / "labelled_fields.json"
CUSTOM_OBJECTS = [obj for obj in SCHEMA.objects if obj.custom_scope is not None]


def load_cases(path=CASES):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def case_field(case):
    """The :class:`SourceFieldInfo` of a labelled case."""
    options = tuple(enumerate(case.get("options", ()), start=1))
    return SourceFieldInfo(f"OtherProperties/case_{case['id']}", f"case_{case['id']}",
                           case["label"], case["type"], options,
                           multiple=bool(case.get("multiple")) or case["type"] == "options")


def case_profile(case):
    return profile_values(list(case["samples"]) + [None] * case.get("empty", 0))


def outcome(proposal):
    """A proposal in the notation of the cases: field name, ``new:<ttype>`` or ``skip``."""
    if proposal.action == "new":
        return f"new:{proposal.new_field_type}"
    return proposal.target if proposal.action == "existing" else "skip"


def propose_case(case, data):
    model = data["models"][case["object"]]
    return propose_field(case_field(case), case_profile(case), ODOO_TARGETS[model],
                         prefix=SCHEMA.prefix, taken=frozenset(data["standard"][case["object"]]), model=model)


def labelled_results(data=None):
    """``[(case, proposal)]`` of every labelled case."""
    data = data or load_cases()
    return [(case, propose_case(case, data)) for case in data["cases"]]


def precision(results):
    """Overall precision and ``{source type: (correct, total)}``."""
    per_type = defaultdict(lambda: [0, 0])
    for case, proposal in results:
        per_type[case["type"]][0] += outcome(proposal) == case["expected"]
        per_type[case["type"]][1] += 1
    correct = sum(c for c, _t in per_type.values())
    return correct / len(results), {k: tuple(v) for k, v in sorted(per_type.items())}


def print_labelled(verbose):
    results = labelled_results()
    overall, per_type = precision(results)
    print(f"Labelled cases: {len(results)}; top-proposal precision {overall:.3f}")
    for name in sorted({case["set"] for case, _proposal in results}):
        subset = [(case, proposal) for case, proposal in results if case["set"] == name]
        print(f"  set {name:<8} {precision(subset)[0]:.3f} ({len(subset)} cases)")
    print("  per source type:")
    for kind, (correct, total) in per_type.items():
        print(f"  {kind:<10} {correct:>3}/{total:<3} {correct / total:.2f}")
    for case, proposal in results:
        got = outcome(proposal)
        if verbose or got != case["expected"]:
            mark = "ok  " if got == case["expected"] else "MISS"
            print(f"  {mark} #{case['id']:<3} {case['object']:<9} {case['label']!r} "
                  f"({case['type']}): "
                  f"expected {case['expected']}, got {got} ({proposal.confidence:.2f}: "
                  f"{proposal.reasons_text()})")


# -- sandbox ----------------------------------------------------------------------------------

def sandbox_fields(dataset):
    """``{entity id: [SourceFieldInfo]}`` of the sandbox's custom fields."""
    by_entity = defaultdict(list)
    for definition in dataset.iter("Fields"):
        if definition.get("Dynamic") and any(o.custom_scope == definition.get("EntityId")
                                             for o in CUSTOM_OBJECTS):
            by_entity[definition["EntityId"]].append(source_field(definition))
    return by_entity


def object_payloads(dataset, obj, limit):
    return itertools.islice((p for p in dataset.iter(obj.entity) if obj.accepts(p)), limit)


def standard_targets(object_key, data):
    """Odoo fields the built-in table fills for an object (the lead's schema, else the cases')."""
    known = {obj.key: obj for obj in SCHEMA.objects}
    if object_key not in known:
        return frozenset(data["standard"].get(object_key, ()))
    names = set()
    for spec in known[object_key].fields:
        if spec.target:
            names.add(spec.target)
        names.update(spec.params[k] for k in ("mobile_target", "extra_target", "child_target")
                     if spec.params.get(k))
        names.update(aux[0] for aux in spec.aux_fields)
    return frozenset(names)


def judged(field_info, profile, proposal, targets):
    """Whether a proposal's target can hold the field (skip: only when nothing to migrate)."""
    if proposal.action == "skip":
        return NEW_TTYPES.get(field_info.type) is None or not profile.filled
    if proposal.action == "new":
        ttype, relation = proposal.new_field_type, proposal.params.get("relation")
    else:
        target = next(t for t in targets if t.name == proposal.target)
        ttype, relation = target.ttype, target.relation
    fit = compatibility(field_info.type, ttype, relation)
    if fit and fit.startswith("if:"):
        return profile.patterns.get(fit[3:], 0.0) == 1.0
    return fit is not None


def print_sandbox(seed, scale, limit, verbose):
    try:
        from sandbox.ploomes import PloomesSandbox
    except ImportError:
        print("Sandbox: sandbox.ploomes is not importable; skipped.")
        return
    data = load_cases()
    sandbox = PloomesSandbox(seed=seed, scale=scale).start()
    try:
        fields = sandbox_fields(sandbox.dataset)
        per_type, rows = defaultdict(lambda: [0, 0]), []
        for obj in CUSTOM_OBJECTS:
            if obj.model not in ODOO_TARGETS:
                continue
            infos = fields.get(obj.custom_scope, [])
            payloads = object_payloads(sandbox.dataset, obj, limit)
            profiles = profile_object(payloads, [f.path for f in infos], SPEC.value_at,
                                      SPEC.row_value)
            proposals = propose_object(infos, profiles, ODOO_TARGETS[obj.model], model=obj.model,
                                       prefix=SCHEMA.prefix,
                                       taken=standard_targets(obj.key, data))
            for info, proposal in zip(infos, proposals, strict=True):  # one per field
                good = judged(info, profiles[info.path], proposal, ODOO_TARGETS[obj.model])
                per_type[info.type][0] += good
                per_type[info.type][1] += 1
                rows.append((good, obj.key, info, proposal))
    finally:
        sandbox.stop()
    correct, total = sum(v[0] for v in per_type.values()), sum(v[1] for v in per_type.values())
    print(f"Sandbox (seed {seed}, scale {scale}, up to {limit} records per object): "
          f"{total} custom fields; type-compatible proposals {correct / total:.3f}")
    actions = Counter(proposal.action for _good, _key, _info, proposal in rows)
    print("  proposals: " + ", ".join(f"{n} {action}" for action, n in sorted(actions.items())))
    for kind, (good, count) in sorted(per_type.items()):
        print(f"  {kind:<10} {good:>3}/{count:<3} {good / count:.2f}")
    for good, object_key, info, proposal in rows:
        if verbose or not good:
            target = proposal.target or "-"
            print(f"  {'ok  ' if good else 'BAD '} {object_key:<9} {info.label!r} ({info.type}) -> "
                  f"{proposal.action} {target} {proposal.new_field_type or ''} "
                  f"({proposal.confidence:.2f}: {proposal.reasons_text()})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=int, default=200)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every proposal")
    args = parser.parse_args(argv)
    print_labelled(args.verbose)
    print()
    print_sandbox(args.seed, args.scale, args.records, args.verbose)


if __name__ == "__main__":
    main()
