#!/usr/bin/env bash
# Load on a real server over loopback with wrk: /healthz (the network path alone) and the token
# endpoint with client_credentials (client authentication, signing, a store write per token), with
# keep-alive. Starts its own server on SQLite in a temp dir and stops it. Bounded in time.
# Usage: bench/http_load.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-32}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[[ -x build/cafconnect ]] || scripts/build.sh

dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$dir/bench.toml" <<TOML
[server]
listen = "127.0.0.1:$port"
issuer = "http://localhost:$port"
static_root = "$PWD/web/static"
templates_root = "$PWD/web/templates"
[workers]
threads = 4
queue = 1024
[store]
url = "sqlite:$dir/caf.db"
[security]
keys_dir = "$dir/keys"
data_keys_file = "$dir/data-keys"
generate_missing = true
[log]
access_log = "off"
level = "warn"
[[clients]]
client_id = "bench-partner"
auth_method = "client_secret_post"
secret = "bench-partner-secret-0123"
grant_types = ["client_credentials"]
scopes = ["caf_api.read"]
TOML
build/cafconnect serve --config "$dir/bench.toml" >"$dir/out" 2>"$dir/err" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do grep -q listening "$dir/out" 2>/dev/null && break; sleep 0.1; done

cat >"$dir/token.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&client_id=bench-partner&client_secret=bench-partner-secret-0123"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
echo "== GET /healthz ($connections connections, ${seconds}s)"
wrk -t2 -c"$connections" -d"${seconds}s" "http://127.0.0.1:$port/healthz"
echo "== POST /token client_credentials ($connections connections, ${seconds}s)"
curl -fsS -X POST -d "grant_type=client_credentials&client_id=bench-partner&client_secret=bench-partner-secret-0123" \
  "http://127.0.0.1:$port/token" >/dev/null || { echo "the token endpoint did not answer 200" >&2; exit 1; }
wrk -t2 -c"$connections" -d"${seconds}s" -s "$dir/token.lua" "http://127.0.0.1:$port/token"
echo "== server memory after the run: $(grep VmRSS /proc/$pid/status)"
