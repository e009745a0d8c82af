#!/usr/bin/env bash
# Runs GradBench's own evals against dualnum's GradBench tool and against
# GradBench's hand-written C++ "manual" tool, and writes the comparison
# (table and plot) into BENCHMARKS.md between the GRADBENCH markers.
#
#   scripts/gradbench.sh GRADBENCH_DIR [EVAL[=ARGS]...]
#
# GRADBENCH_DIR is a checkout of github.com/gradbench/gradbench (it is not
# part of this repository). EVAL names one of its evals (default: all
# twelve); `EVAL=ARGS` passes ARGS to that eval instead of its default
# sizes, e.g. 'det=-l 5 6 7 8 9 10'. Each eval runs first against manual
# (whose binaries GradBench's validation uses), then against dualnum; every
# output is validated by the eval against manual's.
#
# What it needs (this script builds nothing of GradBench's; it checks that
# the pieces are there and runs them):
# - GRADBENCH_CLI: GradBench's command-line runner, already built (an
#   executable file);
# - GRADBENCH_MANUAL: the command that starts GradBench's hand-written C++
#   "manual" tool, already built, as GradBench's runner launches a tool
#   (run from GRADBENCH_DIR); its first word must be an executable file;
# - Python 3 with venv: a venv in target/gradbench/venv with the evals'
#   imports from PyPI (numpy, pydantic, scipy, dataclasses-json), made once;
# - dualnum's tool, built here in release (`cargo build --release`), on the
#   default target; build manual on the default target too, for a like-for-
#   like comparison;
# - GradBench's lstm eval reads evals/lstm/data/lstm_full.txt, which a
#   checkout may lack (large file): then a stand-in (the ASCII characters of
#   this repository's ARCHITECTURE.md and README.md) is written there, and
#   the report says so.
#
# Environment:
#   GRADBENCH_MIN_SECONDS  repeat each evaluation at least this long (the
#                          evals' default is 1).
#   GRADBENCH_TIMEOUT      seconds a tool may take for one response
#                          (default 1800).
#   GRADBENCH_ROUNDS       run each eval this many times, manual and dualnum
#                          alternating (default 1); the report then gives,
#                          per size, the median of the rounds' ratios and
#                          their range (min-max), so a load change between
#                          the two tools' runs shows instead of hiding in
#                          one ratio.
#
# Timing: GradBench's own statistic, the mean of a message's "evaluate"
# timings; a tool's "prepare" timing (what GradBench's C++ tools do in their
# constructors; dualnum's tool: the first call of a prepared gradient) is
# outside it and reported in its own column. Peak memory: the largest resident set of the dualnum tool
# process during the message (its `peak_rss_bytes`). Logs go to
# target/gradbench/logs/EVAL/{manual,dualnum}.jsonl.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
gb=$(cd "$1" && pwd)
shift
all_evals="hello lse llsq det ode kmeans gmm lstm ba ht particle saddle"
[ $# -ge 1 ] || set -- $all_evals
work="$root/target/gradbench"
logs="$work/logs"
mkdir -p "$logs"

[ -f "$gb/python/gradbench/gradbench/eval.py" ] && [ -d "$gb/tools/manual" ] || {
  echo "gradbench.sh: $gb is not a GradBench checkout (no python/gradbench or tools/manual)" >&2
  exit 1
}
cli=${GRADBENCH_CLI:-}
[ -n "$cli" ] && [ -x "$cli" ] && [ -f "$cli" ] || {
  echo "gradbench.sh: set GRADBENCH_CLI to GradBench's runner, already built (got '${cli}')" >&2
  exit 1
}
manual=${GRADBENCH_MANUAL:-}
manual_prog=${manual%% *}
[ -n "$manual" ] && (cd "$gb" && [ -f "$manual_prog" ] && [ -x "$manual_prog" ]) || {
  echo "gradbench.sh: set GRADBENCH_MANUAL to the command that starts GradBench's manual tool, already built (its first word, '${manual_prog}', must be an executable file, relative to $gb or absolute)" >&2
  exit 1
}

echo "== Python venv with the evals' dependencies ($work/venv)"
if [ ! -f "$work/venv/.ready" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet "numpy~=1.0" "pydantic~=2.0" "scipy~=1.0" "dataclasses-json~=0.6"
  touch "$work/venv/.ready"
fi
py="$work/venv/bin/python"
export PYTHONPATH="$gb/python/gradbench${PYTHONPATH:+:$PYTHONPATH}"

echo "== dualnum's tool (release)"
(cd "$root" && cargo build --release --quiet -p dualnum-bench --bin gradbench-dualnum)
tool="$root/target/release/gradbench-dualnum"

if [ ! -f "$gb/evals/lstm/data/lstm_full.txt" ]; then
  echo "== evals/lstm/data/lstm_full.txt is missing: writing a stand-in text"
  cat "$root/ARCHITECTURE.md" "$root/README.md" | LC_ALL=C tr -cd '\11\12\15\40-\176' > "$gb/evals/lstm/data/lstm_full.txt"
  touch "$logs/lstm-stand-in-text"
fi

min_seconds=()
[ -n "${GRADBENCH_MIN_SECONDS:-}" ] && min_seconds=(--min-seconds "$GRADBENCH_MIN_SECONDS")
timeout=${GRADBENCH_TIMEOUT:-1800}
rounds=${GRADBENCH_ROUNDS:-1}
case "$rounds" in ''|*[!0-9]*|0) echo "gradbench.sh: GRADBENCH_ROUNDS must be a positive integer (got '$rounds')" >&2; exit 1 ;; esac
for spec in "$@"; do
  eval_name=${spec%%=*}
  args=""
  [ "$spec" != "$eval_name" ] && args=${spec#*=}
  case " $all_evals " in *" $eval_name "*) ;; *) echo "gradbench.sh: unknown eval $eval_name" >&2; exit 1 ;; esac
  mkdir -p "$logs/$eval_name"
  printf '%s\n' "$args" > "$logs/$eval_name/args"
  evalcmd="$py python/gradbench/gradbench/evals/$eval_name/run.py $args ${min_seconds[*]}"
  # Round 1 writes TOOL.jsonl, round r > 1 TOOL.rR.jsonl; older rounds' logs
  # of this eval are removed so the report reads this run's only.
  rm -f "$logs/$eval_name"/*.r[0-9]*.jsonl
  for round in $(seq 1 "$rounds"); do
    suffix=""
    [ "$round" -gt 1 ] && suffix=".r$round"
    for t in manual dualnum; do
      if [ "$t" = manual ]; then toolcmd="$manual"; else toolcmd="$tool"; fi
      echo "== $eval_name ${args:+($args) }on $t${suffix:+ (round $round)}"
      # A tool's failure (e.g. manual has no particle) is recorded in its log.
      (cd "$gb" && "$cli" run --timeout "$timeout" -o "$logs/$eval_name/$t$suffix.jsonl" \
        --eval "$evalcmd" --tool "$toolcmd") || echo "   ($t on $eval_name exited with $?)"
    done
  done
done

echo "== report"
"$py" "$root/scripts/gradbench_report.py" "$logs" "$root/BENCHMARKS.md" "$root/docs/bench/gradbench.svg" $all_evals
