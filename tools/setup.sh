#!/usr/bin/env bash
# Set-up steps shared by `make demo`, `make test` and .ci/run.
#   setup.sh check-odoo | venv | postgres | conf | browser | pdf | database DB MODULES [demo]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo-18.0}
VENV=${VENV:-.venv}
BUILD=${BUILD:-.build}
PYTHON=${PYTHON:-python3}
HTTP_PORT=${HTTP_PORT:-8069}
cd "$ROOT"
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

check_odoo() {
  [ -f "$ODOO_SRC/odoo-bin" ] && [ -f "$ODOO_SRC/odoo/release.py" ] ||
    die "Odoo 18.0 source not found at ODOO_SRC=$ODOO_SRC (set ODOO_SRC to an Odoo 18.0 Community checkout)."
  grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" ||
    die "ODOO_SRC=$ODOO_SRC is not Odoo 18.0."
}

venv() {
  local stamp="$VENV/.crm_migration-stamp" want
  want=$(cat "$ODOO_SRC/requirements.txt" requirements.txt requirements-test.txt | sha1sum | cut -c1-40)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  say "Python virtualenv in $VENV"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  local pip="$VENV/bin/pip"
  mkdir -p "$BUILD"
  # Known pin fixes: cbor2 5.4.2 does not build with a current setuptools;
  # python-ldap needs LDAP headers and is only used by auth_ldap.
  sed -e 's/^cbor2==5\.4\.2.*/cbor2==5.6.5/' -e '/^python-ldap/d' \
    "$ODOO_SRC/requirements.txt" > "$BUILD/odoo-requirements.txt"
  "$pip" install -q -r "$BUILD/odoo-requirements.txt"
  # compat mode: addon wheels (queue_job) add a site-packages/odoo namespace
  # that would hide a plain editable install of Odoo.
  "$pip" install -q --no-deps -e "$ODOO_SRC" --config-settings editable_mode=compat
  "$pip" install -q -r requirements.txt -r requirements-test.txt
  echo "$want" > "$stamp"
}

postgres() {
  if psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then return; fi
  say "Starting PostgreSQL"
  if command -v pg_lsclusters >/dev/null; then
    local cluster
    cluster=$(pg_lsclusters -h | awk '{print $1" "$2}' | head -1)
    [ -n "$cluster" ] || die "no PostgreSQL cluster found (pg_lsclusters is empty)"
    pg_ctlcluster $cluster start || true
  fi
  for _ in $(seq 1 30); do
    pg_isready -q && break
    sleep 1
  done
  pg_isready -q || die "PostgreSQL does not answer"
  if ! psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    say "Creating PostgreSQL role $(id -un)"
    runuser -u postgres -- createuser --superuser "$(id -un)" 2>/dev/null ||
      sudo -u postgres createuser --superuser "$(id -un)" ||
      die "cannot create a PostgreSQL role for $(id -un)"
  fi
}

conf() {
  mkdir -p "$BUILD/addons" "$BUILD/data"
  # Odoo loads an addon by its folder name: expose this checkout as crm_migration.
  ln -sfn "$ROOT" "$BUILD/addons/crm_migration"
  local site
  site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  local paths="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$BUILD/addons"
  [ -d "$site/odoo/addons" ] && paths="$paths,$site/odoo/addons"
  cat > "$BUILD/odoo.conf" <<CONF
[options]
addons_path = $paths
data_dir = $BUILD/data
db_user = $(id -un)
admin_passwd = admin
http_interface = 127.0.0.1
http_port = $HTTP_PORT
list_db = False
log_level = warn
CONF
}

apt_install() {
  # apt_install PACKAGE PURPOSE: install a Debian package the tests need (as root).
  local package=$1 purpose=$2
  say "Installing $package $purpose"
  [ "$(id -u)" = 0 ] || die "$package is needed $purpose: sudo apt-get install $package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "$package" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q "$package" >/dev/null; } ||
    die "could not install $package"
}

browser() {
  # Odoo skips every browser test without Chromium; tests treat a skip as a failure.
  if ! command -v chromium >/dev/null && ! command -v google-chrome >/dev/null; then
    apt_install chromium "for the browser tests"
  fi
  browser_warm_up
}

pdf() {
  # PDF reports (reconciliation, workflow audit) are made by wkhtmltopdf; the tests render one.
  command -v wkhtmltopdf >/dev/null || apt_install wkhtmltopdf "for PDF reports"
}

browser_warm_up() {
  # A first start builds Chromium's caches and can take longer than Odoo waits for
  # it (10 s); start it once here, and fail now, with its own words, if it cannot.
  chrome=$(command -v chromium || command -v google-chrome)
  profile=$(mktemp -d)
  if ! timeout 180 "$chrome" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
      --disable-background-networking --no-first-run --user-data-dir="$profile" \
      --dump-dom about:blank >/dev/null 2>"$profile.log"; then
    tail -n 20 "$profile.log" >&2
    rm -rf "$profile" "$profile.log"
    die "Chromium ($chrome) does not start: the browser tests cannot run"
  fi
  rm -rf "$profile" "$profile.log"
}

database() {
  local db=$1 modules=$2 demo=${3:-}
  say "Database $db with $modules"
  PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists --force "$db"
  local opts=(--without-demo=all)
  [ "$demo" = demo ] && opts=()
  "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$BUILD/odoo.conf" -d "$db" \
    -i "$modules" "${opts[@]}" --stop-after-init --log-level=warn
}

uninstall() {
  local db=$1 modules=$2
  say "Uninstalling $modules from $db"
  MODULES=$modules "$VENV/bin/python" "$ODOO_SRC/odoo-bin" shell -c "$BUILD/odoo.conf" -d "$db" \
    --no-http --log-level=warn >/dev/null <<'PY'
import os
modules = env["ir.module.module"].search([("name", "in", os.environ["MODULES"].split(","))])
modules.button_immediate_uninstall()
assert not modules.filtered(lambda m: m.state != "uninstalled"), modules.mapped("state")
env.cr.commit()
PY
}

case "${1:-}" in
  check-odoo) check_odoo ;;
  venv) check_odoo; venv ;;
  postgres) postgres ;;
  conf) conf ;;
  browser) browser ;;
  pdf) pdf ;;
  database) shift; database "$@" ;;
  uninstall) shift; uninstall "$@" ;;
  *) die "usage: $0 check-odoo|venv|postgres|conf|browser|pdf|database DB MODULES [demo]|uninstall DB MODULES" ;;
esac
