#!/usr/bin/env bash
# The integration suite, once on SQLite and once on PostgreSQL.
#
# PostgreSQL runs when a server answers at TEST_POSTGRES_URL (default
# postgres://postgres@127.0.0.1:5432/postgres; each test makes its own
# database there). Without one the PostgreSQL run is skipped, and says so;
# with REQUIRE_POSTGRES=1 (as CI sets) a missing server fails instead.
#
# With cargo-nextest (as on CI machines) every test runs in a process of
# its own, INTEGRATION_JOBS (default 3) at a time: each test starts its own
# server, mail sink and database, and in its own process no test shares
# Leptos's process-global rendering state with another (leptos-rs/leptos#4773,
# which is why plain `cargo test` runs them one at a time). Most of a test's
# time is spent waiting (on mail, retries, sign-in hashing on the other
# core), so three at a time on two cores takes about half as long.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${INTEGRATION_JOBS:-3}
suite() {
  if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run -p server "$@" --test-threads "$jobs" --no-fail-fast --failure-output final
  else
    cargo test -p server "$@" -- --test-threads=1
  fi
}

echo "== integration suite on SQLite"
TEST_DATABASE=sqlite suite

url=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
# host and port from postgres://[user[:password]@]host[:port]/db
authority=${url#*://}
authority=${authority%%/*}
authority=${authority##*@}
host=${authority%%:*}
port=5432
[[ $authority == *:* ]] && port=${authority##*:}

if timeout 3 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; then
  echo "== integration suite on PostgreSQL at $host:$port"
  TEST_DATABASE=postgres TEST_POSTGRES_URL=$url suite --test integration
elif [[ ${REQUIRE_POSTGRES:-0} == 1 ]]; then
  echo "FAILED: REQUIRE_POSTGRES=1 but no PostgreSQL server answers at $host:$port (TEST_POSTGRES_URL)" >&2
  exit 1
else
  echo "SKIPPED: the PostgreSQL integration suite: no server answers at $host:$port."
  echo "         Set TEST_POSTGRES_URL to run it; REQUIRE_POSTGRES=1 makes this skip a failure."
fi
