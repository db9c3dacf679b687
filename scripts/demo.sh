#!/usr/bin/env bash
# Quick-start command 1: install what is missing, build, and run a demo store — storehub plus one
# storeedged on embedded SQLite — until Ctrl-C.
#   scripts/demo.sh             run until interrupted
#   scripts/demo.sh --for 10    run for 10 seconds, then stop (used to check the demo works)
# The demo lives in build/demo (override with STOREEDGE_DEMO_DIR); it is kept between runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
if ! scripts/setup.sh; then
  echo "  (or, as root: $root/scripts/demo.sh)" >&2
  exit 1
fi
seconds=0
[ "${1:-}" = "--for" ] && seconds=${2:?--for needs a number of seconds}

echo "== building (release)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target storeedged storehub storectl
bin=$root/build/release/bin

demo=${STOREEDGE_DEMO_DIR:-$root/build/demo}
mkdir -p "$demo/logs"
cat >"$demo/storehub.toml" <<TOML
# Demo hub configuration (see docs/configuration.md)
[hub]
data_dir = "hub"
[http]
address = "127.0.0.1"
port = 0
[tls]
cert_file = "hub/tls/server.pem"
key_file = "hub/tls/server.key"
# Demo keys only: a real hub gets its own secrets (docs/channels.md).
[channels]
api_keys = ["demo-channel-key-0001"]
[admin]
api_keys = ["demo-admin-key-000001"]
TOML
# The hub serves HTTPS with its own private CA, made once and kept between runs.
if [ ! -s "$demo/hub/tls/server.pem" ]; then
  "$bin/storehub" --config "$demo/storehub.toml" init-tls --host 127.0.0.1 --host localhost >/dev/null
fi

pids=()
stop() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "== demo stopped"
}
trap stop EXIT
trap 'exit 0' INT TERM

wait_for_address() {  # file pid name
  for _ in $(seq 1 200); do
    if [ -s "$1" ]; then cat "$1"; return 0; fi
    kill -0 "$2" 2>/dev/null || { echo "$3 failed to start; see its log" >&2; return 1; }
    sleep 0.05
  done
  echo "$3 did not start within 10 s" >&2
  return 1
}

"$bin/storehub" --config "$demo/storehub.toml" >"$demo/logs/storehub.log" 2>&1 &
pids+=($!)
hub=$(wait_for_address "$demo/hub/storehub.addr" "${pids[0]}" storehub) || { cat "$demo/logs/storehub.log"; exit 1; }
# The till enrolls with the hub once, with a one-time token; later runs reuse its key.
token=$("$bin/storehub" --config "$demo/storehub.toml" issue-token --store 0001 --region madrid)
cat >"$demo/storeedged.toml" <<TOML
# Demo edge configuration: store 0001 (Madrid demo store), till 01 (see docs/configuration.md)
[node]
store_code = "0001"
device_code = "01"
data_dir = "edge-0001-01"
[http]
address = "127.0.0.1"
port = 0
[sync]
hub_url = "https://$hub"
ca_file = "hub/tls/ca.pem"
enrollment_token = "$token"
TOML
"$bin/storectl" load-demo-data --if-empty --config "$demo/storeedged.toml"
"$bin/storeedged" --config "$demo/storeedged.toml" >"$demo/logs/storeedged.log" 2>&1 &
pids+=($!)
edge=$(wait_for_address "$demo/edge-0001-01/storeedged.addr" "${pids[1]}" storeedged) || { cat "$demo/logs/storeedged.log"; exit 1; }

cat <<TXT

storeedge demo store is running.
  storehub    https://$hub/health  (curl --cacert $demo/hub/tls/ca.pem https://$hub/health)
  storeedged  http://$edge/health      (store 0001, till 01)
  hub admin   https://$hub/admin  (user any, password demo-admin-key-000001)
  channel API https://$hub/channels/v1/...  (Authorization: Bearer demo-channel-key-0001, docs/channels.md)
  logs        $demo/logs/storehub.log
              $demo/logs/storeedged.log
  status      $bin/storectl status --config $demo/storeedged.toml

What runs today: both daemons with their SQLite databases, health endpoints, clean stop and
config reload (kill -HUP); the edge replica holds the demo store (5,000 products with EAN-13s,
weighed fruit and deli, promotions, 1,000 customers with loyalty cards, online orders ready for
pickup) and sells through its local API (docs/api.md); the till enrolls with the hub and pushes
every sale to it over HTTPS, trusting the private CA that storehub init-tls made
(storehub's /admin page shows it); the web shop, CRM and ERP talk to the hub's channel API.
The POS/kiosk pages arrive with the UI work.
Press Ctrl-C to stop.
TXT
"$bin/storectl" status --config "$demo/storeedged.toml" || true

if [ "$seconds" -gt 0 ]; then
  sleep "$seconds"
else
  wait
fi
