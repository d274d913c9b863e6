#!/usr/bin/env bash
# End-to-end benchmarks of casus; figures go to BENCHMARKS.md by hand.
#   scripts/bench.sh [SIZE]      SIZE of the generated corpus (default 100MB)
# Needs GNU time (/usr/bin/time) for peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-100MB}
work=${BENCH_DIR:-target/bench}
mkdir -p "$work"
# The binary users run: the dist profile (release with fat LTO).
cargo build --profile dist -q -p casus
cargo build --release -q -p casus-store --example query_bench
casus=target/dist/casus
echo "== machine"; nproc; grep -m1 'model name' /proc/cpuinfo || true
echo "== corpus ($size)"
rm -rf "$work/corpus"
$casus gen-corpus --size "$size" --out "$work/corpus" --seed 42
bytes=$(du -sb "$work/corpus" | cut -f1)
echo "== extract (all cores, then one)"
for threads in "" 1; do
  start=$(date +%s.%N)
  RAYON_NUM_THREADS=${threads:-0} $casus extract "$work/corpus" > /dev/null
  end=$(date +%s.%N)
  python3 -c "print(f\"threads=${threads:-all}: {$bytes / 1e6 / ($end - $start):.2f} MB/s\")"
done
echo "== ingest"
rm -f "$work/kb.db"*
/usr/bin/time -f "wall %e s, peak RSS %M KB" $casus ingest --db "$work/kb.db" "$work/corpus"
echo "== queries (1M synthetic events)"
target/release/examples/query_bench 1000000 "$work/query-1m.db"
echo "== stages (criterion)"
cargo bench -q -p casus-pipeline --bench stages 2>/dev/null | grep -E "^seeds|thrpt"
