from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..mapping.spec import ClientConfig
from ..sources import (SOURCES, AuthenticationError, BadRequest, DownloadRefused,
                       InvalidConfiguration, MalformedResponse, PermissionDenied,
                       RedirectRefused, SourceError)

# One client per source and process, so that its rate limiter spans every batch.
_CLIENTS = {}


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
    url = fields.Char("API URL", required=True, default=_default("url"))
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

    @api.onchange("kind")
    def _onchange_kind(self):
        """A new source takes the defaults of its kind (URL, rate limit, page size)."""
        if self.kind in SOURCES:
            defaults = SOURCES[self.kind].defaults
            self.update({"url": defaults.url, "rate_limit": defaults.rate_limit,
                         "page_size": defaults.page_size})

    def _spec(self):
        """The source plugin of this kind of source."""
        self.ensure_one()
        return SOURCES[self.kind]

    def _schema(self):
        """The pure-Python description of this kind of source."""
        return self._spec().schema

    def _client_config(self):
        source = self.sudo()
        return ClientConfig(url=source.url, key=source.api_key, rate_limit=source.rate_limit,
                            page_size=source.page_size, timeout=source.timeout,
                            retries=source.retries, backoff=source.backoff)

    def _client(self):
        """A client of the source API, ready to read."""
        self.ensure_one()
        if not self.sudo().api_key:
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
        _ = self.env._
        kinds = (
            (AuthenticationError, _("The source refused the API key.")),
            (PermissionDenied, _("The API key may not read what the migration needs.")),
            (BadRequest, _("The source refused a request.")),
            (MalformedResponse, _("The source answered with something unexpected.")),
            (InvalidConfiguration, _("The source's address or API key cannot be used as given.")),
            (RedirectRefused, _("The source sent the request elsewhere; the API key was not "
                                "sent after it.")),
            (DownloadRefused, _("A file was not downloaded.")),
        )
        lead = next((text for kind, text in kinds if isinstance(exc, kind)),
                    _("The source could not be reached."))
        return f"{lead}\n{exc}"

    def action_test_connection(self):
        """Check the URL and key; tell the admin who the key belongs to."""
        self.ensure_one()
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

    @api.model
    def _cron_delta_sync(self):
        """Start a delta run for every source still syncing until cutover."""
        for source in self.search([("delta_sync", "=", True)]):
            if source.run_ids.filtered(lambda run: run.job):
                continue
            if not source._confirmed_map():
                continue
            run = self.env["crm.migration.run"].create({"source_id": source.id, "mode": "delta"})
            run.action_start()
