"""The admin's whole path in Chromium, in English and in Brazilian Portuguese: connect
with a bad then a good key, profile with progress that moves live (over the bus, no reload),
confirm a map with unreviewed lines, validate, sample, full migration, open issues and records from the reconciliation,
a migrated partner's provenance, roll back, start over, and the dashboard.

The tours ask for a screenshot of each step (saved in Odoo's screenshots folder, and in
``$CRM_MIGRATION_SCREENSHOTS`` when set: that is how the README's are made) and send the
page's texts: in pt_BR, a line that is an English string of the addon's catalogue fails
the test."""
import base64
import json
import os
import re
import threading
from pathlib import Path
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.addons.bus.models.bus import channel_with_db, dispatch, hashable
from odoo.addons.bus.websocket import WebsocketConnectionHandler
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser
from odoo.tools import config
from odoo.tools.translate import PoFileReader

from ..sandbox.ploomes import PloomesSandbox

SIGNAL = "crm_migration:page "
LIVE = "crm_migration:live "
PT = "pt_BR"
#: Odoo modules whose pt_BR terms the Portuguese tour needs (the screens' chrome).
PT_MODULES = ["base", "web", "mail", "bus", "crm", "sales_team", "contacts", "calendar",
              "crm_migration"]
ADDON = Path(__file__).resolve().parent.parent


def english_strings():
    """Regular expressions of the addon's English strings that pt_BR translates
    differently, each matching a whole line of a page."""
    with open(ADDON / "i18n" / f"{PT}.po", "rb") as po:
        entries = [(entry["src"], entry["value"]) for entry in PoFileReader(po)]
    portuguese_words = {portuguese.strip() for _english, portuguese in entries}
    patterns = {}
    for english, portuguese in entries:
        english = english.strip()
        if english in portuguese_words:
            continue  # "Data" is Portuguese too (for "Date")
        if not portuguese or portuguese.strip() == english or len(english) < 4 or "\n" in english:
            continue
        parts = re.split(r"%\(\w+\)s|%s|%d", english)
        if len(parts) > 1 and len(re.findall(r"[A-Za-z]{2,}", "".join(parts))) < 2:
            continue  # "%(crm)s account": too loose, names in the data match it
        patterns[english] = re.compile(r"\s*" + r"[^\t]+?".join(map(re.escape, parts)) + r"\s*")
    return patterns


@tagged("post_install", "-at_install")
class TestAdminPath(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = PloomesSandbox(seed=41, scale=30, rate_limit=0).start()
        cls.addClassCleanup(cls.sandbox.stop)
        # Odoo refuses websockets in tests: the live progress step needs the bus
        cls.startClassPatcher(patch.object(WebsocketConnectionHandler, "websocket_allowed",
                                           return_value=True))

    def setUp(self):
        super().setUp()
        self.pages = []
        defaults = self.env["ir.default"]
        defaults.set("crm.migration.setup", "url", self.sandbox.base_url)
        defaults.set("crm.migration.setup", "api_key", self.sandbox.key)

    # -- the browser -------------------------------------------------------------------

    def tour(self, name, url="/odoo"):
        """Run one tour, keeping the pages it sends and their screenshots."""
        test, original = self, ChromeBrowser._handle_console

        def handle_console(browser, type, args=None, **kw):  # pylint: disable=redefined-builtin
            text = str(browser._from_remoteobject(args[0])) if args else ""
            if type == "log" and text.startswith(SIGNAL):
                page = json.loads(text[len(SIGNAL):])
                test.pages.append(page)
                filename = f"{test.language}_{len(test.pages):02d}_{page['name']}.png"
                browser._websocket_send("Page.captureScreenshot", with_future=True) \
                    .add_done_callback(lambda future: test.save_screenshot(filename, future))
            elif type == "log" and text.startswith(LIVE):
                test.live = threading.Thread(target=test.live_batch, name="crm_migration_live")
                test.live.start()
            return original(browser, type, args=args, **kw)

        with patch.object(ChromeBrowser, "_handle_console", handle_console):
            self.start_tour(url, name, login="admin", timeout=180)

    def save_screenshot(self, filename, future):
        image = base64.b64decode(future.result(timeout=0)["data"])
        folders = [Path(config["screenshots"]) / self.env.cr.dbname / "crm_migration"]
        if os.environ.get("CRM_MIGRATION_SCREENSHOTS"):
            folders.append(Path(os.environ["CRM_MIGRATION_SCREENSHOTS"]))
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / filename).write_bytes(image)

    # -- the scheduler -------------------------------------------------------------------

    def run_of(self):
        return self.env["crm.migration.run"].search(
            [("source_id.name", "=", "Tour account")], order="id desc", limit=1)

    def background(self, run, state):
        """What the scheduler does between two tours: the run's step to its end."""
        run.invalidate_recordset()
        run._run_to_end()
        self.assertEqual(run.state, state, run.error)
        return run

    def live_batch(self):
        """A batch of the open run, as a worker would run it while the admin watches; then
        what the bus's dispatcher does on a real server (tests keep it from running):
        wake the websockets of the Migration users."""
        with self.registry.cursor() as cr:  # serialized with the browser's requests
            run = api.Environment(cr, SUPERUSER_ID, {})["crm.migration.run"].browse(self.live_run)
            run._process_batch()
            group = run.env.ref("crm_migration.group_crm_migration_user")
        channel = hashable(channel_with_db(self.registry.db_name, group))
        for websocket in list(dispatch._channels_to_ws.get(channel, ())):
            websocket.trigger_notification_dispatching()

    def url(self, record):
        return f"/odoo/{record._name}/{record.id}"

    # -- the path ----------------------------------------------------------------------

    def admin_path(self):
        self.tour("crm_migration_connect")
        run = self.run_of()
        self.assertEqual(run.job, "extract")
        self.assertEqual(run.source_id.url, self.sandbox.base_url)
        self.assertEqual(run.source_id.api_key, self.sandbox.key, "the good key was kept")
        run.source_id.page_size = 10  # several pages per object: progress to see
        contacts = run.phase_ids.filtered(lambda p: p.kind == "extract" and p.key == "Contacts")
        while contacts.state == "pending" or not contacts.done:
            self.assertTrue(run._process_batch())
        self.assertIn(f"of {contacts.total} records", run.progress_text)
        self.assertLess(run.progress, 100.0)
        self.live_run, done = run.id, contacts.done
        self.tour("crm_migration_progress", self.url(run))
        self.live.join()
        contacts.invalidate_recordset()
        self.assertGreater(contacts.done, done, "the tour saw a batch run while it watched")
        self.background(run, "profiled")
        lines = run.source_id._current_map().line_ids.filtered(lambda l: not l.reviewed)
        self.assertTrue(lines, "the sandbox leaves lines to review")
        lines[:1].confidence = 0.3  # one the proposal is unsure of: confirming asks first
        self.assertEqual(run.map_low_confidence_count, 1)
        self.tour("crm_migration_map", self.url(run))
        self.assertEqual(run.source_id._current_map().state, "confirmed")
        self.background(run, "validated")
        self.tour("crm_migration_sample", self.url(run))
        self.background(run, "sampled")
        self.tour("crm_migration_full", self.url(run))
        self.background(run, "done")
        self.tour("crm_migration_done", self.url(run))
        company = self.env["crm.migration.identity"].search([
            ("source_id", "=", run.source_id.id), ("res_model", "=", "res.partner")], limit=1)
        self.tour("crm_migration_provenance", f"/odoo/res.partner/{company.res_id}")
        self.tour("crm_migration_rollback", self.url(run))
        self.background(run, "rolled_back")
        self.tour("crm_migration_start_over", self.url(run))
        self.assertEqual(self.run_of().state, "draft", "a new run of the same source")
        self.assertNotEqual(self.run_of(), run)
        names = [page["name"] for page in self.pages]
        self.assertEqual(names, [
            "connect", "bad_key", "run_draft", "profiling", "profiled", "map", "confirm_map",
            "validated", "sampled", "done", "issues", "provenance", "rollback_confirm",
            "rolled_back", "new_run", "dashboard"])

    def test_admin_path_in_english(self):
        self.language = "en_US"
        self.admin_path()
        bad_key = next(page for page in self.pages if page["name"] == "bad_key")
        self.assertNotIn("not-the-key-0000", bad_key["texts"], "the key is never shown")

    def test_admin_path_in_portuguese(self):
        self.language = PT
        self.env["res.lang"]._activate_lang(PT)
        self.env["ir.module.module"]._load_module_terms(PT_MODULES, [PT], overwrite=True)
        self.env.ref("base.user_admin").lang = PT
        self.admin_path()
        english = english_strings()
        left = sorted({(page["name"], cell.strip(), line.strip()) for page in self.pages
                       for line in page["texts"].splitlines() for cell in line.split("\t")
                       if any(pattern.fullmatch(cell) for pattern in english.values())})
        self.assertFalse(left, "English strings on pt_BR screens:\n" + "\n".join(
            f"{name}: {cell!r} in {line!r}" for name, cell, line in left))
