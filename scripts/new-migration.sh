#!/usr/bin/env bash
# Autogenerate an Alembic revision against a scratch SQLite database at the current head.
#   bash scripts/new-migration.sh "add partners"
# Before committing, check `alembic heads` shows ONE head; if someone else landed a revision meanwhile, set your
# file's down_revision to theirs and run this script's check again: bash scripts/new-migration.sh --check
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
export CITYDIP_DATABASE_URL="sqlite:///$SCRATCH/m.sqlite3" CITYDIP_DATA_DIR="$SCRATCH"
heads=$(.venv/bin/alembic heads | wc -l)
if [ "$heads" -gt 1 ]; then echo "error: several Alembic heads; fix down_revision first:"; .venv/bin/alembic heads; exit 1; fi
.venv/bin/alembic upgrade head >/dev/null
if [ "${1:-}" = "--check" ]; then .venv/bin/alembic check; exit 0; fi
.venv/bin/alembic revision --autogenerate -m "$1"
.venv/bin/ruff format -q src/citydip/migrations/versions
