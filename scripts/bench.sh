#!/usr/bin/env bash
# Runs the benchmarks in full in the release build and prints their `bench:` lines.
#   scripts/bench.sh              all benchmarks (the catalog one loads 1,000,000 products)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target catalog_bench sale_bench drain_bench terminals_bench storehub
bin=build/release/bin
"$bin/sale_bench" 1000
"$bin/catalog_bench"
"$bin/drain_bench" --orders 100000
"$bin/terminals_bench" --terminals 200 --orders 50
