#!/usr/bin/env bash
# Load test (`make load`): the production server (`thidua serve`: gunicorn, DEBUG off) on PostgreSQL with the
# reference scenario plus a generated province (Hà Nội, 25 000 people × 10 years, ~1M records), driven by
# locust headless: 50 users, spawn rate 10, 2 minutes, against 127.0.0.1 only.
#
#     bash bench/load/run.sh [--fresh] [--prepare-only] [--existing]   # --fresh drops and rebuilds thidua_load;
#                                                       # --existing uses PG_URL's database as it is (bench/national)
#
# Environment: PG_URL (default postgres://postgres@127.0.0.1:5432/thidua_load), LOAD_USERS (50),
# LOAD_SPAWN_RATE (10), LOAD_TIME (2m), WEB_CONCURRENCY (gunicorn workers, default 3), PORT (free port).
# The database is prepared once (migrate, `thidua demo`, `thidua generate …`) and reused by later runs.
# Output: locust's table, then requests / failures / p50 / p95 per endpoint (var/load/locust_stats.csv).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

BIN=.venv/bin
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/thidua_load}
PG_HOST=$(python3 -c "import sys,urllib.parse as u; print(u.urlsplit(sys.argv[1]).hostname)" "$PG_URL")
PG_DB=$(python3 -c "import sys,urllib.parse as u; print(u.urlsplit(sys.argv[1]).path.lstrip('/'))" "$PG_URL")
OUT=var/load
mkdir -p "$OUT"
export THIDUA_VAR_DIR=$PWD/$OUT/var DATABASE_URL=$PG_URL DJANGO_SETTINGS_MODULE=thidua.settings
case "$PG_HOST" in 127.0.0.1|localhost) ;; *) echo "refusing: the load test runs against 127.0.0.1 only" >&2; exit 2;; esac

psql_admin() { psql -h "$PG_HOST" -U postgres -d postgres -qAt "$@"; }
pg_isready -q -h "$PG_HOST" || { echo "PostgreSQL is not answering on $PG_HOST" >&2; exit 1; }

FRESH=0 PREPARE_ONLY=0 EXISTING=0
for arg in "$@"; do
    case "$arg" in --fresh) FRESH=1;; --prepare-only) PREPARE_ONLY=1;; --existing) EXISTING=1;;
        *) echo "unknown argument $arg" >&2; exit 2;; esac
done
if [ "$FRESH" = 1 ]; then
    psql_admin -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"
fi
# A comment on the database marks it as fully prepared (set only once generation has finished).
prepared=$(psql_admin -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$PG_DB'")
if [ "$EXISTING" = 0 ] && [ "$prepared" != "thidua load test: prepared" ]; then
    echo "== Preparing $PG_DB (migrate, reference scenario, generated province 01: 25 000 people × 10 years)"
    psql_admin -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"
    psql_admin -c "CREATE DATABASE $PG_DB"
    start=$SECONDS
    $BIN/thidua demo >/dev/null
    $BIN/thidua generate --people 25000 --years 10 --province 01 --seed 3 --no-progress
    psql -h "$PG_HOST" -U postgres -d "$PG_DB" -qAt -c "VACUUM ANALYZE"
    psql_admin -c "COMMENT ON DATABASE $PG_DB IS 'thidua load test: prepared'"
    echo "prepared in $((SECONDS - start)) s"
fi
psql -h "$PG_HOST" -U postgres -d "$PG_DB" -qAt -F ' ' -c \
    "SELECT 'award records:', count(*) FROM awards_award UNION ALL SELECT 'organisations:', count(*) FROM orgs_organization"
[ "$PREPARE_ONLY" = 1 ] && exit 0

TOKEN=$($BIN/thidua token create trunguong "load test $(date +%FT%T)" 2>/dev/null)
PROVINCE_TOKEN=$($BIN/thidua token create caobang "load test $(date +%FT%T)" 2>/dev/null)
PORT=${PORT:-$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")}
HOST=http://127.0.0.1:$PORT
echo "== Production server on $HOST (gunicorn, ${WEB_CONCURRENCY:-3} workers)"
env SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" DEBUG=0 ALLOWED_HOSTS=127.0.0.1 \
    SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 \
    PORT="$PORT" WEB_CONCURRENCY="${WEB_CONCURRENCY:-3}" \
    setsid $BIN/thidua serve --access-logfile /dev/null >"$OUT/server.log" 2>&1 &
SERVER=$!
stop_server() { kill -TERM -- "-$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
trap stop_server EXIT
for _ in $(seq 1 300); do
    curl -s -o /dev/null --noproxy '*' "$HOST/dang-nhap/" && break
    kill -0 "$SERVER" 2>/dev/null || { tail -50 "$OUT/server.log"; echo "server died" >&2; exit 1; }
    sleep 1
done

# The figures depend on the machine and the server's memory settings: both are printed with them.
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); PostgreSQL:" \
    "$(psql -h "$PG_HOST" -U postgres -d "$PG_DB" -qAt -c "SELECT string_agg(name || '=' || current_setting(name), ', ' \
       ORDER BY name) FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'effective_cache_size', 'jit')")"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== locust: ${LOAD_USERS:-50} users, spawn rate ${LOAD_SPAWN_RATE:-10}/s, ${LOAD_TIME:-2m}"
status=0
LOAD_API_TOKEN=$TOKEN LOAD_PROVINCE_TOKEN=$PROVINCE_TOKEN timeout 600 $BIN/locust -f bench/load/locustfile.py --headless \
    -u "${LOAD_USERS:-50}" -r "${LOAD_SPAWN_RATE:-10}" -t "${LOAD_TIME:-2m}" --host "$HOST" \
    --csv "$OUT/locust" --only-summary --stop-timeout 10 >"$OUT/locust.log" 2>&1 || status=$?
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
tail -n 60 "$OUT/locust.log"
for account in trunguong caobang; do
    $BIN/thidua token revoke "$($BIN/thidua token list $account | awk -F'\t' '/load test/ && /active/ {id=$1} END {print id}')" >/dev/null || true
done
$BIN/python bench/load/report.py "$OUT/locust_stats.csv" "$OUT/locust_failures.csv" || status=$?
grep -E "Traceback|Error" "$OUT/server.log" | tail -20 || true
exit $status
