#!/usr/bin/env bash
# Development run: installs what is missing, builds, and runs Caf Connect on SQLite
# (config/dev.toml, demo accounts imported at start) with the demo caf.fr portal beside it.
# Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
scripts/build.sh
mkdir -p var

# config/dev.toml imports the demo accounts at every start ([development] demo_accounts).
config=config/dev.toml

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if [[ -f examples/portal/server.mjs ]]; then
  PORTAL_PORT=3000 PORTAL_ISSUER=http://localhost:8080 PORTAL_CLIENT_ID=caf-portal \
    PORTAL_CLIENT_SECRET=caf-portal-dev-secret node examples/portal/server.mjs >var/portal.log 2>&1 &
  pids+=($!)
fi

cat <<TXT

  Caf Connect:          http://localhost:8080/  (discovery: /.well-known/openid-configuration)
  Demo caf.fr portal:   http://localhost:3000/  ("Mon Compte" logs in through Caf Connect)
  Demo accounts:        see examples/demo-accounts.md (e.g. 1 63 06 31 555 082 / Demo2024Caf)
  Development outbox:   var/outbox.jsonl (codes sent by mail, SMS or letter)

TXT
build/cafconnect serve --config "$config" &
pids+=($!)
wait "${pids[-1]}"
