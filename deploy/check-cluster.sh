#!/usr/bin/env bash
# Smoke checks of a cluster started by run-cluster.sh: the balancer answers with the shared
# issuer, both nodes take traffic, a token issued by one node is known to the other, and the
# Galera nodes hold the same rows. Exits non-zero at the first check that fails.
set -euo pipefail
dir=${1:?usage: $0 DIR}
# shellcheck source=/dev/null
source "$dir/cluster.env"
export PATH=$PATH:/usr/sbin
fail() { echo "check-cluster.sh: FAILED: $*" >&2; exit 1; }
ok() { echo "check-cluster.sh: ok: $*"; }

issuer=$(curl -fsS "$FRONT_URL/.well-known/openid-configuration" | python3 -c 'import json,sys; print(json.load(sys.stdin)["issuer"])')
[[ $issuer == http://localhost:* ]] || fail "discovery through the balancer gave issuer $issuer"
ok "discovery through the balancer, issuer $issuer"

before1=$(wc -l <"$dir/app1-access.log") before2=$(wc -l <"$dir/app2-access.log")
for _ in $(seq 1 10); do curl -fsS "$FRONT_URL/jwks" -o /dev/null; done
after1=$(wc -l <"$dir/app1-access.log") after2=$(wc -l <"$dir/app2-access.log")
((after1 > before1 && after2 > before2)) || fail "the balancer did not use both nodes ($((after1 - before1)) / $((after2 - before2)))"
ok "both nodes served requests through the balancer ($((after1 - before1)) and $((after2 - before2)))"

token=$(curl -fsS -d grant_type=client_credentials -d client_id=partner-demo -d client_secret=partner-demo-dev-secret \
    -d scope=caf_api.read "$APP1_URL/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
active=$(curl -fsS -d "token=$token" -d client_id=partner-demo -d client_secret=partner-demo-dev-secret \
    "$APP2_URL/introspect" | python3 -c 'import json,sys; print(json.load(sys.stdin)["active"])')
[[ $active == True ]] || fail "a token issued by node 1 is not active on node 2"
ok "a token issued by node 1 is introspected as active by node 2"

counts=()
for socket in $DB_SOCKETS; do
    counts+=("$(mariadb --no-defaults --socket="$socket" -uroot -N -e 'SELECT COUNT(*) FROM cafconnect.access_tokens')")
done
[[ ${counts[0]} == "${counts[1]}" && ${counts[1]} == "${counts[2]}" && ${counts[0]} -ge 1 ]] ||
    fail "the Galera nodes disagree on access_tokens: ${counts[*]}"
ok "the three Galera nodes hold the same access tokens (${counts[0]})"
