"""The source spec and registry: what the engine reads a source through, and how little it knows."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crm_migration.mapping.converters import (GENERIC, ConversionContext, ConversionError,
                                              Converters, convert)
from crm_migration.mapping.schema import Entity, SourceField, SourceObject, SourceSchema
from crm_migration.mapping.spec import Defaults, Registry, SourceSpec, UserFields
from crm_migration.mapping.transform import MapLine

ROOT = Path(__file__).resolve().parents[2]


def toy_spec(kind="toy", converters=GENERIC):
    people = SourceObject("people", "People", "People", "Pessoas", "res.partner", 10,
                          fields=(SourceField("name", "Name", "Nome", "string", "name"),))
    return SourceSpec(
        kind=kind, label=kind.title(),
        schema=SourceSchema(kind, kind.title(), (Entity("People"),), (people,), prefix=f"x_{kind}_"),
        defaults=Defaults(url="https://toy.example", rate_limit=60, page_size=10, page_cap=50),
        make_client=lambda config: None, record_key=lambda payload: payload.get("id"),
        updated_at=lambda payload: None, users=UserFields("Users", name=str, email=str),
        converters=converters,
    )


def test_registry_lists_sources_in_order_and_refuses_two_of_a_kind():
    one, two = toy_spec("one"), toy_spec("two")
    registry = Registry(one, two)
    assert registry.kinds() == ["one", "two"]
    assert registry.selection() == [("one", "One"), ("two", "Two")]
    assert registry.default is one and registry["two"] is two
    with pytest.raises(ValueError):
        Registry(one, toy_spec("one"))
    with pytest.raises(KeyError, match="known: one, two"):
        registry["three"]  # noqa: B018  # pylint: disable=pointless-statement  # the lookup raises


def test_a_source_added_for_a_block_is_gone_after_it():
    registry = Registry(toy_spec("one"))
    with registry.added(toy_spec("toy")) as spec:
        assert "toy" in registry and registry["toy"] is spec
    assert "toy" not in registry and registry.kinds() == ["one"]


def test_converter_sets_combine_and_carry_a_source_s_default_params():
    own = Converters()

    @own.register("shout")
    def shout(value, line, record, ctx):
        return {line.target: str(value).upper() + line.params.get("end", "")}

    combined = GENERIC.with_params({"lookup_name": {"name_field": "label"}}) | own
    assert "direct" in combined and "shout" in combined and "shout" not in GENERIC
    assert combined.params(MapLine("a", "b", "lookup_name")) == {"name_field": "label"}
    assert combined.params(MapLine("a", "b", "lookup_name", {"name_field": "x"})) == {"name_field": "x"}

    class Ctx(ConversionContext):
        spec = toy_spec(converters=combined)

        def lookup(self, entity, key):
            return {"label": "Gerente"}

    assert convert(MapLine("role", "function", "lookup_name", {"entity": "Roles"}),
                   {"role": 3}, Ctx()) == {"function": "Gerente"}
    assert convert(MapLine("name", "x", "shout", {"end": "!"}), {"name": "oi"}, Ctx()) == {"x": "OI!"}
    with pytest.raises(ConversionError):
        convert(MapLine("name", "x", "shout"), {"name": "oi"}, ConversionContext())


def test_pure_packages_import_without_odoo():
    """mapping, sources (every plugin but its Odoo models) and sandbox import with no Odoo."""
    code = (
        "import sys; sys.modules['odoo'] = None\n"
        f"sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tools')!r}]\n"
        "import checkout_package; checkout_package.register()\n"
        "import crm_migration.mapping.propose, crm_migration.mapping.profile\n"
        "from crm_migration.sources import SOURCES\n"
        "import sandbox.ploomes\n"
        "print(','.join(SOURCES.kinds()))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "ploomes" in result.stdout.strip().split(",")


#: What only a source knows: its names and its payload vocabulary.
SOURCE_WORDS = re.compile(
    r"(?i:ploomes|bloomr|odata|nextlink)|OtherProperties|FieldKey|LastUpdateDate|TypeId|EntityId"
    r"|\$filter|\$expand|\$top|\"Id\"|'Id'")
ENGINE = ("mapping", "models", "wizards", "cli", "views", "data", "security", "static")


def test_the_engine_names_no_source():
    """Outside the source packages (and tests), no code file names a source or its payload keys."""
    found = []
    for folder in ENGINE:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".xml", ".js", ".csv") or "tests" in path.parts:
                continue
            for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if SOURCE_WORDS.search(text):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {text.strip()}")
    assert not found, "\n".join(found)
