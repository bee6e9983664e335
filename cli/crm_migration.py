"""``odoo-bin crm_migration``: run, resume and roll back migrations headless.

For ops people and cron jobs::

    odoo-bin --addons-path=... crm_migration run -c odoo.conf -d DB \\
        --source KIND --url URL (--key KEY | --key-file PATH | --key-env NAME) \\
        [--sample N] [--accept-proposed-map] [--fallback-user LOGIN]

    odoo-bin ... crm_migration map export|import -c odoo.conf -d DB \\
        --source KIND --url URL --file map.json [--key KEY | --key-file PATH | --key-env NAME] \\
        [--confirm]

    odoo-bin ... crm_migration profile -c odoo.conf -d DB --source KIND --url URL \\
        [--key K | --token T | --user U --password P] [--token-url URL] [--confirm]

    odoo-bin ... crm_migration run -c odoo.conf -d DB --source KIND \\
        --file EXPORT.zip|DIR [--accept-proposed-map]

``profile`` probes a source without API documentation read-only and prints what it found
(auth style, collections with their paging style and record counts, fields); exit 1 when
nothing usable was found. ``run`` probes such a source first when its profile is not
confirmed (``--accept-proposed-map`` confirms the profile too). ``--token`` is the key of a
bearer API; ``--user``/``--password`` are the API user and its password (or OAuth2 client id
and secret, with ``--token-url``).

Sources read from an export (a CRM's CSV export) take ``--file`` (a zip, a CSV file or a folder
of them) instead of ``--url`` and a key; the export is profiled like an API (which file is
which object, which column which field) and migrating a later export updates what changed.

``--key-file`` and ``--key-env`` keep the key out of the process list and the shell
history; blanks around the key (a trailing line break) are dropped.

KIND is one of the registered sources (``--help`` lists them).
    odoo-bin ... crm_migration rollback -c odoo.conf -d DB --run MIG/0001|last [--dry-run] [--force]

``rollback`` keeps the records people worked on since the run (edited, given a message, an
activity or a file, or pointed at by a record a person created) and what they need, unless
``--force``; ``--dry-run`` prints those conflicts and changes nothing. ``--run last`` is the
newest run of the database that can be rolled back.

    odoo-bin ... crm_migration report -c odoo.conf -d DB --run MIG/0001 \\
        --format pdf|html|csv --out FILE [--report reconciliation|inventory] [--lang pt_BR]

``report`` writes a run's reconciliation report for sign-off or its discovery inventory (PDF
through wkhtmltopdf, or HTML), or as CSV every issue and every difference the run's latest
passes left.

Exit status: 0 when the run completed (records that failed are counted and
logged), 1 when it could not complete (bad key, unreachable source, a crash),
2 when it needs a person first (unconfirmed map, bad arguments).
"""
# pylint: disable=print-used,invalid-commit  # a command: it prints to its terminal and commits each batch
import argparse
import json
import os
import sys
import time
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api
from odoo.cli import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.registry import Registry

from ..models.crm_migration_source import clean_key
from ..sources import SOURCES
from ..sources.files import path_entries

EXIT_OK, EXIT_FAILED, EXIT_NEEDS_ADMIN = 0, 1, 2
COLUMNS = (("total", "Source"), ("created", "Created"), ("linked", "Linked"),
           ("updated", "Updated"), ("unchanged", "Unchanged"), ("skipped", "Skipped"),
           ("failed", "Failed"), ("verified", "Verified"))
ROLLBACK_COLUMNS = (("total", "To undo"), ("removed", "Removed"), ("restored", "Restored"),
                    ("kept", "Kept"), ("failed", "Not undone"))
#: The states of the runs a rollback may undo (the run form's Roll back button).
ROLLBACK_STATES = ("sampled", "running", "done", "failed")


class NeedsAdmin(Exception):
    """The run waits for a decision an admin must take."""


def reconciliation_table(phases, columns=COLUMNS):
    """The reconciliation of a step as a plain-text table."""
    width = max([len("Phase")] + [len(p.name) for p in phases])
    head = "Phase".ljust(width) + "".join(label.rjust(11) for _f, label in columns)
    rows = [head, "-" * len(head)]
    for phase in phases:
        row = phase.name.ljust(width) + "".join(str(phase[f]).rjust(11) for f, _l in columns)
        if phase.notice:
            row += f"  {phase.notice}"
        rows.append(row)
    return "\n".join(rows)


class Progress:
    """Prints where a run is, at most every few seconds and at each new phase."""

    def __init__(self, out, every=5.0):
        self.out = out
        self.every = every
        self.last = (None, 0.0)

    def __call__(self, run):
        phase = run.phase_ids.filtered(
            lambda p: p.kind == run.job and p.state == "running")[:1] if run.job else None
        now = time.monotonic()
        if phase and (phase.id != self.last[0] or now - self.last[1] >= self.every):
            total = f"/{phase.total}" if phase.total else ""
            self.out.write(f"  [{phase.kind}] {phase.name}: {phase.done}{total}\n")
            self.out.flush()
            self.last = (phase.id, now)


class CrmMigration(Command):
    """Run, resume or roll back a CRM migration headless"""

    name = "crm_migration"

    def run(self, args):
        parser = self.parser()
        options = parser.parse_args(args)
        if not options.command:
            parser.print_help()
            sys.exit(EXIT_NEEDS_ADMIN)
        if options.command in ("run", "map", "profile"):
            try:
                options.key = self.read_key(options)
                self.check_place(options)
            except NeedsAdmin as exc:
                print(exc, file=sys.stderr)
                sys.exit(EXIT_NEEDS_ADMIN)
        config_args = ["-d", options.database]
        if options.config:
            config_args = ["-c", options.config] + config_args
        odoo.tools.config.parse_config(config_args)
        registry = Registry(options.database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            try:
                code = getattr(self, f"command_{options.command}")(env, options)
            except NeedsAdmin as exc:
                cr.commit()
                print(f"\n{exc}", file=sys.stderr)
                code = EXIT_NEEDS_ADMIN
            cr.commit()
        sys.exit(code)

    def parser(self):
        parser = argparse.ArgumentParser(prog="odoo-bin crm_migration", description=self.__doc__)
        sub = parser.add_subparsers(dest="command")
        run = sub.add_parser("run", help="profile, map, validate and load a source (resumes an "
                                         "interrupted run of the same source)")
        self.add_db_options(run)
        run.add_argument("--source", required=True, choices=SOURCES.kinds(), help="kind of source")
        self.add_place_options(run)
        self.add_key_options(run, required=False, text="API key of the source (" + ", ".join(
            f"{spec.kind}: {spec.key_label}" for spec in SOURCES if not spec.reads_export) + ")")
        self.add_login_options(run)
        run.add_argument("--name", help="name of the source in Odoo (default: derived from the URL)")
        run.add_argument("--sample", type=int, metavar="N",
                         help="load only N records per object (sample migration)")
        run.add_argument("--accept-proposed-map", action="store_true",
                         help="confirm the proposed field map without review")
        run.add_argument("--fallback-user", metavar="LOGIN",
                         help="owner of records whose source owner has no Odoo user")
        run.add_argument("--batch-size", type=int, help="records per transaction")
        run.add_argument("--rate-limit", type=int, help="requests per minute (default: the source's)")
        run.add_argument("--retries", type=int, help="retries of a failed request (default 6)")
        run.add_argument("--backoff", type=float,
                         help="first wait in seconds before a retry, doubling each time (default 1)")
        fmap = sub.add_parser("map", help="export or import the field map of a source (JSON)")
        self.add_db_options(fmap)
        fmap.add_argument("action", choices=["export", "import"])
        fmap.add_argument("--source", required=True, choices=SOURCES.kinds(), help="kind of source")
        fmap.add_argument("--url", required=True, help="base URL of the source API")
        self.add_key_options(fmap, required=False,
                             text="API key, to create the source when importing")
        fmap.add_argument("--file", required=True, help="the JSON file to write or read")
        fmap.add_argument("--confirm", action="store_true", help="confirm the imported map")
        profile = sub.add_parser("profile", help="probe a source's API read-only and print "
                                                 "what it found (sources without API docs)")
        self.add_db_options(profile)
        profile.add_argument("--source", required=True, help="kind of source",
                             choices=[spec.kind for spec in SOURCES if spec.probe])
        self.add_place_options(profile)
        self.add_key_options(profile, required=False, text="API key, token or password")
        self.add_login_options(profile)
        profile.add_argument("--name", help="name of the source in Odoo")
        profile.add_argument("--rate-limit", type=int,
                             help="requests per minute (default: the source's, 60 for a new one)")
        profile.add_argument("--confirm", action="store_true",
                             help="confirm the profile found (else review it in Odoo)")
        rollback = sub.add_parser("rollback", help="undo a run")
        self.add_db_options(rollback)
        rollback.add_argument("--run", required=True, metavar="NAME",
                              help="e.g. MIG/0001, or last: the newest run that can be rolled back")
        rollback.add_argument("--dry-run", action="store_true",
                              help="print the records people worked on since the run (kept by "
                                   "the rollback) and change nothing")
        rollback.add_argument("--force", action="store_true",
                              help="roll back the records people worked on since the run too")
        rollback.add_argument("--as-user", metavar="LOGIN", default="admin",
                              help="the Odoo user whose rights the rollback runs with: what they "
                                   "may not undo is left and reported (default: admin)")
        report = sub.add_parser("report", help="write a run's reconciliation report")
        self.add_db_options(report)
        report.add_argument("--run", required=True, metavar="NAME", help="e.g. MIG/0001")
        report.add_argument("--format", choices=("pdf", "html", "csv"), default="pdf",
                            help="pdf (needs wkhtmltopdf), html, or csv: every issue and difference")
        report.add_argument("--report", choices=("reconciliation", "inventory"),
                            default="reconciliation",
                            help="the reconciliation for sign-off, or the discovery inventory")
        report.add_argument("--out", required=True, metavar="FILE", help="where to write it")
        report.add_argument("--lang", help="language of the report, e.g. pt_BR (default: "
                                           "the run creator's)")
        return parser

    def add_place_options(self, parser):
        """Where the source is: an API's URL, or the files of an export."""
        parser.add_argument("--url", help="base URL of the source API")
        parser.add_argument("--file", metavar="EXPORT",
                            help="sources read from an export: its zip, CSV file or folder")

    def check_place(self, options):
        """An API source needs --url and a key; an export source --file."""
        if not hasattr(options, "url") or options.command == "map":
            return
        spec = SOURCES[options.source]
        if spec.reads_export:
            if not options.file:
                raise NeedsAdmin(f"{spec.label} is read from an export: pass --file "
                                 "EXPORT.zip (or a CSV file, or a folder of them).")
            if not os.path.exists(options.file):
                raise NeedsAdmin(f"No file or folder {options.file}.")
        elif not options.url or options.key is None:
            raise NeedsAdmin(f"{spec.label} is read through its API: pass --url and its "
                             "key (--key, --key-file or --key-env).")

    def add_login_options(self, parser):
        """The API user and the OAuth2 token URL of sources that need them."""
        parser.add_argument("--user", help="API user (Basic, session login) or OAuth2 client id; "
                                           "the key is then its password or client secret")
        parser.add_argument("--token-url", help="OAuth2 token URL")

    def add_key_options(self, parser, required, text):
        """--key, --key-file, --key-env (or --token, --password, their synonyms): one of them."""
        keys = parser.add_mutually_exclusive_group(required=required)
        keys.add_argument("--key", "--token", "--password", dest="key", help=text)
        keys.add_argument("--key-file", metavar="PATH", help="read the API key from this file")
        keys.add_argument("--key-env", metavar="NAME",
                          help="read the API key from this environment variable")

    def read_key(self, options):
        """The API key the options give, stripped; None when they give none."""
        if options.key_file:
            try:
                with open(options.key_file, encoding="utf-8") as handle:
                    key = handle.read()
            except OSError as exc:
                raise NeedsAdmin(
                    f"Cannot read the key file {options.key_file}: {exc.strerror}.") from None
            except UnicodeDecodeError:
                raise NeedsAdmin(f"The key file {options.key_file} is not UTF-8 text.") from None
        elif options.key_env:
            key = os.environ.get(options.key_env)
            if key is None:
                raise NeedsAdmin(f"The environment variable {options.key_env} is not set.")
        else:
            key = options.key
        if key is None:
            return None
        try:
            key = clean_key(key)
        except ValueError:
            raise NeedsAdmin("The API key contains line breaks, tabs or other control "
                             "characters: copy it again without them.") from None
        if not key:
            raise NeedsAdmin("The API key is empty.")
        return key

    def add_db_options(self, parser):
        parser.add_argument("-c", "--config", help="Odoo configuration file")
        parser.add_argument("-d", "--database", required=True, help="Odoo database")

    # -- run -----------------------------------------------------------------------

    def command_profile(self, env, options):
        """Probe the source's API, print what was found; 1 when nothing usable."""
        source = self.ensure_source(env, options)
        probe = self.probe(source)
        if probe is None:
            return EXIT_FAILED
        if not probe.usable:
            return EXIT_FAILED
        if options.confirm:
            source.action_confirm_api_profile()
            print(f"\nProfile of {source.name} confirmed.")
        else:
            print(f"\nReview and confirm the profile in Odoo (CRM › Migration › Sources › "
                  f"{source.name}), or pass --confirm.")
        return EXIT_OK

    def probe(self, source):
        """Probe ``source`` and print what was found; None when the probe could not run."""
        print(f"Profiling {source.url} (read-only)…")
        try:
            probe = source._probe_api()
        except UserError as exc:
            print(f"Cannot probe the source: {exc.args[0]}", file=sys.stderr)
            return None
        source.env.cr.commit()
        print(probe.text)
        return probe

    def ensure_profile(self, source, options):
        """A source probed live has a confirmed API profile (probed now if not); False when
        the probe found nothing usable."""
        if not source.needs_probe or source.api_profile_state == "confirmed":
            return True
        probe = self.probe(source)
        if probe is None or not probe.usable:
            return False
        if not options.accept_proposed_map:
            raise NeedsAdmin(f"The API profile of {source.name} is not confirmed. Review and "
                             "confirm it in Odoo, or pass --accept-proposed-map, then run "
                             "this command again.")
        source.action_confirm_api_profile()
        print("API profile confirmed.")
        return True

    def command_run(self, env, options):
        source = self.ensure_source(env, options)
        if not self.ensure_profile(source, options):
            return EXIT_FAILED
        try:
            user = source._client().account_user()
        except Exception as exc:  # noqa: BLE001 - any failure to reach the source ends here
            print(f"Cannot read the source: {exc}", file=sys.stderr)
            return EXIT_FAILED
        print(f"Source {source.name}: connected as {user.get('name')} <{user.get('email') or '-'}>")
        run = env["crm.migration.run"].search(
            [("source_id", "=", source.id), ("state", "not in", ("done", "rolled_back"))],
            order="id desc", limit=1)
        if run:
            print(f"Resuming {run.name} ({dict(run._fields['state'].selection)[run.state]})")
        else:
            run = env["crm.migration.run"].create({"source_id": source.id})
            print(f"Started {run.name}")
        if options.sample:
            run.sample_size = options.sample
        env.cr.commit()
        progress = Progress(sys.stdout)
        if run.state == "failed":
            run.action_resume()
        while True:
            if run.job:
                run._run_to_end(on_batch=progress)
                env.cr.commit()
                if run.state == "failed":
                    print(f"\n{run.name} failed: {run.error}", file=sys.stderr)
                    return EXIT_FAILED
                continue
            if run.state == "draft":
                print("Extracting and profiling the source…")
                run.action_profile()
            elif run.state == "profiled":
                self.confirm_map(run, options)
            elif run.state == "mapped":
                print("Validating the source against the map…")
                run.action_validate()
            elif run.state == "validated":
                self.print_validation(run)
                if options.sample:
                    print(f"Sample migration ({run.sample_size} records per object)…")
                    run.action_sample()
                else:
                    print("Loading…")
                    run.action_start()
            elif run.state == "sampled" and not options.sample:
                print("Loading…")
                run.action_start()
            else:
                break
            env.cr.commit()
        self.print_reconciliation(run)
        return EXIT_OK

    def ensure_source(self, env, options):
        """The source of these options, created or updated (an export's files attached)."""
        if SOURCES[options.source].reads_export:
            path = os.path.abspath(options.file)
            source = self.ensure_source_at(env, options, f"file:{path}")
            if source._set_export_files(path_entries(path)):
                print(f"Export files of {source.name}: "
                      f"{', '.join(source.export_file_ids.mapped('name'))}")
            return source
        return self.ensure_source_at(env, options, options.url.rstrip("/"))

    def ensure_source_at(self, env, options, url):
        """The source of kind ``options.source`` at ``url``, created or updated."""
        Source = env["crm.migration.source"].with_context(active_test=False)
        source = Source.search([("kind", "=", options.source), ("url", "=", url)], limit=1)
        values = {"active": True}
        if options.key is not None:
            values["api_key"] = options.key
        for option in ("user", "token_url"):
            if getattr(options, option, None):
                values["api_user" if option == "user" else option] = getattr(options, option)
        if getattr(options, "fallback_user", None):
            user = env["res.users"].search([("login", "=", options.fallback_user)], limit=1)
            if not user:
                raise NeedsAdmin(f"No Odoo user has the login {options.fallback_user!r}.")
            values["fallback_user_id"] = user.id
        if getattr(options, "batch_size", None):
            values["batch_size"] = options.batch_size
        for option in ("rate_limit", "retries", "backoff"):
            if getattr(options, option, None) is not None:
                values[option] = getattr(options, option)
        if source:
            source.write(values)
        else:
            source = Source.create(dict(values, kind=options.source, url=url, name=getattr(
                options, "name", None) or f"{options.source.capitalize()} {url}"))
        return source

    def confirm_map(self, run, options):
        fmap = run.source_id._current_map()
        if not options.accept_proposed_map:
            raise NeedsAdmin(
                f"The field map of {run.source_id.name} (v{fmap.version}) is not confirmed. "
                "Review and confirm it in Odoo (CRM › Migration › Field maps), or pass "
                "--accept-proposed-map, then run this command again.")
        print(f"Confirming the proposed map v{fmap.version} ({len(fmap.line_ids)} fields)")
        try:
            run.action_confirm_map()
        except ValidationError as exc:
            raise NeedsAdmin(f"{exc}\nFix the map in Odoo (CRM › Migration › Field maps), "
                             "then run this command again.") from exc

    def print_validation(self, run):
        issues = run.env["crm.migration.issue"]._read_group(
            [("run_id", "=", run.id), ("step", "=", "validate")], ["level"], ["__count"])
        counts = dict(issues)
        print("Validation: {} errors, {} warnings, {} notes".format(
            counts.get("error", 0), counts.get("warning", 0), counts.get("info", 0)))

    def print_reconciliation(self, run):
        kind = "load" if run.state in ("done", "sampled", "running") else run.state
        phases = run._reconciliation("rollback" if run.state == "rolled_back" else kind)
        title = {"sampled": "Sample reconciliation", "rolled_back": "Rollback"}.get(
            run.state, "Reconciliation")
        print(f"\n{title} of {run.name} ({run.source_id.name}):")
        print(reconciliation_table(phases, ROLLBACK_COLUMNS if run.state == "rolled_back" else COLUMNS))
        print(f"\nIssues: {run.error_count} errors, {run.issue_count} in all "
              "(CRM › Migration › Issues).")

    # -- map -------------------------------------------------------------------------

    def command_map(self, env, options):
        url = options.url.rstrip("/")
        Source = env["crm.migration.source"].with_context(active_test=False)
        source = Source.search([("kind", "=", options.source), ("url", "=", url)], limit=1)
        if options.action == "export":
            fmap = source and (source._confirmed_map() or source._current_map())
            if not fmap:
                raise NeedsAdmin(f"No field map for {options.source} {url} in this database.")
            with open(options.file, "w", encoding="utf-8") as handle:
                json.dump(fmap._export_data(), handle, ensure_ascii=False, indent=2)
            print(f"Exported {fmap.display_name} ({len(fmap.line_ids)} fields) to {options.file}")
            return EXIT_OK
        if not source:
            if not options.key:
                raise NeedsAdmin("The source does not exist here yet: pass --key to create it.")
            source = Source.create({"kind": options.source, "url": url, "api_key": options.key,
                                    "name": f"{options.source.capitalize()} {url}"})
        try:
            with open(options.file, encoding="utf-8") as handle:
                data = json.load(handle)
            fmap = env["crm.migration.map"]._import_data(source, data)
            if options.confirm:
                fmap.action_confirm()
        except (OSError, ValueError, UserError, ValidationError) as exc:
            raise NeedsAdmin(f"Cannot import {options.file}: {exc}") from exc
        state = "confirmed" if fmap.state == "confirmed" else "to review"
        print(f"Imported {fmap.display_name} ({len(fmap.line_ids)} fields, {state})")
        return EXIT_OK

    # -- report --------------------------------------------------------------------

    def command_report(self, env, options):
        run = env["crm.migration.run"].search([("name", "=", options.run)], limit=1)
        if not run:
            raise NeedsAdmin(f"No run named {options.run!r}.")
        lang = options.lang or run.create_uid.lang or "en_US"
        if lang not in dict(env["res.lang"].get_installed()):
            raise NeedsAdmin(f"The language {lang} is not installed in {env.cr.dbname} "
                             "(Settings › Languages).")
        try:
            content = run.with_context(lang=lang)._report_render(options.format, options.report)
        except UserError as exc:
            raise NeedsAdmin(str(exc)) from exc
        Path(options.out).write_bytes(content)
        print(f"{options.format.upper()} report of {run.name} written to {options.out}")
        return EXIT_OK

    # -- rollback ------------------------------------------------------------------

    def command_rollback(self, env, options):
        run = self.find_run(env, options.run)
        user = env["res.users"].search([("login", "=", options.as_user)], limit=1)
        if not user:
            raise NeedsAdmin(f"No Odoo user has the login {options.as_user!r}.")
        if options.dry_run:
            self.print_conflicts(run, run._rollback_conflicts(), "kept by the rollback, unless --force")
            env.cr.rollback()
            return EXIT_OK
        if run.job != "rollback":
            try:
                run.with_user(user).action_rollback(force=options.force)
            except (UserError, AccessError) as exc:
                raise NeedsAdmin(f"{user.login} cannot roll back {run.name}: {exc}") from exc
        env.cr.commit()
        run._run_to_end(on_batch=Progress(sys.stdout))
        if run.state != "rolled_back":
            print(f"{run.name} could not be rolled back: {run.error}", file=sys.stderr)
            return EXIT_FAILED
        self.print_reconciliation(run)
        kept = env["crm.migration.issue"].search([
            ("run_id", "=", run.id), ("code", "=", "rollback_kept_edited"), ("superseded", "=", False)])
        if kept:
            print(f"\nKept {len(kept)} records (--force rolls them back too):")
            for issue in kept:
                print(f"  {issue.message}")
        return EXIT_OK

    def find_run(self, env, name):
        """The run named ``name``; ``last``: the newest run that can be rolled back."""
        Run = env["crm.migration.run"]
        if name == "last":
            run = Run.search([("state", "in", ROLLBACK_STATES)], order="id desc", limit=1)
            if not run:
                raise NeedsAdmin("No run to roll back in this database.")
            print(f"Last run: {run.name} ({run.source_id.name})")
            return run
        run = Run.search([("name", "=", name)], limit=1)
        if not run:
            raise NeedsAdmin(f"No run named {name!r}.")
        return run

    def print_conflicts(self, run, conflicts, fate):
        """The records people worked on since ``run``, one a line."""
        if not conflicts:
            print(f"No conflicts: nobody worked on the records of {run.name} since the run.")
            return
        print(f"{len(conflicts)} records of {run.name} people worked on since the run ({fate}):")
        Line = run.env["crm.migration.rollback.line"]
        for (model, res_id), conflict in sorted(conflicts.items()):
            record = run.env[model].sudo().browse(res_id)
            who = conflict["user"].login or "-"
            print(f"  {model},{res_id} {record.display_name}: "
                  f"{Line._reasons_text(conflict['reasons'])} (by {who}, {conflict['date']})")
            for detail in conflict["details"]:
                print(f"      {detail}")
