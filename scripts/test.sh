#!/usr/bin/env bash
# Install everything the tests need and run the whole suite: lint, types, migrations check, then pytest on
# SQLite and again on a throwaway PostgreSQL server. Fails if any step fails or if no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

echo "== ruff"; .venv/bin/ruff check src tests benchmarks scripts
.venv/bin/ruff format --check src tests benchmarks scripts
echo "== mypy"; .venv/bin/mypy
echo "== alembic check"
SCRATCH=$(mktemp -d)
CITYDIP_DATABASE_URL="sqlite:///$SCRATCH/check.sqlite3" CITYDIP_DATA_DIR="$SCRATCH" .venv/bin/alembic upgrade head >/dev/null
CITYDIP_DATABASE_URL="sqlite:///$SCRATCH/check.sqlite3" CITYDIP_DATA_DIR="$SCRATCH" .venv/bin/alembic check
rm -rf "$SCRATCH"

echo "== pytest on SQLite"
.venv/bin/pytest -q -p no:cacheprovider "$@"

echo "== pytest on PostgreSQL"
read -r PGDIR PGURL < <(bash scripts/pg-throwaway.sh start)
trap 'bash scripts/pg-throwaway.sh stop "$PGDIR"' EXIT
CITYDIP_TEST_DATABASE_URL="$PGURL" .venv/bin/pytest -q -p no:cacheprovider "$@"
