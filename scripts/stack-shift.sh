#!/usr/bin/env bash
# Stack-alignment robustness of the interleaved harness: reruns the one
# harness binary with the environment padded by 0, 16, 32, ..., 112 bytes
# (PAD=xxxx...), which moves the initial stack pointer and so the address of
# every stack frame and every local array, then reports, per workload and
# method, the median ratio to hand-written and the median time per call at
# each shift, and their spread across shifts (max/min); then the time per
# call at every shift, pass by pass.
#
# A method whose time depends on where its locals land relative to a cache
# line or a 4 KiB page (store forwarding, split loads, 4K aliasing) shows a
# large max/min here while the interleaved run at one shift looks steady.
#
# Environment:
#   SHIFT_STEPS       pad sizes in bytes (default "0 16 32 48 64 80 96 112").
#   SHIFT_REPEAT      passes over all the shifts (default 2); each shift's
#                     numbers are the mean over passes, so a noisy run
#                     weighs less and the passes interleave in time.
#   SHIFT_NATIVE=1    build and run with RUSTFLAGS="-C target-cpu=native"
#                     (target dir target/native, as scripts/bench.sh).
#   INTERLEAVED_FILTER, INTERLEAVED_ROUNDS, INTERLEAVED_BATCH_US: passed on
#                     (default rounds here: 21, per shift).
#   SHIFT_BIN         run this harness binary instead of building one (e.g. a
#                     copy kept from an earlier build, for before/after).
#   SHIFT_OUT         the raw table (default target/interleaved/stack-shift[-native].tsv).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
steps=${SHIFT_STEPS:-0 16 32 48 64 80 96 112}
if [ "${SHIFT_NATIVE:-0}" = 1 ]; then
  export CARGO_TARGET_DIR=$root/target/native RUSTFLAGS="-C target-cpu=native"
  suffix=-native
else
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
  suffix=
fi
out=${SHIFT_OUT:-$root/target/interleaved/stack-shift$suffix.tsv}
mkdir -p "$(dirname "$out")"
: > "$out"

# Build once; find the harness executable in cargo's JSON messages.
bin=${SHIFT_BIN:-}
if [ -z "$bin" ]; then
  bin=$(cargo bench -p dualnum-bench --bench interleaved --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*interleaved[^"]*\)".*/\1/p' | tail -n 1)
fi
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "stack-shift: could not find the interleaved harness binary" >&2
  exit 1
fi
echo "== $bin"

export INTERLEAVED_ROUNDS=${INTERLEAVED_ROUNDS:-21} INTERLEAVED_TSV=$out
for pass in $(seq "${SHIFT_REPEAT:-2}"); do
  for pad in $steps; do
    echo "== pass $pass, PAD of $pad bytes"
    # The rest of the environment stays as it is, so only the padding
    # changes between runs. A separate label keeps these runs out of the
    # report's JSON.
    PAD=$(head -c "$pad" /dev/zero | tr '\0' x) INTERLEAVED_TAG=$pad \
      BENCH_LABEL=stack-shift$suffix "$bin" > /dev/null
  done
done

echo
echo "spread across stack shifts ($steps bytes): the median ratio to hand-written"
echo "at the best and the worst shift and their quotient, the same for the median"
echo "time per call (ns; this also carries the machine's drift between runs)"
awk -F'\t' '
  {
    k = $2 "\t" $3
    if (!(k in seen)) { seen[k] = 1; order[++keys] = k }
    ks = k "\t" $1
    if (!(ks in n)) { shifts[k] = shifts[k] " " $1 }
    n[ks]++; r[ks] += $4; t[ks] += $5
  }
  END {
    printf "  %-28s %-20s %15s %8s %19s %8s\n", "workload", "method", "ratio min–max", "max/min", "ns min–max", "max/min"
    for (i = 1; i <= keys; i++) {
      k = order[i]; split(k, p, "\t")
      m = split(shifts[k], sh, " ")
      for (j = 1; j <= m; j++) {
        ks = k "\t" sh[j]; rr = r[ks] / n[ks]; tt = t[ks] / n[ks]
        if (j == 1 || rr < rmin) rmin = rr; if (j == 1 || rr > rmax) rmax = rr
        if (j == 1 || tt < tmin) tmin = tt; if (j == 1 || tt > tmax) tmax = tt
      }
      printf "  %-28s %-20s %7.2f–%-7.2f %8.2f %9.1f–%-9.1f %8.2f\n", p[1], p[2], rmin, rmax, rmax / rmin, tmin, tmax, tmax / tmin
    }
  }' "$out"
echo
echo "median time per call (ns) at each shift, one number per pass (a shift that"
echo "is slow in every pass is the stack; one slow pass is the machine)"
awk -F'\t' '
  {
    k = $2 "\t" $3
    if (!(k in seen)) { seen[k] = 1; order[++keys] = k }
    if (!($1 in col)) { col[$1] = ++cols; head[cols] = $1 }
    cell[k "\t" $1] = cell[k "\t" $1] (cell[k "\t" $1] == "" ? "" : "/") sprintf("%.0f", $5)
  }
  END {
    printf "  %-28s %-20s", "workload", "method"
    for (c = 1; c <= cols; c++) printf " %12s", head[c] " B"
    printf "\n"
    for (i = 1; i <= keys; i++) {
      k = order[i]; split(k, p, "\t")
      printf "  %-28s %-20s", p[1], p[2]
      for (c = 1; c <= cols; c++) printf " %12s", cell[k "\t" head[c]]
      printf "\n"
    }
  }' "$out"
echo "(raw: $out)"
