import dataclasses

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..sources import SourceError
from ..sources.http import origin

#: Where an API profile sends the key: changed without Settings rights, they clear it.
PROBE_ENDPOINT_FIELDS = ("api_user", "token_url")


class CrmMigrationSource(models.Model):
    """Sources without API documentation: their API is probed read-only, and the profile
    found (auth, collections, paging, fields) is reviewed and confirmed before any record
    is read with it."""

    _inherit = "crm.migration.source"  # pylint: disable=consider-merging-classes-inherited  # one concern per file: probing sources without API documentation

    api_user = fields.Char(
        "API user", help="For Basic auth, a session login or OAuth2 client credentials (the "
                         "client id): the key is then the password or the client secret.")
    token_url = fields.Char("Token URL", help="OAuth2: where access tokens are requested.")
    needs_probe = fields.Boolean("Probed before reading", compute="_compute_needs_probe")
    api_profile = fields.Json("API profile", readonly=True, copy=False,
                              groups="crm_migration.group_crm_migration_manager")
    api_profile_text = fields.Text("What the probe found", readonly=True, copy=False,
                                   groups="crm_migration.group_crm_migration_manager")
    api_profile_state = fields.Selection(
        [("none", "Not probed"), ("usable", "To confirm"), ("unusable", "Not usable"),
         ("confirmed", "Confirmed")], "API profile state", default="none", readonly=True,
        copy=False)
    api_profile_confirmed_by = fields.Many2one("res.users", "Profile confirmed by", readonly=True,
                                               copy=False)

    @api.depends("kind")
    def _compute_needs_probe(self):
        for source in self:
            source.needs_probe = bool(source._spec().probe) if source.kind else False

    def write(self, vals):
        """The profile is the engine's (it says where the key goes); moving the token URL or
        user without Settings rights clears the key, as moving the URL does."""
        if "api_profile" in vals and not self.env.su:
            raise AccessError(self.env._("The API profile is written by probing the API only."))
        moved = self.browse()
        if not self.env.su and not self.env.user.has_group("base.group_system"):
            moved = self.filtered(lambda source: any(
                name in vals and source[name] != vals[name] for name in PROBE_ENDPOINT_FIELDS))
        if any(name in vals for name in ("url", "kind", *PROBE_ENDPOINT_FIELDS)):
            vals = dict(vals, api_profile_state="none")
        result = super().write(vals)
        if moved:
            moved.sudo().api_key = False
        return result

    def action_probe_api(self):
        """Probe the source's API read-only and keep what was found, for review."""
        self._probe_api()
        return True

    def _probe_api(self):
        """Probe the API and store the profile; return the :class:`~mapping.spec.ApiProbe`."""
        self.ensure_one()
        self._check_migration_admin()
        if not self.needs_probe:
            raise UserError(self.env._("%(kind)s sources are not probed: their API is known.",
                                       kind=self._spec().label))
        if not self._spec().reads_export and not self.sudo().api_key:
            raise UserError(self.env._("Source %(name)s has no API key.", name=self.name))
        try:
            probe = self._spec().probe(self._client_config(profiled=False))
        except SourceError as exc:
            raise UserError(self._error_message(exc)) from exc
        self.sudo().write({
            "api_profile": probe.profile, "api_profile_text": probe.text,
            "api_profile_state": "usable" if probe.usable else "unusable",
            "api_profile_confirmed_by": False,
        })
        return probe

    def action_confirm_api_profile(self):
        """The admin read the profile: records may now be read with it."""
        self._check_migration_admin()
        for source in self:
            if source.api_profile_state != "usable":
                raise UserError(self.env._(
                    "The API of %(name)s has no usable profile: probe it first (its problems "
                    "are listed under what the probe found).", name=source.name))
        self.sudo().write({"api_profile_state": "confirmed",
                           "api_profile_confirmed_by": self.env.user.id})
        return True

    def _client_config(self, profiled=True):
        """The settings of the client; with the confirmed API profile when the source is
        probed (and only if the profile still points at the source's own origin)."""
        config = super()._client_config()
        source = self.sudo()
        extra = {"user": source.api_user or None, "token_url": source.token_url or None}
        if profiled and source.needs_probe:
            if source.api_profile_state != "confirmed":
                raise UserError(self.env._(
                    "The API of %(name)s was not profiled and confirmed yet: probe it from the "
                    "source, review what was found and confirm it.", name=source.name))
            profile = source.api_profile or {}
            if not source._spec().reads_export and origin(
                    profile.get("base_url") or "") != origin(source.url):
                raise UserError(self.env._(
                    "The API profile of %(name)s is for another address: probe the API again.",
                    name=source.name))
            extra["profile"] = profile
        return dataclasses.replace(config, **extra)
