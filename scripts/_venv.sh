# Sourced by demo.sh and test.sh: create .venv once and reinstall only when pyproject.toml or constraints.txt changes.
# constraints.txt pins every package the quick start installs, so two machines get the same versions.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "Cần Python 3.11 trở lên (đang có: $("$PY" --version 2>&1))." >&2; exit 2; }
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
STAMP=".venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install --quiet -c constraints.txt -e ".[test]"
  rm -f .venv/.installed-*
  touch "$STAMP"
fi
