#!/usr/bin/env bash
# The README's *test* command, and CI's entry point (.ci/run): fully non-interactive.
#
#   ./scripts/test.sh
#
#   1. installs the missing Debian packages (scripts/deps.sh test; quiet when all is there)
#      and the npm test peers from their lock files (tests/peers/*; quiet when up to date)
#   2. configures and builds build/test (Ninja, RelWithDebInfo, PAYD_BUILD_TESTS=ON) on all cores;
#      PAYD_SANITIZE=1 builds build/test-sanitize with ASan+UBSan instead
#   3. starts a throwaway PostgreSQL 15 in a temporary directory (unix socket only) and
#      exports its URL as PAYD_TEST_DATABASE_URL
#   4. runs every suite through ctest, in parallel, with --output-on-failure
#   5. stops PostgreSQL and removes its directory, whatever happened (also on Ctrl-C)
#
# Exits non-zero when the build or any test fails, or when no test ran.
# Environment: PAYD_SANITIZE=1, PAYD_BUILD_DIR (default build/test or build/test-sanitize),
# PAYD_CMAKE_ARGS (extra configure options, split on spaces).
# Extra arguments go to ctest, e.g. ./scripts/test.sh -R config  or  -L systemd.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { echo "test.sh: $*"; }

jobs="$(nproc 2>/dev/null || echo 2)"
start=$SECONDS

scripts/deps.sh test

# npm test peers (Redocly CLI for docs/openapi.yaml), exactly as their lock files say. A stamp
# (the lock file copied into node_modules) skips `npm ci` while nothing changed.
for peer in tests/peers/*/; do
  peer="${peer%/}"
  [[ -f "$peer/package-lock.json" ]] || continue
  if ! cmp -s "$peer/package-lock.json" "$peer/node_modules/.payd-installed-lock.json"; then
    say "installing the npm packages of $peer (npm ci)"
    (cd "$peer" && npm ci --no-audit --no-fund --loglevel=error) || { say "npm ci FAILED in $peer"; exit 1; }
    cp "$peer/package-lock.json" "$peer/node_modules/.payd-installed-lock.json"
  fi
done

if [[ "${PAYD_SANITIZE:-0}" == 1 ]]; then
  build_dir="${PAYD_BUILD_DIR:-build/test-sanitize}"
  sanitize=ON
else
  build_dir="${PAYD_BUILD_DIR:-build/test}"
  sanitize=OFF
fi

say "configuring $build_dir (sanitizers $sanitize)"
mkdir -p "$build_dir"
# shellcheck disable=SC2086
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPAYD_BUILD_TESTS=ON -DPAYD_SANITIZE="$sanitize" ${PAYD_CMAKE_ARGS:-} \
  > "$build_dir/configure.log" 2>&1 || { cat "$build_dir/configure.log"; say "configure FAILED"; exit 1; }
say "building with $jobs jobs"
if ! cmake --build "$build_dir" -j "$jobs"; then
  say "FAILED: the build failed ($(( SECONDS - start )) s)"
  exit 1
fi

# --- throwaway PostgreSQL --------------------------------------------------------------
pg_dir=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$pg_dir" ]]; then
    scripts/pg.sh stop "$pg_dir" >/dev/null 2>&1 || say "could not stop PostgreSQL in $pg_dir"
    rm -rf "$pg_dir"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# Under /tmp (not $TMPDIR): the server user must be able to reach it.
pg_dir="$(mktemp -d /tmp/payd-test-pg.XXXXXX)"
PAYD_TEST_DATABASE_URL="$(scripts/pg.sh start --throwaway "$pg_dir")"
export PAYD_TEST_DATABASE_URL
say "PostgreSQL for tests: $PAYD_TEST_DATABASE_URL"

if [[ "$sanitize" == ON ]]; then
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
fi

# --- tests -----------------------------------------------------------------------------
log="$build_dir/ctest.log"
rc=0
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error \
  -j "$jobs" --timeout 600 "$@" 2>&1 | tee "$log" || rc=$?
# ctest's own closing line: "NN% tests passed, F tests failed out of T"
summary="$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n1 || true)"
if [[ -n "$summary" ]]; then
  total="$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")"
  failed="$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$summary")"
  # Skipped tests count as passed in ctest's percentage; report them on their own.
  skipped="$(grep -cE 'Test +#[0-9]+: .*\*\*\*Skipped' "$log" || true)"
  passed=$(( total - failed - skipped ))
  (( rc != 0 || failed == 0 )) || rc=1
  echo
  say "$( (( rc == 0 )) && echo PASSED || echo FAILED ) in $(( SECONDS - start )) s"
  echo "summary: $passed passed, $failed failed, $skipped skipped"
else
  (( rc != 0 )) || rc=1
  echo
  say "FAILED: ctest did not report a result ($(( SECONDS - start )) s)"
fi
exit "$rc"
