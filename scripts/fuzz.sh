#!/usr/bin/env bash
# Fuzzes the engine with cargo-fuzz (libFuzzer): every target of fuzz/Cargo.toml, or the ones named,
# for FUZZ_SECONDS each (default 60). Seeds come from tests/fixtures (fuzz/seed-corpus.php); inputs kept
# in fuzz/regressions/<target>/ are replayed first. A crash, timeout (> FUZZ_TIMEOUT s for one input,
# default 10) or OOM is copied to fuzz/regressions/<target>/ (replayed by
# src/engine/tests/fuzz_regressions.rs) and makes the script exit 1.
# Prints one line per target: executions, corpus size, findings. Needs `cargo install cargo-fuzz`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
timeout=${FUZZ_TIMEOUT:-10}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(config rules store_data tracking)
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
    exit 2
fi
export RUSTC_BOOTSTRAP=1 # cargo-fuzz needs -Z flags; verified to work on the stable toolchain

php -n fuzz/seed-corpus.php >/dev/null
build_log=$(mktemp)
cargo fuzz build -O >"$build_log" 2>&1 || { cat "$build_log"; rm -f "$build_log"; exit 2; }
rm -f "$build_log"
total=0
failed=0
for t in "${targets[@]}"; do
    artifacts="fuzz/artifacts/$t"
    mkdir -p "$artifacts" "fuzz/regressions/$t"
    log="$artifacts/last-run.log"
    before=$(ls "$artifacts" | grep -E '^(crash|timeout|oom|leak|slow-unit)-' | sort || true)
    dirs=("fuzz/corpus/$t")
    if [ -n "$(ls -A "fuzz/regressions/$t")" ]; then
        dirs+=("fuzz/regressions/$t")
    fi
    rc=0
    cargo fuzz run -O "$t" "${dirs[@]}" -- -max_total_time="$seconds" -timeout="$timeout" \
        -dict=fuzz/dict/convert.dict -print_final_stats=1 >"$log" 2>&1 || rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
    corpus=$(ls "fuzz/corpus/$t" | wc -l)
    after=$(ls "$artifacts" | grep -E '^(crash|timeout|oom|leak|slow-unit)-' | sort || true)
    new=$(comm -13 <(echo "$before") <(echo "$after") | grep . || true)
    total=$((total + execs))
    if [ "$rc" -ne 0 ] || [ -n "$new" ]; then
        failed=1
        for f in $new; do cp "$artifacts/$f" "fuzz/regressions/$t/$f"; done
        printf '%-11s %12s executions  corpus %6s  FINDING (rc %s): %s  log: %s\n' "$t" "$execs" "$corpus" "$rc" "${new:-none kept}" "$log"
    else
        printf '%-11s %12s executions  corpus %6s  no crash\n' "$t" "$execs" "$corpus"
    fi
done
printf '%-11s %12s executions in %s s per target\n' total "$total" "$seconds"
exit "$failed"
