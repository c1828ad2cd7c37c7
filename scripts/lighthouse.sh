#!/usr/bin/env bash
# Lighthouse on the release build: starts the server on a free port with a
# fresh data folder (mail to its outbox), runs end2end/lighthouse.mjs, stops
# the server. Report: target/bench/lighthouse.json.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
port=${LIGHTHOUSE_PORT:-3178}
LEPTOS_SITE_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=target/site PORTAL_CONTENT_DIR=content \
  PORTAL_DATA_DIR="$data" RUST_LOG=warn ./target/release/server &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done
node end2end/lighthouse.mjs "http://127.0.0.1:$port" "$data/outbox" target/bench/lighthouse.json
