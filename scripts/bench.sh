#!/usr/bin/env bash
# One command for all benchmarks: runs the criterion benches and the
# interleaved ratio harnesses (forward and reverse mode) of the bench
# crate (bench/, package dualnum-bench), then tools/bench-report, which rewrites the
# generated part of BENCHMARKS.md and docs/bench/*.svg.
#
# Environment:
#   BENCH_NATIVE=1     (default) run twice: the default target into target/,
#                      then RUSTFLAGS="-C target-cpu=native" into target/native/;
#                      0 = default target only; only = native only.
#   BENCH_ARGS         criterion arguments
#                      (default: --warm-up-time 1 --measurement-time 2).
#   BENCH_LIST         benches to run (default: forward jacobians hessian
#                      rosenbrock_scaling).
#   BENCH_REPORT_ONLY=1  skip the runs, only regenerate the report.
# The machine is shared: keep runs short, and quote ratios, not times.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
native=${BENCH_NATIVE:-1}
args=${BENCH_ARGS:---warm-up-time 1 --measurement-time 2}
list=${BENCH_LIST:-forward jacobians hessian rosenbrock_scaling}

run() {
  local label=$1 dir=$2 flags=$3
  echo "== $label target (RUSTFLAGS='$flags', CARGO_TARGET_DIR=$dir)"
  for b in $list; do
    # shellcheck disable=SC2086
    CARGO_TARGET_DIR=$dir RUSTFLAGS=$flags cargo bench -p dualnum-bench --bench "$b" -- $args
  done
  CARGO_TARGET_DIR=$dir RUSTFLAGS=$flags BENCH_LABEL=$label cargo bench -p dualnum-bench --bench interleaved
  # Reverse mode (issue 12): writes target/interleaved/reverse_<label>.json.
  CARGO_TARGET_DIR=$dir RUSTFLAGS=$flags BENCH_LABEL=$label cargo bench -p dualnum-bench --bench reverse_interleaved
}

if [ "${BENCH_REPORT_ONLY:-0}" != 1 ]; then
  if [ "$native" != only ]; then run default "$root/target" ""; fi
  if [ "$native" != 0 ]; then run native "$root/target/native" "-C target-cpu=native"; fi
fi

echo "== report"
(cd tools/bench-report &&
  CARGO_TARGET_DIR="$root/target/bench-report" cargo run --release --quiet -- "$root")
