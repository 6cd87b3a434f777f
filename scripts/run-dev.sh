#!/usr/bin/env bash
# Development run: installs what is missing, builds, and runs Caf Connect on SQLite
# (config/dev.toml, demo accounts imported at start) with the demo caf.fr portal beside it.
# Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
scripts/build.sh -DCAF_BUILD_TESTS=OFF -DCAF_BUILD_BENCH=OFF  # the server alone: the run starts sooner
mkdir -p var

# config/dev.toml imports the demo accounts at every start ([development] demo_accounts).
config=config/dev.toml

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# The FranceConnect v2 stand-in (config/dev.toml's [[providers]] "franceconnect"), up before
# Caf Connect so the login page's FranceConnect button works at once.
FC_PORT=8090 FC_KEYS_FILE=var/franceconnect-keys.json FC_CLIENTS='[{"client_id":"caf-connect","client_secret":"caf-connect-dev-secret","client_name":"Caf Connect","redirect_uris":["http://localhost:8080/providers/franceconnect/callback"],"post_logout_redirect_uris":["http://localhost:8080/providers/franceconnect/logout-callback"]}]' \
  node examples/franceconnect/server.mjs >var/franceconnect.log 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q '"listening"' var/franceconnect.log 2>/dev/null && break; sleep 0.2; done
grep -q '"listening"' var/franceconnect.log || { echo "the FranceConnect stand-in did not start: see var/franceconnect.log" >&2; exit 1; }

if [[ -f examples/portal/server.mjs ]]; then
  PORTAL_PORT=3000 PORTAL_ISSUER=http://localhost:8080 PORTAL_CLIENT_ID=caf-portal \
    PORTAL_CLIENT_SECRET=caf-portal-dev-secret node examples/portal/server.mjs >var/portal.log 2>&1 &
  pids+=($!)
fi

cat <<TXT

  Caf Connect:          http://localhost:8080/  (discovery: /.well-known/openid-configuration)
  Demo caf.fr portal:   http://localhost:3000/  ("Mon Compte" logs in through Caf Connect)
  Demo accounts:        see examples/demo-accounts.md (e.g. 1 63 06 31 555 082 / Demo2024Caf)
  FranceConnect:        stand-in on http://localhost:8090/ (pick "camille.fictif" for a linked demo account)
  Development outbox:   var/outbox.jsonl (codes sent by mail, SMS or letter)

TXT
build/cafconnect serve --config "$config" &
pids+=($!)
wait "${pids[-1]}"
