#!/usr/bin/env bash
# Runs the PHPUnit suite (or the PHPUnit arguments given, e.g. a directory) under valgrind memcheck with
# PHP's allocator off (USE_ZEND_ALLOC=0), the extension kept mapped until exit (ZEND_DONT_UNLOAD_MODULES=1,
# so its frames stay symbolised) and the PCRE JIT off. Only the PHPUnit process is traced: the child
# processes the tests start (php -n scripts, php-fpm, php -S servers, redis-server) are not, and get PHP's
# allocator back (so their memory_limit holds). Garbage cycles still pending at exit are collected first
# (both in tests/php/Reliability/scripts/valgrind-prepend.php), so "definitely lost" means memory no
# collection could free. scripts/valgrind.supp suppresses one known false positive (ring's AES-GCM asm).
# Counts, from valgrind's XML report, the invalid reads, invalid writes and definitely-lost blocks whose
# stack has a frame in libconvert_sdk.so, split into those the extension allocated itself and those
# allocated by user PHP code it called back (listeners, stores, loggers); errors of PHP itself are listed
# apart. Exits 1 on any invalid access with the extension on the stack or any leak it allocated.
# Timing assertions of the suite may fail under valgrind's slowdown; the exit status only reflects the
# memory figures.
# By default it builds and tests the extension with the system allocator (cargo --no-default-features,
# in target/system-alloc/): the release build's mimalloc heap is invisible to memcheck.
# CONVERT_SDK_SO=<path> tests another build of the extension instead.
# Output kept in ${VALGRIND_DIR:-target/valgrind}/: memcheck.xml, memcheck.log, phpunit.log.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${CONVERT_SDK_SO:-}" ]; then
    so=$CONVERT_SDK_SO
else
    CARGO_TARGET_DIR="$PWD/target/system-alloc" cargo build --release --no-default-features -p convert_sdk
    so=$PWD/target/system-alloc/release/libconvert_sdk.so
fi
out=${VALGRIND_DIR:-target/valgrind}
mkdir -p "$out"
[ -f "$so" ] || { echo "missing $so: run cargo build --release first" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind is not installed (Debian package valgrind)" >&2; exit 2; }
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
    args=(tests/php)
fi

start=$(date +%s)
set +e
USE_ZEND_ALLOC=0 ZEND_DONT_UNLOAD_MODULES=1 valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite \
    --errors-for-leak-kinds=definite --error-exitcode=97 --num-callers=40 --track-origins=no \
    --suppressions="$PWD/scripts/valgrind.supp" \
    --xml=yes --xml-file="$out/memcheck.xml" --log-file="$out/memcheck.log" \
    php -d pcre.jit=0 -d auto_prepend_file="$PWD/tests/php/Reliability/scripts/valgrind-prepend.php" -d extension="$so" /usr/bin/phpunit -c tests/php/phpunit.xml "${args[@]}" >"$out/phpunit.log" 2>&1
rc=$?
set -e
elapsed=$(( $(date +%s) - start ))

verdict=0
php -r '
    // An error is attributable to the extension when a frame of its stack is in libconvert_sdk.so. A leak
    // is "direct" when no PHP code ran between the allocation and that frame (the extension allocated
    // it), "via a callback" when user PHP code called by the extension allocated it (execute_ex above).
    $xml = @simplexml_load_file($argv[1]);
    if ($xml === false) { fwrite(STDERR, "unreadable valgrind XML report $argv[1]\n"); exit(2); }
    $kinds = ["InvalidRead" => "invalid reads", "InvalidWrite" => "invalid writes", "Leak_DefinitelyLost" => "definitely lost"];
    $count = ["direct" => array_fill_keys(array_keys($kinds), 0)];
    $count["callback"] = $count["elsewhere"] = $count["direct"];
    $bytes = ["direct" => 0, "callback" => 0];
    $other = [];
    foreach ($xml->error as $e) {
        $kind = (string) $e->kind;
        $where = "elsewhere";
        $userCode = false;
        foreach ($e->stack->frame ?? [] as $f) {
            if (str_contains((string) $f->obj, "libconvert_sdk")) {
                $where = $userCode ? "callback" : "direct";
                break;
            }
            $userCode = $userCode || (string) $f->fn === "execute_ex";
        }
        if (!isset($kinds[$kind])) {
            if ($where !== "elsewhere") { $other[$kind] = ($other[$kind] ?? 0) + 1; }
            continue;
        }
        $count[$where][$kind]++;
        if ($where !== "elsewhere") { $bytes[$where] += (int) ($e->xwhat->leakedbytes ?? 0); }
    }
    foreach ($kinds as $k => $label) {
        printf("%-16s %4d in libconvert_sdk.so, %4d in PHP code it called back, %4d elsewhere (PHP, libc)\n",
            $label, $count["direct"][$k], $count["callback"][$k], $count["elsewhere"][$k]);
    }
    printf("definitely lost bytes: %d allocated by the extension, %d by PHP code it called back\n", $bytes["direct"], $bytes["callback"]);
    foreach ($other as $k => $n) { printf("other errors with the extension on the stack: %s x%d\n", $k, $n); }
    $ours = array_sum($count["direct"]) + $count["callback"]["InvalidRead"] + $count["callback"]["InvalidWrite"] + array_sum($other);
    exit($ours > 0 ? 1 : 0);
' "$out/memcheck.xml" || verdict=$?
echo "PHPUnit under valgrind: $(grep -aE '^(Tests:|OK \()' "$out/phpunit.log" | tail -1) (exit $rc, ${elapsed} s); details in $out/"
exit $verdict
