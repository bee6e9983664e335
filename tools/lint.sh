#!/usr/bin/env bash
# make lint: ruff (ruff.toml), then pylint with pylint-odoo (.pylintrc), as OCA addons run them.
# Exits non-zero on any finding of either.
#   lint.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VENV=${VENV:-.venv}
BUILD=${BUILD:-.build}
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

status=0

say "ruff"
"$VENV/bin/ruff" check --no-fix --output-format=concise "$ROOT" || status=1

say "pylint + pylint-odoo"
# pylint-odoo takes the module's name from the folder holding __manifest__.py, and the checkout
# may be named anything: lint through the link that `make conf` makes (setup.sh conf).
LINK="$BUILD/addons/crm_migration"
mkdir -p "$BUILD/addons"
ln -sfn "$ROOT" "$LINK"
# pylint-odoo looks for __manifest__.py upwards from each file but stops below the git top
# level, which here is the addon itself: without this the checks that need the module
# (odoo-addons-relative-import, consider-merging-classes-inherited, test-folder-imported) are
# silently off. Give git's rev-parse --show-toplevel "/" as the work tree instead.
if git_dir=$(git -C "$ROOT" rev-parse --absolute-git-dir 2>/dev/null); then
  export GIT_DIR="$git_dir" GIT_WORK_TREE=/
fi
# Every .py file, not only packages: pylint does not descend into folders without __init__.py
# (benchmarks/, tools/, mapping/tests/, sources/ploomes/tests/).
prune=(-path ./.git -o -path ./.build -o -path ./.venv -o -name node_modules -o -name __pycache__)
for dir in "$VENV" "$BUILD"; do
  case "$dir" in "$ROOT"/*) prune+=(-o -path "./${dir#"$ROOT"/}") ;; esac
done
files=()
while IFS= read -r f; do files+=("$LINK/${f#./}"); done < <(
  find . \( "${prune[@]}" \) -prune -o -name '*.py' -type f -print | LC_ALL=C sort)
# Report paths relative to the checkout rather than through the link (pylint prints them
# relative to the working directory when it can).
"$VENV/bin/pylint" --rcfile="$ROOT/.pylintrc" "${files[@]}" |
  sed -u -e "s|^$LINK/||" -e "s|^${LINK#"$ROOT"/}/||" || status=1

exit $status
