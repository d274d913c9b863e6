#!/usr/bin/env bash
# Fuzz every casus target for a fixed budget and print executions and
# crashes per target. Not part of `cargo test`; CI does not run it.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET=60] [SEED=1]
#   FUZZ_ENGINE=libfuzzer scripts/fuzz.sh   # use cargo-fuzz (needs cargo-fuzz;
#                                           # nightly features via RUSTC_BOOTSTRAP=1)
#
# With libfuzzer, each target keeps its growing corpus in fuzz/corpus/TARGET
# and crashes in fuzz/artifacts/TARGET (libFuzzer stops at the first).
# The default engine is the libFuzzer-free driver (fuzz/src/bin/drive.rs):
# seeded, deterministic mutation of the seed corpus (data/corpus plus
# fuzz/seeds/TARGET), with panics caught and saved under
# fuzz/artifacts/TARGET/. Replay one with
#   (cd fuzz && cargo run --release --bin drive -- TARGET replay artifacts/TARGET/crash-1-1)
# Exit status is 1 if any target crashed.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs="${1:-60}"
seed="${2:-1}"
engine="${FUZZ_ENGINE:-drive}"
targets=(detect_clean html markdown time extract)
total_crashes=0
summary=()

if [[ "$engine" == libfuzzer ]]; then
    for t in "${targets[@]}"; do
        mkdir -p "corpus/$t"
        cp -n ../data/corpus/* "corpus/$t/" 2>/dev/null || true
        [[ -d "seeds/$t" ]] && cp -n "seeds/$t"/* "corpus/$t/" 2>/dev/null || true
        log="$(mktemp)"
        status=0
        RUSTC_BOOTSTRAP=1 cargo fuzz run --features libfuzzer -s none "$t" "corpus/$t" -- \
            -max_total_time="$secs" -seed="$seed" -max_len=65536 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
            >"$log" 2>&1 || status=$?
        execs="$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1 || true)"
        [[ -z "$execs" ]] && execs="$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)"
        crashes=0
        if [[ $status -ne 0 ]]; then crashes=1; tail -30 "$log"; fi
        echo "$t execs=${execs:-?} crashes=$crashes engine=libfuzzer seconds=$secs"
        total_crashes=$((total_crashes + crashes))
        summary+=("$t execs=${execs:-?} crashes=$crashes engine=libfuzzer seconds=$secs")
        rm -f "$log"
    done
else
    cargo build --release --quiet --bin drive
    for t in "${targets[@]}"; do
        dirs=(../data/corpus)
        [[ -d "seeds/$t" ]] && dirs+=("seeds/$t")
        [[ "$t" == detect_clean || "$t" == extract ]] && dirs+=(seeds/html seeds/markdown)
        status=0
        line="$(./target/release/drive "$t" "$secs" "$seed" "${dirs[@]}")" || status=$?
        echo "$line"
        crashes="$(grep -Eo 'crashes=[0-9]+' <<<"$line" | cut -d= -f2)"
        total_crashes=$((total_crashes + ${crashes:-1}))
        summary+=("$line engine=drive")
    done
fi

echo "== fuzz summary =="
printf '%s\n' "${summary[@]}"
echo "total crashes: $total_crashes"
[[ $total_crashes -eq 0 ]]
