#!/bin/sh
# Instruction counts of the sparse drivers against the hand-written sparse
# derivatives: each `workload/method` of bench/benches/sparse_interleaved.rs
# (see its docs) run in its profile mode under callgrind, counting only
# `profile_loop` (ITERS calls after one warm-up call). Prints one CSV line
# per method: workload,method,instructions per call,ratio to hand-written.
#
#   scripts/sparse-callgrind.sh <sparse_interleaved bench binary> [ITERS] < methods.txt
#
# methods.txt: one `workload/method` per line, each workload's
# `workload/hand-written` first. Build the binary with
# `cargo bench -p dualnum-bench --bench sparse_interleaved --no-run`.
# scripts/sparse-report.py turns the CSV into the BENCHMARKS.md table and
# docs/bench/sparse_callgrind.svg.
set -eu
bin=$1
iters=${2:-3}
out=$(mktemp -d)
unit=
while IFS= read -r m; do
    [ -z "$m" ] && continue
    SPARSE_PROFILE="$m" SPARSE_PROFILE_ITERS=$iters valgrind --tool=callgrind \
        --toggle-collect='*profile_loop*' --callgrind-out-file="$out/cg" "$bin" \
        >/dev/null 2>&1
    total=$(grep -m1 '^summary\|^totals' "$out/cg" | awk '{print $2}')
    per=$((total / iters))
    case "$m" in
    */hand-written) unit=$per ;;
    esac
    echo "${m%%/*},${m#*/},$per,$(awk "BEGIN { printf \"%.2f\", $per / $unit }")"
done
rm -rf "$out"
