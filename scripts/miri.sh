#!/usr/bin/env bash
# Miri over the reverse-mode tests: the tape's unchecked sweeps, the
# `UnsafeCell` record and the replay programs' unchecked loads and stores.
#
# Runs the reverse, replay, prepared, bounded-memory and Active test files
# and the reverse module's unit tests under Miri on the nightly toolchain,
# with deterministic
# floating point (Miri otherwise perturbs transcendental results by a few
# ulps on purpose, which trips the bit-for-bit tests that compare a replay
# with a recording). Not part of .ci/run: it takes minutes.
#
#   scripts/miri.sh              every file below
#   scripts/miri.sh TEST...      only these test files (e.g. reverse replay)
#
# Needs: rustup component add miri rust-src --toolchain nightly
set -euo pipefail
cd "$(dirname "$0")/.."
export MIRIFLAGS="${MIRIFLAGS:--Zmiri-deterministic-floats}"
# Quickcheck's 100 random cases a property are minutes each under Miri.
export QUICKCHECK_TESTS="${QUICKCHECK_TESTS:-10}"
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  tests=(reverse reverse_active reverse_second reverse_prepared reverse_bounded replay replay_map
    replay_fused replay_broadcast)
fi
args=()
for t in "${tests[@]}"; do args+=(--test "$t"); done
echo "== miri: unit tests of src/reverse/"
cargo +nightly miri test --all-features --lib reverse::
echo "== miri: ${tests[*]}"
cargo +nightly miri test --all-features "${args[@]}"
echo "miri passed: lib reverse:: and ${tests[*]}"
