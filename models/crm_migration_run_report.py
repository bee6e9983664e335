import csv
import io

from odoo import fields, models
from odoo.exceptions import UserError

from .crm_migration_run import duration_text

#: The reconciliation report's figures per phase of each step, in the order of its columns.
STEP_COLUMNS = {
    "extract": ("total", "created", "updated", "unchanged", "failed"),
    "validate": ("total", "skipped", "warnings", "errors"),
    "load": ("total", "created", "linked", "updated", "unchanged", "skipped", "failed", "verified"),
    "rollback": ("total", "removed", "restored", "kept", "failed"),
}
#: Columns of the CSV export: every issue of the run's latest passes, differences included.
CSV_COLUMNS = ("step", "phase", "object", "level", "problem", "code", "status", "source_id",
               "source_field", "message", "odoo_model", "odoo_id")
#: Value patterns of the profile that are Brazilian tax ids.
TAX_ID_PATTERNS = ("cnpj", "cpf")


class CrmMigrationRun(models.Model):
    """A run's reports: the discovery inventory after profiling (what the source holds,
    what the migration needs) and the reconciliation for the customer's sign-off."""

    _inherit = "crm.migration.run"

    signed_by_id = fields.Many2one("res.users", "Signed off by", readonly=True, copy=False)
    signed_at = fields.Datetime("Signed off on", readonly=True, copy=False)

    def action_sign_off(self):
        """Record who signed the reconciliation report off, and when."""
        for run in self:
            if run.state not in ("done", "sampled", "rolled_back"):
                raise UserError(self.env._(
                    "%(run)s cannot be signed off before its migration has finished.", run=run.name))
        self.write({"signed_by_id": self.env.uid, "signed_at": fields.Datetime.now()})
        return True

    def action_print_reconciliation(self):
        return self.env.ref("crm_migration.report_run_reconciliation").report_action(self)

    def action_export_issues_csv(self):
        """Every issue and every difference of the run, as a CSV file to download."""
        self.ensure_one()
        attachment = self.env["ir.attachment"].create({
            "name": f"{self._report_filename()}.csv",
            "raw": self._report_csv().encode(),
            "mimetype": "text/csv", "res_model": self._name, "res_id": self.id,
        })
        return {"type": "ir.actions.act_url", "target": "self",
                "url": f"/web/content/{attachment.id}?download=true"}

    # -- what the report shows ---------------------------------------------------------

    def _report_filename(self, kind="reconciliation"):
        """The report's file name, without its extension."""
        title = self.env._("inventory") if kind == "inventory" else self.env._("reconciliation")
        return f"{self.name.replace('/', '-')} {title}"

    def _report_signed_text(self):
        self.ensure_one()
        return self.env._("Signed off in Odoo by %(user)s on %(date)s.", user=self.signed_by_id.name,
                          date=fields.Datetime.context_timestamp(self, self.signed_at).strftime(
                              "%Y-%m-%d %H:%M"))

    def _report_steps(self):
        """[(kind, title, columns, phases)] of the steps this run went through, in order."""
        self.ensure_one()
        labels = {"extract": self.env._("Extraction"), "validate": self.env._("Validation"),
                  "load": self.env._("Sample load") if self.state == "sampled" else self.env._("Load"),
                  "rollback": self.env._("Rollback")}
        steps = []
        for kind, columns in STEP_COLUMNS.items():
            phases = self._reconciliation(kind)
            if phases:
                steps.append((kind, labels[kind], columns, phases))
        return steps

    def _report_column_label(self, column):
        return self.env["crm.migration.run.phase"]._fields[column]._description_string(self.env)

    def _report_accuracy(self):
        """[(object, checked, equal, percent)] of the read-back verification per object of
        the last load: records Odoo holds as the map made them, of those loaded."""
        self.ensure_one()
        rows = []
        for phase in self._reconciliation("load"):
            checked = phase.created + phase.updated
            if checked:
                rows.append((phase.name, checked, phase.verified, 100.0 * phase.verified / checked))
        return rows

    def _report_field_accuracy(self):
        """[(object, Odoo field, checked, equal, percent)] of the spot check, field by field."""
        self.ensure_one()
        counts = {}
        for check in self.sudo().spot_check_ids:
            key = (check.object_label, check.odoo_field or check.source_label)
            checked, equal = counts.get(key, (0, 0))
            counts[key] = (checked + 1, equal + check.match)
        return [(obj, field, checked, equal, 100.0 * equal / checked)
                for (obj, field), (checked, equal) in counts.items()]

    def _report_issues(self):
        """The run's issues of its latest passes: the ones the report counts."""
        self.ensure_one()
        return self.env["crm.migration.issue"].search(
            [("run_id", "=", self.id), ("superseded", "=", False)],
            order="step, phase, cause_id, level, id")

    def _report_problems(self):
        """[(problem, level, object, step, count)] of the latest issues, largest first."""
        counts = {}
        steps = dict(self.env["crm.migration.issue"]._fields["step"]._description_selection(self.env))
        levels = dict(self.env["crm.migration.issue"]._fields["level"]._description_selection(self.env))
        for issue in self._report_issues():
            key = (issue.cause_id.name or issue.code, levels.get(issue.level, issue.level),
                   issue.object_label or issue.entity, steps.get(issue.step, issue.step))
            counts[key] = counts.get(key, 0) + 1
        return sorted(((*key, count) for key, count in counts.items()), key=lambda row: -row[-1])

    def _report_csv(self):
        """The CSV export: a header, then one row per issue (differences are issues too)."""
        self.ensure_one()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for issue in self._report_issues():
            writer.writerow((issue.step, issue.phase, issue.object_label or issue.entity, issue.level,
                             issue.cause_id.name or "", issue.code, issue.status, issue.source_key or "",
                             issue.field or "", issue.message, issue.res_model or "",
                             issue.res_id or ""))
        return out.getvalue()

    def _report_render(self, report_format, kind="reconciliation"):
        """A report as bytes: the reconciliation (or the discovery ``inventory``) in
        ``html`` or ``pdf`` (wkhtmltopdf), or the issues in ``csv``."""
        self.ensure_one()
        if report_format == "csv":
            return self._report_csv().encode()
        report = self.env["ir.actions.report"]
        name = f"crm_migration.report_run_{kind}_document"
        if report_format == "html":
            return report._render_qweb_html(name, self.ids)[0]
        if report_format == "pdf":
            if report.get_wkhtmltopdf_state() != "ok":
                raise UserError(self.env._(
                    "PDF reports need wkhtmltopdf, which this server does not have: install it "
                    "(Debian: apt-get install wkhtmltopdf), or take the HTML report."))
            return report._render_qweb_pdf(name, self.ids)[0]
        raise UserError(self.env._("Unknown report format %(format)s: take html, pdf or csv.",
                                   format=report_format))

    # -- the discovery inventory -------------------------------------------------------

    def action_print_inventory(self):
        return self.env.ref("crm_migration.report_run_inventory").report_action(self)

    def _inventory_objects(self):
        """[{label, entity, records, model, modules, installed, left_out}] of every object of
        the source, in load order: records staged for it, the Odoo apps it needs, whether
        the map leaves it out (e.g. orders loaded as invoices instead)."""
        self.ensure_one()
        Record = self.env["crm.migration.record"]
        fmap = self.map_id or self.source_id._current_map()
        left_out = fmap._objects_left_out() if fmap else set()
        rows = []
        for obj in self.source_id._schema().objects:
            rows.append({
                "label": obj.label_in(self.env.lang), "entity": obj.entity,
                "records": Record._staged_count(self.source_id, obj.entity, contains=obj.where),
                "model": obj.model, "modules": ", ".join(obj.requires) or "crm",
                "installed": self._objects_installed(obj) and obj.model in self.env,
                "left_out": obj.key in left_out,
            })
        return rows

    def _inventory_custom_fields(self):
        """The account's own fields per object, with their fill rates."""
        self.ensure_one()
        return self.profile_ids.filtered("custom").sorted(lambda p: (p.object_sequence, -p.fill_rate))

    def _inventory_tax_ids(self):
        """[(object, field, filled, cnpj %, cpf %)] of the fields holding CNPJ or CPF values."""
        self.ensure_one()
        rows = []
        for profile in self.profile_ids:
            patterns = (profile.data or {}).get("patterns") or {}
            shares = [100.0 * patterns.get(name, 0.0) for name in TAX_ID_PATTERNS]
            if max(shares) >= 5:
                rows.append((profile.object_label, profile.label or profile.path, profile.filled, *shares))
        return rows

    def _inventory_users(self):
        """{state label: count} of the source's users, and the unmatched ones that own records."""
        self.ensure_one()
        matches = self.source_id.user_match_ids
        labels = dict(matches._fields["state"]._description_selection(self.env))
        counts = {label: len(matches.filtered(lambda m, s=state: m.state == s)) for state, label in
                  labels.items()}
        return counts, matches.filtered(lambda m: m.state != "matched" and m.record_count)

    def _inventory_access(self):
        """([(entity, answer)] of what the source refused to the key, the API's pace in
        words: its rate limit and how fast the extraction read)."""
        self.ensure_one()
        fmap = self.map_id or self.source_id._current_map()
        refused = [(refusal.entity, f"HTTP {refusal.status}: {refusal.message or ''}".strip(": "))
                   for refusal in fmap.refusal_ids]
        pace = [self.env._("Rate limit set on the source: %(limit)s requests a minute.",
                           limit=self.source_id.rate_limit)]
        phases = self._reconciliation("extract").filtered(lambda p: p.started_at and p.finished_at)
        if phases:
            seconds = (max(phases.mapped("finished_at")) - min(phases.mapped("started_at"))).total_seconds()
            records = sum(phases.mapped("done"))
            pace.append(self.env._("Reading %(records)s records took %(seconds)s s (%(rate)s records/s).",
                                   records=records, seconds=round(seconds),
                                   rate=round(records / seconds, 1) if seconds else 0))
        return refused, " ".join(pace)

    def _inventory_prerequisites(self):
        """What the admin has to do before the full migration, in words."""
        self.ensure_one()
        todo = []
        fmap = self.map_id or self.source_id._current_map()
        missing = [row for row in self._inventory_objects()
                   if row["records"] and not row["installed"] and not row["left_out"]]
        if missing:
            todo.append(self.env._(
                "Install the apps of %(objects)s, or they are not migrated.",
                objects=", ".join(f"{row['label']} ({row['modules']})" for row in missing)))
        _counts, unmatched = self._inventory_users()
        if unmatched:
            todo.append(self.env._(
                "%(count)s users of the source who own records have no active Odoo user: match them "
                "(User reconciliation), or their records go to the fallback owner.", count=len(unmatched)))
            if not self.source_id.fallback_user_id:
                todo.append(self.env._("Set the source's fallback owner."))
        if fmap and fmap.refusal_ids.filtered(lambda r: not r.acknowledged):
            todo.append(self.env._(
                "The source refused some entities to the key: give the key access, or tick "
                "'Leave out' on the map."))
        if fmap and fmap.state != "confirmed":
            todo.append(self.env._("Review and confirm the field map (%(count)s lines not reviewed).",
                                   count=fmap.to_review_count))
        return todo

    def _inventory_duration(self):
        """The expected duration of the full load, in words, at the pace this run loaded (its
        sample) at."""
        self.ensure_one()
        records = sum(row["records"] for row in self._inventory_objects()
                      if row["installed"] and not row["left_out"])
        phases = self._reconciliation("load").filtered(lambda p: p.started_at and p.finished_at)
        loaded = sum(phases.mapped("done"))
        seconds = sum((p.finished_at - p.started_at).total_seconds() for p in phases)
        if not loaded or not seconds:
            return self.env._("Run the sample migration to measure how fast this database loads "
                              "these %(records)s records.", records=records)
        return self.env._("%(records)s records at %(rate).0f records/s, the pace this run "
                          "loaded at: %(time)s.", records=records, rate=loaded / seconds,
                          time=duration_text(self.env, records * seconds / loaded))
