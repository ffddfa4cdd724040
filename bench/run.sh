#!/usr/bin/env bash
# Runs every benchmark of issue 7 and prints one table (bench/report.php), also written to
# bench/results.md. Starts its own HTTP stub (bench/sink.php) and redis-server on 127.0.0.1 and stops
# both by pid on exit. Environment: PHP (php binary), SO (extension), FPM_REQUESTS (100000),
# FPM_SECONDS (time bound of the php-fpm run, 240), BENCH_ONLY (space-separated subset of:
# ref w1 w2 w3 w4 w5 fpm engine), BENCH_PROFILE (instead of benchmarking, run `perf record` on one
# scenario of `bench.php loop`: w1-sdkKey, w1-data, w2-bucketed, w3-500; BENCH_PROFILE_N iterations).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PHP="${PHP:-php}"
SO="${SO:-$ROOT/target/release/libconvert_sdk.so}"
ONLY="${BENCH_ONLY:-ref w1 w2 w3 w4 w5 fpm engine}"
export BENCH_WORK="${BENCH_WORK:-$(mktemp -d /tmp/convert-sdk-bench.XXXXXX)}"
RESULTS="$BENCH_WORK/results.jsonl"
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

wanted() { [[ " $ONLY " == *" $1 "* ]]; }

# PHP with opcache on for the CLI and the extension under test.
PHPX=("$PHP" -d opcache.enable_cli=1 -d "extension=$SO")
"${PHPX[@]}" -r 'exit(extension_loaded("convert_sdk") ? 0 : 1);' || { echo "cannot load $SO" >&2; exit 1; }

: > "$RESULTS"
"${PHPX[@]}" "$ROOT/bench/bench.php" gen

echo "starting the HTTP stub and redis-server (work dir $BENCH_WORK)" >&2
rm -f "$BENCH_WORK/sink.port"
"$PHP" -d opcache.enable_cli=1 "$ROOT/bench/sink.php" "$BENCH_WORK/configs" "$BENCH_WORK/sink.port" 2>"$BENCH_WORK/sink.log" &
PIDS+=("$!")
REDIS_PORT="$("$PHP" -r '$s = stream_socket_server("tcp://127.0.0.1:0"); $n = stream_socket_get_name($s, false); echo substr($n, strrpos($n, ":") + 1);')"
mkdir -p "$BENCH_WORK/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$BENCH_WORK/redis" \
    --logfile "$BENCH_WORK/redis/redis.log" &
PIDS+=("$!")
export BENCH_REDIS_PORT="$REDIS_PORT"
for _ in $(seq 100); do
    [[ -s "$BENCH_WORK/sink.port" ]] && redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
done
[[ -s "$BENCH_WORK/sink.port" ]] || { echo "the HTTP stub did not start: $(cat "$BENCH_WORK/sink.log")" >&2; exit 1; }

if [[ -n "${BENCH_PROFILE:-}" ]]; then
    DATA="$BENCH_WORK/perf.data"
    perf record -q -F 2999 --call-graph dwarf,16384 -o "$DATA" \
        "${PHPX[@]}" "$ROOT/bench/bench.php" loop "$BENCH_PROFILE" "${BENCH_PROFILE_N:-2000}"
    perf report -i "$DATA" --no-children --sort dso,symbol --stdio -g none --percent-limit 0.7 2>/dev/null | grep '%'
    echo "--- inclusive (children) ---"
    perf report -i "$DATA" --children --sort symbol --stdio -g none --percent-limit 2 2>/dev/null | grep '%' | grep -v '0x0000'
    echo "perf data: $DATA" >&2
    exit 0
fi

for case in ref w1 w2 w3 w4 w5; do
    if wanted "$case"; then
        echo "running $case" >&2
        "${PHPX[@]}" "$ROOT/bench/bench.php" "$case" >> "$RESULTS"
    fi
done
if wanted fpm; then
    echo "running php-fpm (${FPM_REQUESTS:-100000} requests, at most ${FPM_SECONDS:-240} s)" >&2
    "$PHP" "$ROOT/bench/fpm.php" "$SO" "${FPM_REQUESTS:-100000}" "${FPM_SECONDS:-240}" >> "$RESULTS"
fi
if wanted engine; then
    echo "running cargo bench (engine)" >&2
    (cd "$ROOT" && cargo bench --quiet -p convert_sdk_engine --bench engine) >> "$RESULTS"
fi

"${PHPX[@]}" "$ROOT/bench/report.php" "$RESULTS" "$ROOT/bench/results.md"
