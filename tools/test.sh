#!/usr/bin/env bash
# make test: the pure-Python suites, then this addon's Odoo suite and Odoo's own
# crm and sale_crm suites on fresh databases (real Odoo 18, real PostgreSQL).
#   test.sh DB DB_MIN [DB_SALE]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ODOO_SRC=${ODOO_SRC:-/opt/odoo-18.0}
VENV=${VENV:-.venv}
BUILD=${BUILD:-.build}
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
PY="$VENV/bin/python"
DB=${1:-crm_migration_test}
DB_MIN=${2:-crm_migration_test_min}
DB_SALE=${3:-crm_migration_test_sale}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "Pure-Python suites (no Odoo, no database)"
for pkg in tools sandbox mapping sources; do
  PYTHONPATH="$ROOT/tools:$ROOT" "$PY" -m pytest -p no:odoo -p pytest_crm_migration \
    -p no:cacheprovider --import-mode=importlib --rootdir="$pkg" -q "$pkg"
done

tools/setup.sh browser
tools/setup.sh pdf
# Full database: CRM with Sales, Inventory, Project, the Brazilian localization, queue_job and
# OCA crm_phonecall, with
# demo data (Odoo's own crm/sale_crm suites need it).
tools/setup.sh database "$DB" crm_migration,sale_crm,l10n_br,queue_job,stock,project,crm_phonecall demo
# Minimal database: only what every CRM user has, for the CLI and CRM-only tests.
tools/setup.sh database "$DB_MIN" crm_migration
# Sales without sale_crm (Odoo installs it with crm and sale; some databases removed it).
tools/setup.sh database "$DB_SALE" crm_migration,sale
tools/setup.sh uninstall "$DB_SALE" sale_crm

say "Odoo suites on $DB"
CRM_MIGRATION_CLI_DB="$DB_MIN" CRM_MIGRATION_SALE_DB="$DB_SALE" PYTHONPATH="$ROOT/tools${PYTHONPATH:+:$PYTHONPATH}" \
  "$PY" -m pytest -p pytest_crm_migration -p no:cacheprovider \
  --odoo-config="$BUILD/odoo.conf" --odoo-database="$DB" --odoo-http -q \
  "$BUILD/addons/crm_migration/tests" \
  "$ODOO_SRC/addons/crm/tests" "$ODOO_SRC/addons/sale_crm/tests"
