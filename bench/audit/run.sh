#!/usr/bin/env bash
# Times `gateway audit` replaying synthetic calls: seeds a scratch event store, projects it with Marten's rebuild,
# then audits at 100k and at 1M events (time and peak memory from /usr/bin/time). Not a test: figures go to
# bench/README.md by hand.
#   bench/audit/run.sh [EVENTS]        (default 1000000; uses a private cluster under a scratch GATEWAY_HOME)
# With DATABASE_URL set it seeds that database instead: it must be a scratch one.
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS=${1:-1000000}
FIRST=$(( EVENTS < 100000 ? EVENTS : 100000 ))
ARTIFACTS=${ARTIFACTS:-/tmp/art-bench-audit}
export GATEWAY_HOME=${GATEWAY_HOME:-$(mktemp -d /tmp/audit-bench.XXXXXX)}
chmod 755 "$GATEWAY_HOME"
unset GATEWAY_CONFIG GATEWAY_PRICE_SHEET

dotnet build bench/audit -c Release --artifacts-path "$ARTIFACTS" -v quiet -nologo | grep -E "error|Warn" || true
BENCH="dotnet $ARTIFACTS/bin/AuditBench/release/AuditBench.dll"
GATEWAY="dotnet $ARTIFACTS/bin/Gateway.Api/release/Gateway.Api.dll"
TIME=(/usr/bin/time -f "%e s elapsed, %M KB peak RSS")
trap '[ -z "${DATABASE_URL:-}" ] && $BENCH stop --home "$GATEWAY_HOME" >/dev/null 2>&1 || true' EXIT

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB; GATEWAY_HOME=$GATEWAY_HOME"
audit() {
  echo "-- audit $*"
  "${TIME[@]}" $GATEWAY audit --from 2025-10-01 --to 2025-10-31 --format json "$@" > "$GATEWAY_HOME/audit.json"
  python3 -c "import json,sys; t=json.load(open('$GATEWAY_HOME/audit.json'))['totals']; r=len(json.load(open('$GATEWAY_HOME/audit.json'))['rows']); print('   totals', t, 'rows', r)"
}

echo "== seed $FIRST events"
$BENCH seed --home "$GATEWAY_HOME" --events "$FIRST"
echo "== projections rebuild -p Spend"
"${TIME[@]}" $GATEWAY projections rebuild -p Spend > /dev/null
audit

if [ "$EVENTS" -gt "$FIRST" ]; then
  echo "== seed $(( EVENTS - FIRST )) more events"
  $BENCH seed --home "$GATEWAY_HOME" --events $(( EVENTS - FIRST )) --first "$FIRST"
  echo "== projections rebuild -p Spend"
  "${TIME[@]}" $GATEWAY projections rebuild -p Spend > /dev/null
  audit
fi

echo "== audit with a sheet of doubled prices"
$BENCH doubled > "$GATEWAY_HOME/doubled.json"
audit --prices "$GATEWAY_HOME/doubled.json"

echo "== audit of one team"
audit --team team-3

echo "== spend --as-of, one key"
"${TIME[@]}" $GATEWAY spend --as-of 2025-10-15T12:00:00Z --key "$(python3 -c "import hashlib; print(hashlib.sha256(b'sk-bench-007').hexdigest())")"

