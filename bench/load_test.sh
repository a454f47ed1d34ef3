#!/usr/bin/env bash
# Load test: gunicorn with production settings serves the demo content while
# wrk requests the main reader pages for DURATION seconds. Fails (exit 1) on
# any response that is not 2xx/3xx, any socket error, or any ERROR/CRITICAL
# line or traceback in the server log.
#
#   bench/load_test.sh                       # 60 s, SQLite copy of the demo content
#   DURATION=120 CONNECTIONS=32 bench/load_test.sh
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/fieldguide_load bench/load_test.sh
#
# With DATABASE_URL set, that database is migrated and the demo content loaded
# into it (idempotent); without it a throwaway SQLite file is used.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-16}
WRK_THREADS=${WRK_THREADS:-2}
PORT=${PORT:-8765}
PY=${PY:-.venv/bin/python}
GUNICORN=${GUNICORN:-.venv/bin/gunicorn}
WRK=${WRK:-wrk}

WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/fieldguide-load.XXXXXX")
SERVER_LOG="$WORKDIR/server.log"
WRK_OUT="$WORKDIR/wrk.txt"
SERVER_PID=""

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# Production settings, served over plain HTTP on localhost.
export DEBUG=0
export SECRET_KEY="load-test-$($PY -c 'import secrets; print(secrets.token_urlsafe(48))')"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export SECURE_SSL_REDIRECT=0
export DJANGO_SETTINGS_MODULE=config.settings
export DATABASE_URL=${DATABASE_URL:-"sqlite:///$WORKDIR/load.sqlite3"}
export PORT WEB_CONCURRENCY=${WEB_CONCURRENCY:-$(($(nproc) * 2 + 1))}
export LOG_LEVEL=${LOG_LEVEL:-INFO}

echo "== preparing database ($DATABASE_URL) and static files"
$PY manage.py migrate --noinput -v 0
$PY manage.py load_demo_content
$PY manage.py collectstatic --noinput -v 0

# The main pages: every listing, one filtered variant of each, detail pages of
# every type, search, topics and feeds.
mapfile -t PATHS < <($PY - <<'PYTHON'
import django

django.setup()
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

paths = []


def walk(patterns, prefix=""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            walk(p.url_patterns, route)
        elif isinstance(p, URLPattern) and "<" not in route and not route.startswith(
            ("admin", "healthz", "readyz", "api")
        ):
            paths.append("/" + route)


walk(get_resolver().url_patterns)
for label in ("organizations", "careers", "guides"):
    for model in apps.get_app_config(label).get_models():
        if hasattr(model.objects, "published") and hasattr(model, "get_absolute_url"):
            for obj in model.objects.published()[:6]:
                paths.append(obj.get_absolute_url())
paths += [
    "/search/?q=interpretability",
    "/search/?q=research+engineer",
    "/search/?q=evals&type=role",
    "/organizations/?status=active",
    "/roles/?page=1",
]
for path in dict.fromkeys(paths):
    print(path)
PYTHON
)
echo "== ${#PATHS[@]} paths"

echo "== starting gunicorn ($WEB_CONCURRENCY workers) on :$PORT"
GUNICORN_BIND="127.0.0.1:$PORT" $GUNICORN -c config/gunicorn.py config.wsgi >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 50); do
  if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null

# Warm every path once (and fail early on a broken page).
for path in "${PATHS[@]}"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
  if [[ ! "$status" =~ ^[23] ]]; then echo "warm-up: $status $path"; fi
done

echo "== wrk: ${DURATION}s, $CONNECTIONS connections, $WRK_THREADS threads"
$WRK -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
  -s bench/load.lua "http://127.0.0.1:$PORT" -- "${PATHS[@]}" | tee "$WRK_OUT"

cleanup
SERVER_PID=""

RESULT=$(grep '^LOAD-RESULT ' "$WRK_OUT" | sed 's/^LOAD-RESULT //')
LOG_ERRORS=$(grep -cE '"level": "(ERROR|CRITICAL)"' "$SERVER_LOG" || true)
TRACEBACKS=$(grep -c 'Traceback' "$SERVER_LOG" || true)
ACCESS_LINES=$(grep -c '"logger": "fieldguide.access"' "$SERVER_LOG" || true)

$PY - "$RESULT" "$LOG_ERRORS" "$TRACEBACKS" "$ACCESS_LINES" "${#PATHS[@]}" "$SERVER_LOG" <<'PYTHON'
import json
import sys

result = json.loads(sys.argv[1])
log_errors, tracebacks, access_lines, n_paths = map(int, sys.argv[2:6])
print()
print(f"requests        {result['requests']} in {result['duration_s']} s "
      f"({result['rps']:.0f}/s) over {n_paths} paths")
lat = result["latency_ms"]
print(f"latency ms      mean {lat['mean']:.1f}  p50 {lat['p50']:.1f}  p90 {lat['p90']:.1f}  "
      f"p99 {lat['p99']:.1f}  max {lat['max']:.1f}")
print(f"non-2xx/3xx     {result['non_2xx_3xx']}  {result['bad_examples']}")
print(f"socket errors   {result['socket_errors']} (timeouts {result['timeouts']})")
print(f"log             {access_lines} access lines, {log_errors} ERROR/CRITICAL, "
      f"{tracebacks} tracebacks  ({sys.argv[6]})")
ok = result["non_2xx_3xx"] == 0 and result["socket_errors"] == 0 and not log_errors and not tracebacks
print("RESULT          " + ("PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
PYTHON
