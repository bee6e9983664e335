from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..mapping.spec import ClientConfig
from ..models.crm_migration_run import check_sample_size
from ..sources import SOURCES, MalformedResponse, SourceError, SourceUnavailable


class CrmMigrationSetup(models.TransientModel):
    """First step of a migration: connect the source and check the key."""

    _name = "crm.migration.setup"
    _description = "New Migration"

    kind = fields.Selection(
        lambda self: SOURCES.selection(), required=True, default=lambda self: SOURCES.default.kind,
    )
    name = fields.Char("Source name", required=True, default=lambda self: self._default_name())
    url = fields.Char("API URL", default=lambda self: SOURCES.default.defaults.url)
    api_key = fields.Char("API key")
    reads_export = fields.Boolean("Read from an export", compute="_compute_key_texts")
    export_file_ids = fields.Many2many(
        "ir.attachment", "crm_migration_setup_export_file_rel", "setup_id", "attachment_id",
        "Export files", help="The CSV files of the export, or one zip holding them.")
    api_user = fields.Char(
        "API user", help="For Basic auth, a session login or OAuth2 client credentials (the "
                         "client id): the key is then the password or the client secret.")
    token_url = fields.Char("Token URL", help="OAuth2: where access tokens are requested.")
    needs_probe = fields.Boolean("Probed before reading", compute="_compute_key_texts")
    key_label = fields.Char(compute="_compute_key_texts")
    key_help = fields.Char(compute="_compute_key_texts")
    fallback_user_id = fields.Many2one(
        "res.users", "Fallback owner", default=lambda self: self.env.user,
        help="Owner of records whose source owner has no Odoo user: you, unless you choose "
             "another user or clear it (then they are loaded without owner, and tasks that "
             "need one are held back).")
    sample_size = fields.Integer(default=25, help="Records per object of the sample migration.")

    @api.model
    def default_get(self, fields_list):
        if not self.env.user.has_group("base.group_system"):
            raise UserError(self.env._("Only administrators may connect a source: it stores an API key."))
        return super().default_get(fields_list)

    def _default_name(self, kind=None):
        spec = SOURCES[kind] if kind else SOURCES.default
        return self.env._("%(crm)s account", crm=spec.schema.label)

    @api.depends("kind")
    def _compute_key_texts(self):
        for wizard in self:
            spec = SOURCES[wizard.kind] if wizard.kind in SOURCES else SOURCES.default
            wizard.key_label = spec.key_label
            wizard.needs_probe = bool(spec.probe)
            wizard.reads_export = spec.reads_export
            wizard.key_help = self.env._(spec.key_help) if spec.key_help else False  # pylint: disable=translation-not-lazy

    @api.onchange("kind")
    def _onchange_kind(self):
        """Another kind of source: its default URL and name, unless the admin typed others."""
        if self.kind not in SOURCES:
            return
        if not self.url or self.url in {spec.defaults.url for spec in SOURCES}:
            self.url = SOURCES[self.kind].defaults.url
        if not self.name or self.name in {self._default_name(spec.kind) for spec in SOURCES}:
            self.name = self._default_name(self.kind)

    def action_connect(self):
        """Check the key, save the source and open its first run (a source without API
        documentation: probe its API and open the profile found, to confirm)."""
        self.ensure_one()
        spec = SOURCES[self.kind]
        check_sample_size(self.env, self.sample_size)
        if spec.reads_export:
            return self._connect_export()
        self.url, self.api_key = (self.url or "").strip(), (self.api_key or "").strip()
        if not self.url or not self.api_key:
            raise UserError(self.env._("Give the API URL and the API key of the source."))
        if any(char.isspace() for char in self.api_key):
            raise UserError(self.env._("The API key has spaces or line breaks inside: copy it "
                                       "again, whole, from the source."))
        if spec.probe:
            return self._connect_probed()
        config = ClientConfig(url=self.url, key=self.api_key, rate_limit=spec.defaults.rate_limit,
                              page_size=spec.defaults.page_size, timeout=spec.defaults.timeout,
                              retries=1, backoff=spec.defaults.backoff)
        try:
            client = spec.make_client(config)
            try:
                client.account_user()
            finally:
                client.close()
        except SourceError as exc:
            raise UserError(self._connect_error(spec, exc).replace(self.api_key, "…")) from exc
        source = self.env["crm.migration.source"].create({
            "name": self.name, "kind": self.kind, "url": self.url.rstrip("/"),
            "api_key": self.api_key, "fallback_user_id": self.fallback_user_id.id,
        })
        run = self.env["crm.migration.run"].create(
            {"source_id": source.id, "sample_size": self.sample_size})
        return run._open_form()

    def _connect_error(self, spec, exc):
        """Why connecting failed, in the admin's words (the client's detail only when it
        says more than the admin can act on)."""
        if isinstance(exc, SourceUnavailable):
            return self.env._("No answer from %(host)s: check the API URL and that the service "
                              "is online.", host=urlsplit(self.url).hostname or self.url)
        if isinstance(exc, MalformedResponse):
            return self.env._("%(url)s does not answer like a %(crm)s API: check the API URL "
                              "(usually %(default)s).", url=self.url, crm=spec.schema.label,
                              default=spec.defaults.url)
        return self.env["crm.migration.source"]._error_message(exc)

    def _connect_export(self):
        """Save the source with the export's files, profile them and show what was found."""
        if not self.export_file_ids:
            raise UserError(self.env._("Upload the CSV files of the export (or one zip)."))
        source = self.env["crm.migration.source"].create({
            "name": self.name, "kind": self.kind, "fallback_user_id": self.fallback_user_id.id,
        })
        source._set_export_files([(a.name, a.raw) for a in self.export_file_ids.sudo()])
        return self._open_profile(source)

    def _connect_probed(self):
        """Save the source, probe its API, and show what was found (nothing when unusable)."""
        source = self.env["crm.migration.source"].create({
            "name": self.name, "kind": self.kind, "url": self.url.rstrip("/"),
            "api_key": self.api_key, "api_user": self.api_user or False,
            "token_url": self.token_url or False, "fallback_user_id": self.fallback_user_id.id,
        })
        return self._open_profile(source)

    def _open_profile(self, source):
        """Profile the source and open it on what was found (nothing when unusable)."""
        probe = source._probe_api()
        if not probe.usable:
            raise UserError(self.env._("Nothing usable was found at %(url)s:\n\n%(found)s",
                                       url=source.url, found=probe.text))
        return {"type": "ir.actions.act_window", "res_model": "crm.migration.source",
                "res_id": source.id, "view_mode": "form", "target": "current"}
