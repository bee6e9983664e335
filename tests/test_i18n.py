"""Brazilian Portuguese: the catalog is complete and Odoo uses it.

``i18n/crm_migration.pot`` is regenerated and merged into ``i18n/pt_BR.po``
by ``make i18n``; these tests fail when a msgid is left untranslated (or
fuzzy), when a translation loses a placeholder, or when the catalog does not
load.
"""
import re
from pathlib import Path

import polib

from odoo.exceptions import UserError
from odoo.tests import TransactionCase

I18N = Path(__file__).resolve().parent.parent / "i18n"
LANG = "pt_BR"
#: %s, %(name)s, {name}, {score:.2f}, HTML tags, and line breaks must survive translation.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\w*(?::[^{}]*)?\}|</?\w+[^>]*>|\n")


#: Attributes whose values are texts a translation translates.
TEXT_ATTRIBUTES = re.compile(r'\s(?:title|aria-label|placeholder|alt)="[^"]*"')


def placeholders(text):
    return sorted(PLACEHOLDER.findall(TEXT_ATTRIBUTES.sub("", text)))


class TestCatalog(TransactionCase):
    """The files themselves (no database needed, but run with the addon's suite)."""

    def test_every_msgid_of_the_template_is_translated(self):
        pot = polib.pofile(str(I18N / "crm_migration.pot"))
        po = polib.pofile(str(I18N / f"{LANG}.po"))
        translations = {entry.msgid: entry for entry in po if not entry.obsolete}
        self.assertTrue(len(pot) > 400, "the template looks truncated")
        missing = [entry.msgid for entry in pot if entry.msgid not in translations]
        self.assertFalse(missing, f"msgids of the template missing from {LANG}.po: {missing}")
        untranslated = [entry.msgid for entry in po
                        if not entry.obsolete and (not entry.msgstr.strip() or "fuzzy" in entry.flags)]
        self.assertFalse(untranslated, f"untranslated or fuzzy msgids in {LANG}.po: {untranslated}")

    def test_placeholders_are_kept(self):
        po = polib.pofile(str(I18N / f"{LANG}.po"))
        broken = [(entry.msgid, entry.msgstr) for entry in po
                  if not entry.obsolete and placeholders(entry.msgid) != placeholders(entry.msgstr)]
        self.assertFalse(broken, f"translations that lose or add a placeholder: {broken}")


class TestBrazilianPortuguese(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Lang = cls.env["res.lang"]
        if not Lang._activate_lang(LANG):
            Lang._create_lang(LANG)
        cls.env["ir.module.module"]._load_module_terms(["crm_migration"], [LANG], overwrite=True)
        cls.env.invalidate_all()
        cls.pt_env = cls.env(context=dict(cls.env.context, lang=LANG))

    def test_menu_name(self):
        self.assertEqual(self.pt_env.ref("crm_migration.menu_crm_migration_users").name,
                         "Conciliação de usuários")
        self.assertEqual(self.pt_env.ref("crm_migration.menu_crm_migration_root").name, "Migração")

    def test_field_string_and_help(self):
        fields = self.pt_env["crm.migration.run"].fields_get(["sample_size"])
        self.assertEqual(fields["sample_size"]["string"], "Tamanho da amostra")
        self.assertEqual(fields["sample_size"]["help"],
                         "Registros por objeto carregados pela migração de amostra.")

    def test_selection_label(self):
        states = dict(self.pt_env["crm.migration.run"].fields_get(["state"])["state"]["selection"])
        self.assertEqual(states["mapped"], "Mapeamento confirmado")
        self.assertEqual(states["rolled_back"], "Revertido")

    def test_model_description(self):
        self.assertEqual(self.pt_env["ir.model"]._get("crm.migration.run").name, "Execução de migração")

    def test_python_message(self):
        self.assertEqual(self.pt_env._("Profile the source first: it has no map yet."),
                         "Analise a fonte primeiro: ela ainda não tem mapeamento.")
        self.assertEqual(self.pt_env._("Nothing left to resume in %s.", "MIG/0001"),
                         "Não há nada a retomar em MIG/0001.")

    def test_user_error_raised_in_portuguese(self):
        source = self.env["crm.migration.source"].create({"name": "S", "url": "http://127.0.0.1:1"})
        run = self.env["crm.migration.run"].create({"source_id": source.id})
        with self.assertRaises(UserError) as caught:
            run.with_context(lang=LANG).action_confirm_map()
        self.assertEqual(str(caught.exception), "Analise a fonte primeiro: ela ainda não tem mapeamento.")

    def test_step_names_in_messages(self):
        source = self.env["crm.migration.source"].create({"name": "S", "url": "http://127.0.0.1:1"})
        run = self.env["crm.migration.run"].create({"source_id": source.id, "job": "extract"})
        self.assertEqual(run.with_env(self.pt_env)._job_label(), "Extraindo")
        with self.assertRaisesRegex(UserError, r"já está em andamento \(extraindo\)"):
            run.with_env(self.pt_env)._start_job("extract")

    def test_phases_named_in_the_admins_language(self):
        source = self.env["crm.migration.source"].create({"name": "S", "url": "http://127.0.0.1:1"})
        run = self.env["crm.migration.run"].create({"source_id": source.id})
        names = {phase["key"]: phase["name"] for phase in run.with_env(self.pt_env)._plan("profile", False)}
        self.assertEqual((names["companies"], names["deals"]), ("Empresas", "Negócios"))
        names = {phase["key"]: phase["name"] for phase in run._plan("profile", False)}
        self.assertEqual((names["companies"], names["deals"]), ("Companies", "Deals"))

    def test_source_errors(self):
        from ..sources import AuthenticationError
        message = self.pt_env["crm.migration.source"]._error_message(AuthenticationError("HTTP 401"))
        self.assertEqual(message, "A fonte recusou a chave de API.\nHTTP 401")

    def test_converter_problems(self):
        """Problems of the pure converters are translated when logged, then formatted."""
        from ..mapping.converters import ConversionContext, ConversionError, convert
        from ..mapping.transform import MapLine, Problem
        line = MapLine("V", "x_n", "integer")
        with self.assertRaises(ConversionError) as caught:
            convert(line, {"V": "abc"}, ConversionContext())
        problem = Problem(caught.exception.code, caught.exception.template, "error",
                          params=caught.exception.params, prefix="V → x_n: ")
        self.assertEqual(self.pt_env["crm.migration.loader"]._problem_text(problem),
                         "V → x_n: 'abc' não é um número inteiro.")
        self.assertEqual(self.env["crm.migration.loader"]._problem_text(problem),
                         "V → x_n: 'abc' is not a whole number.")

    def test_lazy_reason_text(self):
        """Reasons of a proposal are _lt() templates formatted with their values."""
        from ..models.crm_migration_map import REASON_TEXTS
        template = REASON_TEXTS["new_field"]  # not inside _(): Babel would take the key for a msgid
        # pylint: disable-next=translation-injection  # the _lt() template is str.format-ted by design
        self.assertEqual(self.pt_env._(template).format(ttype="char"), "novo campo char")
