#!/usr/bin/env bash
# The Taylor-mode tests at full depth: every Float method's coefficients to
# order 6 against six-deep nested duals (tests/taylor.rs with
# `--cfg taylor_deep`). CI runs the same tests at order 3, because the
# six-deep nesting costs rustc about 11 GB and ten minutes in a debug build.
# Own target directory, so the flag does not rebuild the main one.
set -euo pipefail
cd "$(dirname "$0")/.."
RUSTFLAGS="--cfg taylor_deep ${RUSTFLAGS:-}" CARGO_TARGET_DIR=target/taylor-deep \
  cargo test --all-features --test taylor "$@"
