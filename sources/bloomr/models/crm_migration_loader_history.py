from markupsafe import Markup

from odoo import models

from ....models.crm_migration_loader import QUIET
from ..activities import minutes

#: Calendar events and calls are written without invitations or chatter posts.
HISTORY_QUIET = dict(QUIET, no_mail_to_attendees=True, mail_activity_automation_skip=True)


class CrmMigrationLoaderBloomrCall(models.AbstractModel):
    """Calls as OCA crm_phonecall records, summarized by their outcome."""

    _name = "crm.migration.loader.bloomr.call"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Bloomr Calls"

    def _quiet(self):
        return HISTORY_QUIET

    def _postprocess(self, obj, payload, values):
        values["name"] = self.env._("Call: %(outcome)s", outcome=(
            payload.get("disposition") or "-").replace("_", " "))
        return values


class CrmMigrationLoaderBloomrCallNote(models.AbstractModel):
    """Calls as internal notes of their deal (else contact), when crm_phonecall is not
    installed."""

    _name = "crm.migration.loader.bloomr.call.note"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Bloomr Calls as Notes"

    def _phase_skip(self, run, obj):
        if "crm.phonecall" in self.env:
            return self.env._("Skipped: calls are phone calls (crm_phonecall is installed).")
        return super()._phase_skip(run, obj)

    def _quiet(self):
        return HISTORY_QUIET

    def _postprocess(self, obj, payload, values):
        """An internal note that says what the call was, then its notes."""
        facts = Markup("<p>%s</p>") % self.env._(
            "Call (%(direction)s), %(minutes)s min, outcome: %(outcome)s.",
            direction=payload.get("direction") or "-",
            minutes=minutes(payload.get("duration_seconds") or 0),
            outcome=(payload.get("disposition") or "-").replace("_", " "))
        values.update(body=facts + Markup(values.get("body") or ""), message_type="comment",
                      subtype_id=self.env.ref("mail.mt_note").id, is_internal=True)
        return values


class CrmMigrationLoaderBloomrMeeting(models.AbstractModel):
    """Meetings as calendar events, without invitations."""

    _name = "crm.migration.loader.bloomr.meeting"
    _inherit = "crm.migration.loader"
    _description = "Migration Loader: Bloomr Meetings"

    def _quiet(self):
        return HISTORY_QUIET
