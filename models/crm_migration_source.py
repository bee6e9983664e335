from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..mapping.spec import ClientConfig
from ..sources import (SOURCES, AuthenticationError, BadRequest, DownloadRefused,
                       InvalidConfiguration, MalformedResponse, PermissionDenied,
                       RedirectRefused, SourceError)

# One client per source and process, so that its rate limiter spans every batch.
_CLIENTS = {}

#: Where a source's key is sent: changing one without Settings rights clears the key.
ENDPOINT_FIELDS = ("url", "kind")

#: Models the loaders write besides their objects' own models: history, lookups,
#: addresses, procurement groups and what provisioning creates (x_ fields, views).
LOADER_MODELS = frozenset({
    "mail.message", "mail.activity", "mail.activity.type", "ir.attachment", "calendar.event",
    "project.task", "project.project", "project.tags", "res.partner", "res.partner.category",
    "res.partner.industry", "utm.source", "crm.tag", "crm.stage", "crm.team", "crm.lost.reason",
    "sale.order", "sale.order.line", "procurement.group", "stock.picking", "stock.move",
    "account.move", "account.move.line", "product.template", "product.product",
    "product.category", "ir.model.fields", "ir.ui.view",
})

#: Security and configuration models: never written by a migration, whatever a map says.
PROTECTED_PREFIXES = ("res.users", "res.groups", "res.company", "res.config", "ir.", "base.",
                      "auth")
#: The ir.* models a migration does write.
WRITTEN_IR_MODELS = frozenset({"ir.attachment", "ir.model.fields", "ir.ui.view"})


def protected_model(model):
    """Whether ``model`` is a security or configuration model a migration never writes."""
    return model.startswith(PROTECTED_PREFIXES) and model not in WRITTEN_IR_MODELS


def clean_key(key):
    """The key without surrounding blanks; ValueError if it holds control characters."""
    if not isinstance(key, str):
        return key
    key = key.strip()
    if not key.isprintable():
        raise ValueError("control character in the key")
    return key


def _default(setting):
    """The default of a source setting: the first registered source's."""
    return lambda self: getattr(SOURCES.default.defaults, setting)


class CrmMigrationSource(models.Model):
    """A CRM account to migrate from, and how to reach it."""

    _name = "crm.migration.source"
    _description = "Migration Source"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        lambda self: SOURCES.selection(), required=True, default=lambda self: SOURCES.default.kind,
    )
    url = fields.Char("API URL", required=True, default=_default("url"),
                      help="Where the API key is sent. Changed without Settings rights, it "
                           "clears the key.")
    api_key = fields.Char("API key", groups="base.group_system", copy=False)
    key_help = fields.Char("About the key", compute="_compute_key_help")
    rate_limit = fields.Integer(
        "Requests per minute", default=_default("rate_limit"),
        help="The source's rate limit (requests a minute per account).",
    )
    page_size = fields.Integer(default=_default("page_size"),
                               help="Records per API page (at most what the source allows).")
    timeout = fields.Integer("Timeout (s)", default=60)
    retries = fields.Integer(default=6, help="Retries of a request that timed out or got 429/5xx.")
    backoff = fields.Float(
        "Back-off (s)", default=1.0,
        help="First wait before a retry; it doubles at each retry, up to 60 seconds.")
    batch_size = fields.Integer(default=200, help="Records written per transaction.")
    download_hosts = fields.Char(
        "Extra file hosts",
        help="Hosts attachments may also be downloaded from, comma-separated, besides the "
             "API's host and the source's own file storage. Files on private, loopback or "
             "link-local addresses are never downloaded.")
    max_download_mb = fields.Integer(
        "Largest file (MB)", default=25,
        help="Larger files are not downloaded: an issue line names them.")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, required=True)
    fallback_user_id = fields.Many2one(
        "res.users", "Fallback owner",
        help="Owner given to records whose source owner has no Odoo user. Leave "
             "empty to load them without owner; either way they are listed in the "
             "user reconciliation.",
    )
    delta_sync = fields.Boolean(
        help="Until cutover, a scheduled action pulls the records changed since the last sync.",
    )
    last_sync_at = fields.Datetime("Last sync", readonly=True, copy=False)
    map_ids = fields.One2many("crm.migration.map", "source_id", "Maps")
    run_ids = fields.One2many("crm.migration.run", "source_id", "Runs")
    user_match_ids = fields.One2many("crm.migration.user.match", "source_id", "Users")
    record_count = fields.Integer("Staged records", compute="_compute_record_count")
    unmatched_user_count = fields.Integer(compute="_compute_unmatched_user_count")

    _sql_constraints = [
        ("rate_limit_positive", "CHECK(rate_limit >= 0)", "The rate limit cannot be negative."),
        ("page_size_positive", "CHECK(page_size > 0)", "Page size must be positive."),
        ("batch_size_positive", "CHECK(batch_size > 0)", "Batch size must be positive."),
        ("retries_positive", "CHECK(retries >= 0)", "Retries cannot be negative."),
        ("max_download_mb_positive", "CHECK(max_download_mb > 0)",
         "The largest file must be at least 1 MB."),
    ]

    def _compute_record_count(self):
        counts = dict(self.env["crm.migration.record"]._read_group(
            [("source_id", "in", self.ids)], ["source_id"], ["__count"]))
        for source in self:
            source.record_count = counts.get(source, 0)

    @api.depends("user_match_ids.state")
    def _compute_unmatched_user_count(self):
        for source in self:
            source.unmatched_user_count = len(
                source.user_match_ids.filtered(lambda match: match.state == "unmatched"))

    @api.depends("kind")
    def _compute_key_help(self):
        for source in self:
            help_text = SOURCES[source.kind].key_help if source.kind in SOURCES else ""
            source.key_help = self.env._(help_text) if help_text else False  # pylint: disable=translation-not-lazy

    @api.constrains("kind", "page_size")
    def _check_page_size(self):
        for source in self:
            cap = source._spec().defaults.page_cap
            if not 1 <= source.page_size <= cap:
                raise ValidationError(self.env._(
                    "Page size must be 1 to %(cap)s for %(kind)s.", cap=cap, kind=source._spec().label))

    @api.model_create_multi
    def create(self, vals_list):
        """A new source takes its kind's defaults for what the values leave out."""
        for vals in vals_list:
            if vals.get("kind") in SOURCES:
                defaults = SOURCES[vals["kind"]].defaults
                for name in ("url", "rate_limit", "page_size"):
                    vals.setdefault(name, getattr(defaults, name))
        return super().create([self._clean_key_values(vals) for vals in vals_list])

    def write(self, vals):
        """A Migration Administrator may move a source elsewhere, but its key stays
        behind: only a Settings administrator may send it to a new address."""
        vals = self._clean_key_values(vals)
        moved = self.browse()
        if not self.env.su and not self.env.user.has_group("base.group_system"):
            moved = self.filtered(lambda source: any(
                name in vals and source[name] != vals[name] for name in ENDPOINT_FIELDS))
        result = super().write(vals)
        if moved:
            moved.sudo().api_key = False
        return result

    @api.model
    def _clean_key_values(self, vals):
        """``vals`` with the API key stripped; refuses a key with control characters."""
        if "api_key" not in vals:
            return vals
        try:
            return dict(vals, api_key=clean_key(vals["api_key"]))
        except ValueError:
            raise ValidationError(self.env._(
                "The API key contains line breaks, tabs or other control characters: copy it "
                "again without them.")) from None

    def _check_migration_admin(self):
        """Only Migration Administrators (and the engine) may reach a source's API."""
        if not self.env.su and not self.env.user.has_group(
                "crm_migration.group_crm_migration_manager"):
            raise AccessError(self.env._(
                "Only a Migration Administrator may connect to a source or start a run."))

    def _written_models(self, fmap=None):
        """The models a run of this source may write, hence roll back: its objects' models,
        the lookups its fields create, the loaders' own models and the models the options
        of ``fmap`` are provisioned in; never a security or configuration model."""
        self.ensure_one()
        models_ = set(LOADER_MODELS)
        for obj in self._schema().objects:
            models_.add(obj.model)
            models_.update(field.params["model"] for field in obj.fields
                           if (field.params or {}).get("model"))
        if fmap:
            models_.update(relation for relation in fmap.line_ids.mapped("relation") if relation)
        return frozenset(model for model in models_ if not protected_model(model))

    @api.onchange("kind")
    def _onchange_kind(self):
        """A new source takes the defaults of its kind (URL, rate limit, page size)."""
        if self.kind not in SOURCES:
            return
        defaults = SOURCES[self.kind].defaults
        for name in ("url", "rate_limit", "page_size"):
            if not self[name] or self[name] in {getattr(spec.defaults, name) for spec in SOURCES}:
                self[name] = getattr(defaults, name)

    def _spec(self):
        """The source plugin of this kind of source."""
        self.ensure_one()
        return SOURCES[self.kind]

    def _schema(self):
        """The pure-Python description of this kind of source."""
        return self._spec().schema

    def _client_config(self):
        source = self.sudo()
        hosts = tuple(filter(None, (host.strip().lower()
                                    for host in (source.download_hosts or "").split(","))))
        return ClientConfig(url=source.url, key=source.api_key, rate_limit=source.rate_limit,
                            page_size=source.page_size, timeout=source.timeout,
                            retries=source.retries, backoff=source.backoff,
                            download_hosts=hosts,
                            max_download_bytes=source.max_download_mb * 1024 * 1024)

    def _client(self):
        """A client of the source API, ready to read."""
        self.ensure_one()
        self._check_migration_admin()
        if not self._spec().reads_export and not self.sudo().api_key:
            raise UserError(self.env._("Source %(name)s has no API key.", name=self.name))
        config = self._client_config()
        signature = (self.kind, config)
        cached = _CLIENTS.get((self.env.cr.dbname, self.id))
        if cached and cached[0] == signature:
            return cached[1]
        client = self._spec().make_client(config)
        _CLIENTS[(self.env.cr.dbname, self.id)] = (signature, client)
        return client

    @api.model
    def _error_message(self, exc):
        """A source error for the admin: what went wrong in their language, then the
        client's own (English) detail."""
        kinds = (
            (AuthenticationError, self.env._("The source refused the API key.")),
            (PermissionDenied, self.env._("The API key may not read what the migration needs.")),
            (BadRequest, self.env._("The source refused a request.")),
            (MalformedResponse, self.env._("The source answered with something unexpected.")),
            (InvalidConfiguration, self.env._(
                "The source's address or API key cannot be used as given.")),
            (RedirectRefused, self.env._("The source sent the request elsewhere; the API key "
                                         "was not sent after it.")),
            (DownloadRefused, self.env._("A file was not downloaded.")),
        )
        lead = next((text for kind, text in kinds if isinstance(exc, kind)),
                    self.env._("The source could not be reached."))
        return f"{lead}\n{exc}"

    def action_test_connection(self):
        """Check the URL and key; tell the admin who the key belongs to."""
        self.ensure_one()
        self._check_migration_admin()
        try:
            user = self._client().account_user()
        except SourceError as exc:
            raise UserError(self._error_message(exc)) from exc
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Connection works"),
                "message": self.env._("Connected as %(name)s (%(email)s).",
                                      name=user.get("name"), email=user.get("email") or "-"),
            },
        }

    def action_new_run(self):
        """Open a new migration run of this source."""
        self.ensure_one()
        self._check_migration_admin()
        run = self.env["crm.migration.run"].create({"source_id": self.id})
        return run._open_form()

    def action_view_users(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_migration.action_user_match")
        action["domain"] = [("source_id", "=", self.id)]
        action["context"] = {"default_source_id": self.id, "search_default_unmatched": 1}
        return action

    def _confirmed_map(self):
        """The map runs load with, or an empty recordset."""
        self.ensure_one()
        return self.map_ids.filtered(lambda m: m.state == "confirmed")[:1]

    def _current_map(self):
        """The newest map of the source, confirmed or not."""
        self.ensure_one()
        return self.map_ids.sorted("version", reverse=True)[:1]

    def _try_lock(self):
        """Take this source for the current transaction (a PostgreSQL advisory lock,
        released at commit or rollback); False if another transaction has it."""
        self.ensure_one()
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s::regclass::oid::int, %s)",
                            (self._table, self.id))
        return self.env.cr.fetchone()[0]

    @api.model
    def _cron_delta_sync(self):
        """Start a delta run for every source still syncing until cutover. A source
        another run is busy with (a step, or a batch holding its lock) waits for the
        next time."""
        for source in self.search([("delta_sync", "=", True)]):
            if source.run_ids.filtered("job") or not source._confirmed_map() or not source._try_lock():
                continue
            run = self.env["crm.migration.run"].create({"source_id": source.id, "mode": "delta"})
            run.action_start()
