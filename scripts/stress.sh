#!/usr/bin/env bash
# The heavy reliability cases that `cargo test` scales down or skips:
# a 200 MB single line, a million tiny files, 100 SIGKILL points.
# Not run in CI. Takes a long time (the million files dominate).
#
#   scripts/stress.sh [TEST_NAME_FILTER]
set -euo pipefail
cd "$(dirname "$0")/.."
CASUS_KILL_POINTS="${CASUS_KILL_POINTS:-100}" \
    cargo test --release -p casus --test reliability -- --ignored --nocapture --test-threads=1 "${1:-stress_}"
