#!/usr/bin/env bash
# Fuzz the REST API with schemathesis (all phases, stateful included) against a real `citydip serve` on a fresh
# demo installation, signed in with an owner token. Not part of CI (minutes, not seconds).
#   bash scripts/fuzz.sh [--max-examples N] [--database-url URL_OF_AN_EMPTY_POSTGRESQL_DATABASE]
# Needs schemathesis in the venv (.venv/bin/pip install 'schemathesis>=4'). Exit status is schemathesis's:
# 0 only with no server error and no schema violation. The JUnit report is written to fuzz-report/.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_EXAMPLES=25
DB_URL=""
while [ $# -gt 0 ]; do
  case "$1" in
    --max-examples) MAX_EXAMPLES="$2"; shift 2 ;;
    --database-url) DB_URL="$2"; shift 2 ;;
    *) echo "usage: $0 [--max-examples N] [--database-url URL]" >&2; exit 2 ;;
  esac
done
[ -x .venv/bin/schemathesis ] || { echo "install schemathesis first: .venv/bin/pip install 'schemathesis>=4'" >&2; exit 2; }
WORK=$(mktemp -d)
export CITYDIP_DATA_DIR="$WORK/data" CITYDIP_SECRET_KEY="fuzz-secret-key" CITYDIP_DATABASE_URL="$DB_URL"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
.venv/bin/citydip demo >/dev/null
TOKEN=$(.venv/bin/citydip token create --user demo@citydip.example --workspace los-angeles --role owner --name fuzz | grep -o 'cdp_[A-Za-z0-9_-]*')
.venv/bin/citydip serve --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS --max-time 120 "http://127.0.0.1:$PORT/api/v1/openapi.json" >/dev/null  # built once, slow on a busy machine
mkdir -p fuzz-report
set +e
.venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --phases examples,coverage,fuzzing,stateful \
  --checks all \
  --max-examples "$MAX_EXAMPLES" \
  --seed 20261208 \
  --report junit --report-dir fuzz-report
STATUS=$?
set -e
echo "server tracebacks: $(grep -c Traceback "$WORK/server.log" || true)"
exit $STATUS
