#!/usr/bin/env bash
# make demo: start the bundled sandbox (Ploomes by default, or Bloomr) and migrate it into DB
# with the CLI.
#   demo.sh DB SANDBOX_PORT SANDBOX_SCALE [ploomes|bloomr]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ODOO_SRC=${ODOO_SRC:-/opt/odoo-18.0}
VENV=${VENV:-.venv}
BUILD=${BUILD:-.build}
HTTP_PORT=${HTTP_PORT:-8069}
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
PY="$VENV/bin/python"
DB=$1 PORT=$2 SCALE=$3 SOURCE=${4:-ploomes}
KEY=demo-key
CONF="$BUILD/odoo.conf"
ADDONS=$(sed -n 's/^addons_path = //p' "$CONF")

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

case "$SOURCE" in
  ploomes)
    say "Ploomes sandbox (seed 1, $SCALE contacts) on 127.0.0.1:$PORT"
    "$PY" -m sandbox.ploomes --seed 1 --scale "$SCALE" --port "$PORT" --key "$KEY" \
      > "$BUILD/sandbox.log" 2>&1 &
    READY="Ploomes sandbox on" ;;
  bloomr)
    say "Bloomr sandbox (invented API, seed 1, $SCALE contacts) on 127.0.0.1:$PORT"
    "$PY" -m sandbox.bloomr --seed 1 --scale "$SCALE" --port "$PORT" --auth apikey \
      --paging page --rate-limit 0 > "$BUILD/sandbox.log" 2>&1 &
    READY="Bloomr sandbox" ;;
  *) echo "demo.sh: unknown source '$SOURCE' (ploomes or bloomr)" >&2; exit 2 ;;
esac
SANDBOX=$!
trap 'kill $SANDBOX 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  grep -q "$READY" "$BUILD/sandbox.log" 2>/dev/null && break
  kill -0 $SANDBOX 2>/dev/null || { cat "$BUILD/sandbox.log"; exit 1; }
  sleep 0.5
done
head -1 "$BUILD/sandbox.log"

say "The demo company is Brazilian (country and currency of the sandbox's account)"
"$PY" "$ODOO_SRC/odoo-bin" shell -c "$CONF" -d "$DB" --no-http --log-level=warn <<'PY'
brl = env.ref("base.BRL")
brl.active = True
env.company.write({"country_id": env.ref("base.br").id, "currency_id": brl.id})
env.cr.commit()
PY

say "Migrating the sandbox into $DB"
if [ "$SOURCE" = bloomr ]; then
  # the banner names the API's URL and the credentials as the CLI's own flags
  URL=$(sed -n 's/.* on \(http[^ ]*\) .*/\1/p' "$BUILD/sandbox.log" | head -1)
  read -r -a CREDENTIALS <<< "$(sed -n 's/.*credentials: //p' "$BUILD/sandbox.log" | head -1)"
  "$PY" "$ODOO_SRC/odoo-bin" --addons-path="$ADDONS" crm_migration run -c "$CONF" -d "$DB" \
    --source bloomr --url "$URL" "${CREDENTIALS[@]}" --rate-limit 0 --accept-proposed-map \
    --fallback-user admin
else
  "$PY" "$ODOO_SRC/odoo-bin" --addons-path="$ADDONS" crm_migration run -c "$CONF" -d "$DB" \
    --source ploomes --url "http://127.0.0.1:$PORT" --key "$KEY" --accept-proposed-map \
    --fallback-user admin
fi

cat <<MSG

Done. To look at the result in Odoo:
    make serve            (serves $DB on http://127.0.0.1:$HTTP_PORT)
then open http://127.0.0.1:$HTTP_PORT and log in as admin / admin:
CRM › Migration › Runs shows the run, its reconciliation and its issues.
MSG
