#!/usr/bin/env bash
# Runs every check CI runs: formatting, lints, and all tests (unit, HTTP, binary) against a real
# PostgreSQL that the tests start themselves. No server needs to be started by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLX_OFFLINE=true
unset DATABASE_URL

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy -D warnings"
cargo clippy --all-targets --locked -- -D warnings

# The tests share one throwaway cluster (see tests/api/helpers.rs); stop it however the run ends.
test_cluster="${TMPDIR:-/tmp}/gonghui-test-cluster"
stop_test_cluster() {
  local binary="${CARGO_TARGET_DIR:-target}/debug/gonghui"
  if [ -x "$binary" ] && [ -d "$test_cluster/pg" ]; then
    "$binary" --data-dir "$test_cluster" db stop >/dev/null 2>&1 || true
  fi
}
trap stop_test_cluster EXIT

echo "==> cargo test"
# Named targets, not --all-targets: that would also run the benchmarks (clippy above builds them).
cargo test --lib --bins --tests --locked

echo "==> browser journeys (Chromium)"
cargo build --locked --quiet
if ! command -v node >/dev/null 2>&1; then
  echo "!!! node is not installed: the browser journeys cannot run (install Node.js 20+) !!!" >&2
  [ -z "${CI:-}" ] || exit 1
else
  [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --silent
  node --test --test-concurrency=1 tests/browser/
fi
