#!/usr/bin/env bash
# The gateway's overhead, measured in one run against the same fake upstream (nginx) called directly, through the
# gateway (Release build, a virtual key with a budget and limits, so authentication, rate limits, the budget
# reservation and the spend event are all on the path) and through Portkey's open-source gateway (npm
# @portkey-ai/gateway, when npm can install it). wrk drives each for non-streamed chat, streamed chat (20 chunks) and
# embeddings at 64 and 16 connections. Not a test: the table it prints goes into bench/README.md by hand.
#
#   bench/gateway/run.sh                 DURATION=15 WARMUP=10 SETTLE=10 CONNECTIONS="64 16" SCENARIOS="chat stream embeddings"
#   PORTKEY=off bench/gateway/run.sh     without Portkey
#   TRACE=1 bench/gateway/run.sh         also a CPU trace and runtime counters of each gateway run (dotnet-trace and
#                                        dotnet-counters, the repository's local tools), next to the results
#   PERF=1 bench/gateway/run.sh          a CPU profile of each gateway run by Linux perf (cpu-clock samples, JIT symbols
#                                        from DOTNET_PerfMapEnabled), summarised by symbol next to the results
#
# Every server binds 127.0.0.1 on a free port and is stopped by its process id when the script ends.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=$ROOT/bench/gateway
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
CONNECTIONS=${CONNECTIONS:-"64 16"}
SCENARIOS=${SCENARIOS:-"chat stream embeddings"}
THREADS=${THREADS:-2}
PORTKEY=${PORTKEY:-on}
PORTKEY_VERSION=${PORTKEY_VERSION:-1.15.2}
ARTIFACTS=${ARTIFACTS:-/tmp/art-bench-gateway}
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$ROOT/bench/results"
RESULTS=$ROOT/bench/results/gateway-$(date -u +%Y%m%dT%H%M%SZ)
PIDS=()

stop_all() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
}
trap stop_all EXIT

say() { echo "== $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url, seconds
  for _ in $(seq 1 $(( $2 * 10 ))); do
    curl -s -o /dev/null -m 1 "$1" && return 0
    sleep 0.1
  done
  echo "nothing answered at $1" >&2; return 1
}

# --- tools ------------------------------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v python3 >/dev/null || missing+=(python3)
command -v psql >/dev/null || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    apt-get install -y -q "${missing[@]}" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
  else
    echo "the benchmark needs: ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2; exit 1
  fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# --- the fake upstream: nginx answering OpenAI's wire format from fixed bodies --------------------------------------
UPSTREAM_DIRECT=$(free_port)
UPSTREAM_PROXIED=$(free_port)
mkdir -p "$WORK/nginx/logs"
# nginx's static files refuse POST (405); each API path answers 405 and error_page turns that into the file, as GET.
locations() {
  cat <<EOF
    location = /v1/chat/completions { error_page 405 =200 /_body/chat.json; return 405; }
    location = /stream/v1/chat/completions { error_page 405 =200 /_body/stream.sse; return 405; }
    location = /v1/embeddings { error_page 405 =200 /_body/embeddings.json; return 405; }
    location /_body/ { internal; alias $HERE/upstream/; types { application/json json; text/event-stream sse; } }
EOF
}
cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  log_format calls '\$uri';
  client_body_temp_path $WORK/nginx/body;
  keepalive_requests 1000000;
  # Direct calls: the baseline. Calls through a gateway: a second port whose access log counts every upstream call,
  # so the spend can be checked against what the upstream actually served.
  server { listen 127.0.0.1:$UPSTREAM_DIRECT; access_log off;
$(locations)
  }
  server { listen 127.0.0.1:$UPSTREAM_PROXIED; access_log $WORK/nginx/logs/proxied.log calls buffer=256k flush=200ms;
$(locations)
  }
}
EOF
"$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -g 'daemon off;' &
PIDS+=($!)
wait_http "http://127.0.0.1:$UPSTREAM_DIRECT/" 10

# --- the gateway: Release, private PostgreSQL, one virtual key -------------------------------------------------------
say "building the gateway (Release)"
dotnet build src/Gateway.Api -c Release --artifacts-path "$ARTIFACTS" -v quiet -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
GATEWAY_PORT=$(free_port)
[ -n "${PERF:-}" ] && GATEWAY_ENV="${GATEWAY_ENV:-} DOTNET_PerfMapEnabled=1"
MASTER_KEY=sk-bench-master-$(python3 -c 'import secrets; print(secrets.token_hex(12))')
mkdir -p "$WORK/home"
cat > "$WORK/config.yaml" <<EOF
model_list:
  - model_name: bench-chat
    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:$UPSTREAM_PROXIED/v1", api_key: sk-upstream-fake }
  - model_name: bench-stream
    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:$UPSTREAM_PROXIED/stream/v1", api_key: sk-upstream-fake }
  - model_name: bench-embeddings
    litellm_params: { model: openai/text-embedding-3-small, api_base: "http://127.0.0.1:$UPSTREAM_PROXIED/v1", api_key: sk-upstream-fake }
EOF
say "starting the gateway on 127.0.0.1:$GATEWAY_PORT"
GATEWAY_HOME=$WORK/home GATEWAY_CONFIG=$WORK/config.yaml GATEWAY_MASTER_KEY=$MASTER_KEY HOST=127.0.0.1 PORT=$GATEWAY_PORT \
  DATABASE_URL= ASPNETCORE_ENVIRONMENT=Production env ${GATEWAY_ENV:-} \
  dotnet "$ARTIFACTS/bin/Gateway.Api/release/Gateway.Api.dll" >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
PIDS=("$GATEWAY_PID" "${PIDS[@]}")
wait_http "http://127.0.0.1:$GATEWAY_PORT/health/liveliness" 120 || { tail -50 "$WORK/gateway.log"; exit 1; }
VIRTUAL_KEY=$(curl -s -X POST "http://127.0.0.1:$GATEWAY_PORT/key/generate" -H "Authorization: Bearer $MASTER_KEY" \
  -H 'Content-Type: application/json' \
  -d '{"key_alias":"bench","max_budget":1000000,"budget_duration":"30d","rpm_limit":100000000,"tpm_limit":100000000000,"models":["bench-chat","bench-stream","bench-embeddings"]}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')

PGPORT=$(sed -n 4p "$WORK/home/postgres/data/postmaster.pid" | tr -d ' ')
sql() { PGPASSWORD=$(tr -d '\n' < "$WORK/home/postgres.password") psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d gateway -tAqc "$1"; }

# --- Portkey's gateway, when npm can install it ----------------------------------------------------------------------
PORTKEY_PORT=
if [ "$PORTKEY" != off ]; then
  PK_DIR=$ROOT/bench/.portkey
  PK_SERVER=$PK_DIR/node_modules/@portkey-ai/gateway/build/start-server.js
  if [ ! -f "$PK_SERVER" ] && command -v npm >/dev/null; then
    say "installing @portkey-ai/gateway@$PORTKEY_VERSION into bench/.portkey"
    npm i --prefix "$PK_DIR" --no-audit --no-fund "@portkey-ai/gateway@$PORTKEY_VERSION" >"$WORK/npm.log" 2>&1 || say "npm could not install Portkey: $(tail -1 "$WORK/npm.log")"
  fi
  if [ -f "$PK_SERVER" ] && command -v node >/dev/null; then
    PORTKEY_PORT=$(free_port)
    node -r "$HERE/loopback.cjs" "$PK_SERVER" --port="$PORTKEY_PORT" --headless >"$WORK/portkey.log" 2>&1 &
    PORTKEY_PID=$!
    PIDS+=("$PORTKEY_PID")
    wait_http "http://127.0.0.1:$PORTKEY_PORT/" 30
  else
    say "Portkey is not installed (npm i --prefix bench/.portkey @portkey-ai/gateway): its rows are left out"
  fi
fi

# --- load -------------------------------------------------------------------------------------------------------------
# CPU time the process has used, in clock ticks (user + system): per request it holds up on a shared, noisy machine.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# PostgreSQL's CPU: the postmaster, the backends it has reaped (cutime/cstime) and the ones still running.
pg_ticks() {
  local postmaster; postmaster=$(head -1 "$WORK/home/postgres/data/postmaster.pid")
  { awk '{print $14 + $15 + $16 + $17}' "/proc/$postmaster/stat"
    for child in $(pgrep -P "$postmaster"); do awk '{print $14 + $15}' "/proc/$child/stat" 2>/dev/null || true; done; } \
    | awk '{ total += $1 } END { print total }'
}
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
peak_mb() { awk '/^VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
proxied_calls() { sleep 0.5; [ -f "$WORK/nginx/logs/proxied.log" ] && wc -l < "$WORK/nginx/logs/proxied.log" || echo 0; }
# Calls that reached the upstream end as RequestCompleted (a client that left is charged too, status 499); a call that
# never reached it is a RequestFailed and is not an upstream call. So completed calls must equal the upstream's count.
events() { sql "select count(*) from gateway.mt_events where type = 'request_completed'"; }
request_log_rows() { sql "select count(*) from gateway.mt_doc_spendlog"; }
# The async daemon has caught up when every projection's progress has reached the last event's sequence.
projection_lag_s() {
  local start; start=$(date +%s.%N)
  for _ in $(seq 1 600); do
    if [ "$(sql "select coalesce((select max(seq_id) from gateway.mt_events),0) <= coalesce((select min(last_seq_id) from gateway.mt_event_progression where name not like 'HighWater%'),0)")" = t ]; then
      python3 -c "print(round($(date +%s.%N) - $start, 2))"; return
    fi
    sleep 0.1
  done
  echo ">60"
}

body_of() {
  case $1 in
    chat) echo "{\"model\":\"$2\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}" ;;
    stream) echo "{\"model\":\"$2\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}" ;;
    embeddings) echo "{\"model\":\"$2\",\"input\":\"Hello!\"}" ;;
  esac
}
path_of() { case $1 in chat|stream) echo /v1/chat/completions ;; embeddings) echo /v1/embeddings ;; esac; }
prefix_of() { [ "$1" = stream ] && echo /stream || true; }

# wrk <url> <body> <headers> <connections> <seconds> → one JSON line of figures
load() {
  BENCH_BODY=$2 BENCH_HEADERS=$3 wrk -t"$THREADS" -c"$4" -d"$5"s -s "$HERE/post.lua" "$1" 2>&1 >/dev/null | tail -1
}

# A fresh process runs tier-0 and instrumented code for its first minute or so (tiered compilation with dynamic PGO): the
# first measured run after start cost up to twice the CPU per call of the later ones. Settle every scenario first.
SETTLE=${SETTLE:-10}
if [ "$SETTLE" -gt 0 ]; then
  for scenario in $SCENARIOS; do
    say "settling the gateway: $scenario for $SETTLE s"
    [ "$scenario" = embeddings ] && model=bench-embeddings || model=bench-$scenario
    load "http://127.0.0.1:$GATEWAY_PORT$(path_of "$scenario")" "$(body_of "$scenario" "$model")" "Authorization: Bearer $VIRTUAL_KEY" 16 "$SETTLE" >/dev/null
  done
  projection_lag_s >/dev/null
fi

ROWS=$WORK/rows.jsonl
: > "$ROWS"
for scenario in $SCENARIOS; do
  for connections in $CONNECTIONS; do
    for target in direct gateway portkey; do
      case $target in
        direct)
          url="http://127.0.0.1:$UPSTREAM_DIRECT$(prefix_of "$scenario")$(path_of "$scenario")"
          body=$(body_of "$scenario" gpt-4o-mini); headers="Authorization: Bearer sk-upstream-fake" ;;
        gateway)
          url="http://127.0.0.1:$GATEWAY_PORT$(path_of "$scenario")"
          [ "$scenario" = embeddings ] && model=bench-embeddings || model=bench-$scenario
          body=$(body_of "$scenario" "$model"); headers="Authorization: Bearer $VIRTUAL_KEY" ;;
        portkey)
          [ -n "$PORTKEY_PORT" ] || continue
          url="http://127.0.0.1:$PORTKEY_PORT$(path_of "$scenario")"
          body=$(body_of "$scenario" gpt-4o-mini)
          headers=$'Authorization: Bearer sk-upstream-fake\nx-portkey-provider: openai\nx-portkey-custom-host: '"http://127.0.0.1:$UPSTREAM_DIRECT$(prefix_of "$scenario")/v1" ;;
      esac
      say "$scenario · $target · $connections connections"
      load "$url" "$body" "$headers" "$connections" "$WARMUP" >/dev/null
      extra='{}'
      if [ "$target" = gateway ]; then
        # Let the warm-up's events land first, so the figures below belong to the measured run alone.
        projection_lag_s >/dev/null
        calls_before=$(proxied_calls); events_before=$(events); log_before=$(request_log_rows)
        observers=()
        if [ -n "${TRACE:-}" ]; then
          name="$RESULTS-$scenario-$connections"
          dotnet dotnet-trace collect -p "$GATEWAY_PID" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf %02d "$DURATION")" \
            -o "$name.nettrace" >"$WORK/trace.log" 2>&1 &
          observers+=($!)
          dotnet dotnet-counters collect -p "$GATEWAY_PID" --counters System.Runtime,Microsoft.AspNetCore.Hosting,System.Net.Http \
            --refresh-interval 1 --format csv -o "$name.counters.csv" --duration "00:00:00:$(printf %02d "$DURATION")" >"$WORK/counters.log" 2>&1 &
          observers+=($!)
          sleep 1
        fi
        if [ -n "${PERF:-}" ]; then
          perf record -e cpu-clock -F 999 -g -p "$GATEWAY_PID" -o "$RESULTS-$scenario-$connections.perf.data" -- sleep "$DURATION" \
            >"$WORK/perf.log" 2>&1 &
          observers+=($!)
        fi
        ticks_before=$(cpu_ticks "$GATEWAY_PID"); pg_before=$(pg_ticks)
        figures=$(load "$url" "$body" "$headers" "$connections" "$DURATION")
        ticks_during=$(( $(cpu_ticks "$GATEWAY_PID") - ticks_before ))
        for pid in "${observers[@]}"; do wait "$pid" || true; done
        if [ -n "${PERF:-}" ]; then
          perf report -i "$RESULTS-$scenario-$connections.perf.data" --no-children --sort symbol --stdio 2>/dev/null \
            | grep -E '^ +[0-9]' | head -60 > "$RESULTS-$scenario-$connections.perf.txt" || true
        fi
        events_at_stop=$(events)
        lag=$(projection_lag_s)
        ticks_with_lag=$(( $(cpu_ticks "$GATEWAY_PID") - ticks_before )); pg_with_lag=$(( $(pg_ticks) - pg_before ))
        calls_after=$(proxied_calls); events_after=$(events); log_after=$(request_log_rows)
        extra=$(python3 - <<EOF
import json
print(json.dumps({
  "rss_mb": $(rss_mb "$GATEWAY_PID"), "peak_rss_mb": $(peak_mb "$GATEWAY_PID"),
  "cpu_s_during_load": $ticks_during / $(getconf CLK_TCK), "cpu_s_until_projected": $ticks_with_lag / $(getconf CLK_TCK),
  "pg_cpu_s_until_projected": $pg_with_lag / $(getconf CLK_TCK),
  "upstream_calls": $calls_after - $calls_before,
  "events_during_load": $events_at_stop - $events_before,
  "events": $events_after - $events_before,
  "request_log_rows": $log_after - $log_before,
  "projection_lag_s": "$lag",
}))
EOF
)
      elif [ "$target" = portkey ]; then
        figures=$(load "$url" "$body" "$headers" "$connections" "$DURATION")
        extra="{\"rss_mb\": $(rss_mb "$PORTKEY_PID"), \"peak_rss_mb\": $(peak_mb "$PORTKEY_PID")}"
      else
        figures=$(load "$url" "$body" "$headers" "$connections" "$DURATION")
      fi
      python3 -c "import json,sys; r=json.loads(sys.argv[1]); r.update(json.loads(sys.argv[2])); r.update(scenario='$scenario', target='$target', connections=$connections); print(json.dumps(r))" \
        "$figures" "$extra" >> "$ROWS"
    done
  done
done

# --- report -----------------------------------------------------------------------------------------------------------
cp "$ROWS" "$RESULTS.jsonl"
python3 "$HERE/report.py" "$ROWS" "$DURATION" | tee "$RESULTS.md"
say "raw figures: $RESULTS.jsonl; table: $RESULTS.md; logs: $WORK"
