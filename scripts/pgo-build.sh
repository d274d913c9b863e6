#!/usr/bin/env bash
# Builds the fastest casus binary, profile-guided (PGO): an instrumented
# build runs a training workload (the embedded corpus and a generated one,
# never the benchmark corpus), its profiles are merged and the release
# build is redone with them.
#   scripts/pgo-build.sh            -> target/pgo/release/casus
# (Fat LTO on top measured no faster: see BENCHMARKS.md.)
# Needs llvm-profdata of the LLVM version rustc uses: `rustup component add
# llvm-tools` or the distribution's package (Debian: apt-get install llvm-N).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${PGO_DIR:-target/pgo-work}
llvm_major=$(rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')

find_profdata() {
  local c
  for c in "${LLVM_PROFDATA:-}" \
    "$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-profdata" \
    "llvm-profdata-$llvm_major" "/usr/lib/llvm-$llvm_major/bin/llvm-profdata" llvm-profdata; do
    [ -n "$c" ] || continue
    if command -v "$c" >/dev/null 2>&1 &&
      "$c" --version 2>/dev/null | grep -q "LLVM version $llvm_major\."; then
      echo "$c"
      return
    fi
  done
  echo "pgo-build: no llvm-profdata for LLVM $llvm_major (rustc's); install it with" \
    "'rustup component add llvm-tools' or 'apt-get install llvm-$llvm_major'," \
    "or set LLVM_PROFDATA" >&2
  exit 1
}
profdata=$(find_profdata)

rm -rf "$work" && mkdir -p "$work/raw"
echo "== instrumented build"
RUSTFLAGS="-Cprofile-generate=$PWD/$work/raw" \
  cargo build --release -p casus --target-dir target/pgo-gen -q
train=target/pgo-gen/release/casus

echo "== training run"
$train gen-corpus --size 8MB --out "$work/corpus" --seed 7 > /dev/null
$train extract > /dev/null
RAYON_NUM_THREADS=1 $train extract "$work/corpus" > /dev/null
$train ingest --db "$work/kb.db" "$work/corpus" > /dev/null
$train events --db "$work/kb.db" --actor AZE > /dev/null
$train search --db "$work/kb.db" drone > /dev/null
"$profdata" merge -o "$work/casus.profdata" "$work/raw"

echo "== optimised build"
RUSTFLAGS="-Cprofile-use=$PWD/$work/casus.profdata" \
  cargo build --release -p casus --target-dir target/pgo -q
echo "pgo-build: target/pgo/release/casus"
