#!/usr/bin/env bash
# Quick-start command 2: install what is missing, build, and run the whole test suite twice — in the
# release build and again under AddressSanitizer + UndefinedBehaviorSanitizer. CI runs exactly this.
#   scripts/test.sh            everything
#   scripts/test.sh --no-asan  the release build only (faster while developing)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! scripts/setup.sh; then
  echo "  (or, as root: $(pwd)/scripts/test.sh)" >&2
  exit 1
fi
asan=1
[ "${1:-}" = "--no-asan" ] && asan=0
jobs=$(nproc)

scripts/check-format.sh
# The browser tests' one npm package (playwright-core), exactly as locked; it drives Debian's Chromium.
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

run_preset() {
  local preset=$1
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: test"
  ctest --preset "$preset" -j "$jobs"
}

run_preset release
[ "$asan" = 1 ] && run_preset asan-ubsan
echo "== all tests passed"
