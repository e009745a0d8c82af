#!/usr/bin/env bash
# Code-layout robustness of the interleaved harness: builds the harness
# twice, without and with unrelated extra rows (the bench crate's feature
# `extra-row`, which adds `extra/…` workloads of other sizes, so new
# instantiations land in the binary), then runs the two binaries in
# alternation and reports, per workload and method present in both, the
# median ratio to hand-written and the median time per call in each build
# and their spread (max/min).
#
# A row whose time moves between the two builds depends on where its code
# lands (alignment of its loops, inlining decisions, register allocation
# that follows from them), not on what it computes: the n = 8 gradient once
# measured 42 ns in one build and 69 ns in another that differed only in
# rows added elsewhere. See also scripts/stack-shift.sh (the data side).
#
# Environment:
#   ROWS_REPEAT       passes over the two builds (default 3); each build's
#                     numbers are the mean over passes, so a noisy run
#                     weighs less and the two builds interleave in time.
#   ROWS_NATIVE=1     build and run with RUSTFLAGS="-C target-cpu=native"
#                     (target dir target/native, as scripts/bench.sh).
#   INTERLEAVED_FILTER, INTERLEAVED_ROUNDS, INTERLEAVED_BATCH_US: passed on
#                     (default rounds here: 21, per run).
#   ROWS_OUT          the raw table (default target/interleaved/rows-elsewhere[-native].tsv).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
if [ "${ROWS_NATIVE:-0}" = 1 ]; then
  export CARGO_TARGET_DIR=$root/target/native RUSTFLAGS="-C target-cpu=native"
  suffix=-native
else
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
  suffix=
fi
out=${ROWS_OUT:-$root/target/interleaved/rows-elsewhere$suffix.tsv}
keep=$root/target/interleaved/rows-elsewhere-bin$suffix
mkdir -p "$(dirname "$out")" "$keep"
: > "$out"

# Build one variant and keep a copy of its executable (the second build
# overwrites the first in place).
build() {
  local name=$1
  shift
  local bin
  bin=$(cargo bench -p dualnum-bench --bench interleaved --no-run --message-format=json "$@" 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*interleaved[^"]*\)".*/\1/p' | tail -n 1)
  if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    echo "rows-elsewhere: could not build the interleaved harness ($name)" >&2
    exit 1
  fi
  cp "$bin" "$keep/$name"
  echo "== $name: $bin"
}
build base
build extra --features extra-row

export INTERLEAVED_ROUNDS=${INTERLEAVED_ROUNDS:-21} INTERLEAVED_TSV=$out
for pass in $(seq "${ROWS_REPEAT:-3}"); do
  for name in base extra; do
    echo "== pass $pass, build $name"
    INTERLEAVED_TAG=$name BENCH_LABEL=rows-elsewhere$suffix "$keep/$name" > /dev/null
  done
done

echo
echo "spread across the two builds (without / with unrelated rows): the median"
echo "ratio to hand-written in each build and their quotient max/min, the same"
echo "for the median time per call (ns; this also carries the machine's drift)"
awk -F'\t' '
  {
    k = $2 "\t" $3
    if (!(k in seen)) { seen[k] = 1; order[++keys] = k }
    ks = k "\t" $1
    n[ks]++; r[ks] += $4; t[ks] += $5
  }
  END {
    printf "  %-28s %-20s %8s %8s %8s %9s %9s %8s\n", "workload", "method", "base", "extra", "max/min", "base ns", "extra ns", "max/min"
    for (i = 1; i <= keys; i++) {
      k = order[i]; split(k, p, "\t")
      b = k "\tbase"; e = k "\textra"
      if (!(b in n) || !(e in n)) continue
      rb = r[b] / n[b]; re = r[e] / n[e]; tb = t[b] / n[b]; te = t[e] / n[e]
      rq = rb > re ? rb / re : re / rb; tq = tb > te ? tb / te : te / tb
      flag = (p[2] ~ /^dualnum/ && rq > 1.15) ? "  <-- over 1.15" : ""
      printf "  %-28s %-20s %8.2f %8.2f %8.2f %9.1f %9.1f %8.2f%s\n", p[1], p[2], rb, re, rq, tb, te, tq, flag
    }
  }' "$out"
echo "(raw: $out)"
