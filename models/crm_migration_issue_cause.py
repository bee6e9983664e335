from odoo import api, fields, models

#: Every code the addon and its sources give an issue; each has a record in
#: data/crm_migration_issue_cause_data.xml (a test checks it).
CODES = (
    "attachment_not_found", "bad_encoding", "bad_format", "bad_quote", "bad_zip", "column_count",
    "commercial_field", "dangling_reference", "deal_not_loaded", "deleted_in_source",
    "download_failed", "duplicate_key", "email_not_sent", "empty_file", "extra_phones",
    "foreign_currency", "header_name", "held", "html_script_removed", "inactive_owner",
    "invalid_email", "invalid_phone", "invalid_register", "invalid_zip", "kind_changed",
    "load_failed", "missing_key", "missing_name", "no_assignee", "no_date", "no_header",
    "no_offset", "no_owner", "no_record", "no_won_stage", "not_a_boolean", "not_a_date",
    "not_a_duration", "not_a_number", "not_a_reference", "not_an_attendee", "not_an_image",
    "not_an_integer", "not_an_option", "not_csv", "not_text", "owner_not_loaded",
    "refused_entity", "rejected_value", "rollback_blocked", "rollback_kept_edited",
    "rollback_refused", "several_values", "size_mismatch", "skipped", "staged_data_purged",
    "superseded_line", "taxes_differ",
    "too_large", "total_mismatch", "unclosed_quote", "unexpected_column", "unknown_activity_type",
    "unknown_author", "unknown_converter", "unknown_country", "unknown_option", "unknown_owner",
    "unknown_reader", "unknown_state", "unknown_status", "unknown_uom", "unknown_value",
    "unmatched_author", "unmatched_owner", "unmatched_user", "unresolved_parent",
    "unresolved_reference", "unsupported_type", "value_kept", "verify_mismatch",
    "wrong_value_type",
)


class CrmMigrationIssueCause(models.Model):
    """What went wrong, in the admin's words, and what to do about it: the issues of a
    run are counted by cause."""

    _name = "crm.migration.issue.cause"
    _description = "Migration Issue Cause"
    _order = "name"

    code = fields.Char(required=True, readonly=True)
    name = fields.Char("Problem", required=True, translate=True)
    description = fields.Text("What to do", translate=True)

    _sql_constraints = [("code_unique", "unique(code)", "A problem code has one cause.")]

    @api.model
    def _for_codes(self, codes):
        """{code: cause} of ``codes``; a code without a record (a source added it) gets
        one, named by its code."""
        causes = self.sudo().search([("code", "in", list(codes))])
        by_code = {cause.code: cause for cause in causes}
        missing = sorted(set(codes) - by_code.keys())
        if missing:
            created = self.sudo().create([{"code": code, "name": code} for code in missing])
            by_code.update(zip(missing, created, strict=True))
        return by_code
