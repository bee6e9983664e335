#!/usr/bin/env bash
# `make i18n`: regenerate i18n/crm_migration.pot from a clean copy of HEAD and
# merge it into every i18n/*.po (new msgids come in untranslated, never fuzzy).
#   i18n.sh DB    (DB is dropped and recreated with crm_migration installed)
#
# Odoo's exporter walks the addon's folder following symlinks: run on this
# checkout it would loop through .build/addons/crm_migration and scan .venv,
# hence the export from a `git archive` of HEAD (commit what must be exported).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo-18.0}
VENV=${VENV:-.venv}
BUILD=${BUILD:-.build}
cd "$ROOT"
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

DB=${1:-}
[ -n "$DB" ] || die "usage: $0 DB"
[ -f "$BUILD/odoo.conf" ] || die "$BUILD/odoo.conf is missing: run tools/setup.sh conf first"
command -v msgmerge >/dev/null ||
  die "msgmerge is missing: install gettext (sudo apt-get install gettext)"

WORK="$BUILD/i18n"
SRC="$WORK/src"
rm -rf "$WORK"
mkdir -p "$SRC/crm_migration"
say "Clean copy of HEAD ($(git rev-parse --short HEAD)) in $SRC"
git archive HEAD | tar -x -C "$SRC/crm_migration"
# Same configuration, with the clean copy in place of the checkout's symlink.
sed "/^addons_path/s#$BUILD/addons#$SRC#" "$BUILD/odoo.conf" > "$WORK/odoo.conf"

ODOO=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$WORK/odoo.conf" -d "$DB" --stop-after-init)
say "Database $DB with crm_migration"
PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists --force "$DB"
"${ODOO[@]}" -i crm_migration --without-demo=all --log-level=warn

say "Exporting i18n/crm_migration.pot"
mkdir -p i18n
"${ODOO[@]}" --i18n-export="$WORK/crm_migration.pot" --modules=crm_migration --language= \
  --log-level=warn 2>&1 | tee "$WORK/export.log"
# Babel gives up on a whole file it cannot parse (e.g. an f-string argument of _()).
if grep -q "Failed to extract terms" "$WORK/export.log"; then
  die "some files could not be read for translatable terms (see $WORK/export.log)"
fi
[ -s "$WORK/crm_migration.pot" ] || die "the export wrote nothing"
mv "$WORK/crm_migration.pot" i18n/crm_migration.pot

for po in i18n/*.po; do
  [ -e "$po" ] || continue
  say "Merging into $po"
  msgmerge --quiet --update --no-fuzzy-matching --backup=none "$po" i18n/crm_migration.pot
  msgattrib --no-obsolete --output-file="$po" "$po"  # msgids gone from the code
  msgfmt -c --statistics -o /dev/null "$po"
done
PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists --force "$DB"
