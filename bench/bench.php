<?php
/**
 * PHP-side benchmarks of issue 7. `php bench.php CASE` prints one JSON object per line:
 *   {"group", "name", "unit", "scale", "samples", "target"?, "extra"?}
 * where every sample is one timed batch (nanoseconds per operation before dividing by `scale`).
 * Cases: gen (write the configs), ref, w1, w2, w3, w4, w5, loop (for profilers). Needs the stub
 * (bench/sink.php) and, for the Redis cases, BENCH_REDIS_PORT; bench/run.sh provides both.
 */

declare(strict_types=1);

namespace ConvertSdk\Bench;

use ConvertSdk\Interfaces\CoreInterface;

require __DIR__ . '/lib.php';

const SIZES = [2, 10, 22, 100, 500];
const RUNS = 5;

/** Prints one result line. */
function emit(string $group, string $name, string $unit, array $samples, float $scale = 1000.0, string $target = '', array $extra = []): void
{
    echo json_encode(compact('group', 'name', 'unit', 'scale', 'samples', 'target', 'extra'), JSON_UNESCAPED_UNICODE), "\n";
}

/** A visitor-id prefix unique to this process (new visitors never collide across runs). */
function prefix(string $what): string
{
    return $what . '-' . getmypid() . '-' . bin2hex(random_bytes(3)) . '-';
}

/** POSTs the stub has received so far. */
function posts(): int
{
    return json_decode((string) file_get_contents(sinkUrl() . '/stats'), true)['posts'];
}

function caseGen(): void
{
    $dir = workDir() . '/configs';
    if (!is_dir($dir)) {
        mkdir($dir, 0700, true);
    }
    foreach (SIZES as $n) {
        file_put_contents("$dir/exp-$n.json", json_encode(generateConfig($n), JSON_UNESCAPED_SLASHES));
    }
}

/** Times $loop($n), which runs $n operations inline (no call per operation), $runs times. */
function timeLoop(callable $loop, int $n, int $runs = RUNS): array
{
    $loop(1000);
    $samples = [];
    for ($r = 0; $r < $runs; $r++) {
        $start = hrtime(true);
        $loop($n);
        $samples[] = (hrtime(true) - $start) / $n;
    }
    return $samples;
}

/** Physical references: an empty call into the extension, a userland method call, the hash alone. */
function caseRef(): void
{
    $context = sdk(options('sdkKey', 10, null))->createContext('ref-visitor');
    emit('REF', 'empty extension method call ($ctx->getVisitorId())', 'ns/call', timeLoop(static function (int $n) use ($context): void {
        for ($i = 0; $i < $n; $i++) {
            $context->getVisitorId();
        }
    }, 2_000_000), 1.0);
    $object = new class () {
        public function id(): string
        {
            return 'ref-visitor';
        }
    };
    emit('REF', 'empty userland method call (PHP)', 'ns/call', timeLoop(static function (int $n) use ($object): void {
        for ($i = 0; $i < $n; $i++) {
            $object->id();
        }
    }, 2_000_000), 1.0);
    emit('REF', "hash alone: hash('murmur3a', expId.visitorId, seed 9999) in PHP", 'ns/call', timeLoop(static function (int $n): void {
        for ($i = 0; $i < $n; $i++) {
            hash('murmur3a', '100000visitor-' . $i, false, ['seed' => 9999]);
        }
    }, 1_000_000), 1.0);
    emit('REF', 'HTTP POST round trip to the stub, kept-alive socket, one write (the floor of flush())', 'µs/POST',
        timeLoop(postRoundTrips(...), 20_000), 1000.0);
}

/**
 * Runs $n POSTs of a W1-sized body (about 1.2 KB: one visitor, 11 events) to the stub over one
 * kept-alive socket, each request in one write, each response read before the next request.
 */
function postRoundTrips(int $n): void
{
    static $socket = null;
    $socket ??= stream_socket_client(str_replace('http://', 'tcp://', sinkUrl()));
    stream_set_write_buffer($socket, 0);
    $body = json_encode(['visitors' => [['visitorId' => 'ref', 'events' => array_fill(0, 11, ['eventType' => 'bucketing', 'data' => ['experienceId' => '100000', 'variationId' => '1000001']])]], 'pad' => str_repeat('x', 300)]);
    $request = "POST /t/ref HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " . strlen($body) . "\r\n\r\n$body";
    for ($i = 0; $i < $n; $i++) {
        fwrite($socket, $request);
        $response = fread($socket, 8192);
        if ($response === false || !str_starts_with($response, 'HTTP/1.1 200')) {
            throw new \RuntimeException('REF POST: unexpected response');
        }
    }
}

/**
 * W1: one simulated request on the 10-experience config. Checks that every flush reached the stub.
 * Prints the whole request (the W1 of issue 7), the same without flush(), and flush() alone.
 */
function w1(string $mode, bool $redis, bool $returning, int $iterations, string $target): void
{
    $cache = $redis ? new CountingCache(redisCache('bench-w1-' . getmypid())) : null;
    $options = options($mode, 10, $cache);
    $keys = experienceKeys(10);
    $prefix = prefix('w1');
    $visitor = static fn (int $i): string => $returning ? "{$prefix}returning" : $prefix . $i;
    $postsBefore = posts();
    simulatedRequest($options, $visitor(-1000), $keys, attributes()); // config fetch / first store write
    $cache?->reset();
    $warmup = 50;
    [$whole, $without, $flush, $served] = timeRequests($options, $visitor, $keys, $iterations, RUNS, $warmup);
    $requests = $iterations * RUNS + $warmup;
    $posts = posts() - $postsBefore - 1;
    $expected = $returning ? 0 : $requests; // a returning visitor has nothing new to track
    if ($posts !== $expected) {
        throw new \RuntimeException("W1 $mode: $posts tracking POSTs for $requests requests, expected $expected");
    }
    $extra = ['variations served per request' => servedRange($served, 10), 'POSTs' => $posts];
    if ($cache !== null) {
        $extra['cache get/request'] = round($cache->count('get') / $requests, 2);
        $extra['cache set/request'] = round($cache->count('set') / $requests, 2);
        $extra['other cache calls'] = $cache->others();
    }
    $store = $redis ? 'Psr16Cache over Redis' : 'in-memory store';
    $who = $redis ? ($returning ? ', returning visitor' : ', new visitor') : '';
    emit('W1', "$mode mode, $store$who", 'µs/request', $whole, 1000.0, $target, $extra);
    emit('W1', "  same, without flush()", 'µs/request', $without);
    emit('W1', "  flush() alone (1 POST to the local stub)", 'µs/request', $flush);
}

function caseW1(): void
{
    w1('sdkKey', false, false, 600, '≤ 30');
    w1('data', false, false, 600, '≤ 150');
    w1('sdkKey', true, false, 300, '≤ 150');
    w1('sdkKey', true, true, 300, '≤ 150');
    w1('data', true, false, 300, '≤ 150');
}

/** $iterations new contexts (no decision yet) of one SDK instance. */
function freshContexts(CoreInterface $sdk, string $prefix, int $iterations): array
{
    $contexts = [];
    for ($i = 0; $i < $iterations; $i++) {
        $contexts[] = $sdk->createContext($prefix . $i, VISITOR);
    }
    return $contexts;
}

/**
 * Per-decision cost on config $n: first decisions (each on a new context, keys cycling through every
 * experience). The automatic release every `batch_size` visitors is off (`network.tracking` false) and
 * the queue is flushed between batches, untimed, so the HTTP POST is not part of a decision's cost.
 * A sample is $iterations decisions made in batches of $batch contexts: each batch is created before
 * it is timed (so $batch contexts are alive while it runs); the timed loop is inline (no closure call
 * per decision, as in the REF rows); one untimed warm-up sample comes first. Returns [samples,
 * fraction served].
 */
function firstDecisions(int $n, int $iterations, ?array $onlyKeys = null, ?int $batch = null): array
{
    $sdk = sdk(options('sdkKey', $n, null, null, ['network' => ['tracking' => false]]));
    $keys = $onlyKeys ?? experienceKeys($n);
    $count = count($keys);
    $attrs = attributes();
    $prefix = prefix("w3-$n");
    $batch ??= $iterations;
    $served = 0;
    $samples = [];
    for ($r = 0; $r <= RUNS; $r++) {
        $elapsed = 0;
        for ($done = 0; $done < $iterations; $done += $batch) {
            $sdk->flush();
            $contexts = freshContexts($sdk, $prefix . bin2hex(random_bytes(3)) . '-', $batch);
            $start = hrtime(true);
            for ($i = 0; $i < $batch; $i++) {
                $served += (int) ($contexts[$i]->runExperience($keys[$i % $count], $attrs) !== null);
            }
            $elapsed += hrtime(true) - $start;
            unset($contexts);
        }
        if ($r > 0) {
            $samples[] = $elapsed / $iterations;
        }
    }
    return [$samples, round($served / ($iterations * (RUNS + 1)), 3)];
}

/** W2: runExperience on an existing context (sdkKey mode, in-memory store, 10-experience config). */
function caseW2(): void
{
    $sdk = sdk(options('sdkKey', 10, null));
    $attrs = attributes();
    $context = $sdk->createContext('w2-bucketed', VISITOR);
    if ($context->runExperience('exp-0', $attrs) === null) {
        throw new \RuntimeException('W2: exp-0 not served');
    }
    // inline loop (no closure call per decision, as in the REF rows)
    emit('W2', "runExperience, visitor already bucketed ('exp-0')", 'µs/call', timeLoop(static function (int $n) use ($context, $attrs): void {
        for ($i = 0; $i < $n; $i++) {
            $context->runExperience('exp-0', $attrs);
        }
    }, 20000), 1000.0, '≤ 1');
    [$samples, $served] = firstDecisions(10, 10000, ['exp-0'], 1000);
    emit('W2', "runExperience, first decision ('exp-0', existing context; batches of 1,000 contexts)", 'µs/call', $samples, 1000.0, '≤ 2',
        ['served' => $served]);
    [$samples, $served] = firstDecisions(10, 10000, ['exp-0']);
    emit('W2', '  same, 10,000 contexts alive at once (cold caches)', 'µs/call', $samples, 1000.0, '', ['served' => $served]);
}

/** W3: config-size scaling, per request (sdkKey and data mode) and per decision. */
/** "min–max of n" for the numbers of variations served per request. */
function servedRange(array $served, int $n): string
{
    return (min($served) === max($served) ? (string) min($served) : min($served) . '–' . max($served)) . " of $n";
}

/**
 * W3: config-size scaling. Per request (without flush(), which does not depend on the config) in both
 * modes; per decision as request time / N (N decisions on one context, as in W1) and as the first
 * decision on a fresh context; the 500/10 ratio of the per-decision cost within a request.
 */
function caseW3(): void
{
    $perDecision = [];
    foreach (SIZES as $n) {
        $keys = experienceKeys($n);
        $iterations = max(5, intdiv(3000, $n + 10));
        foreach (['sdkKey', 'data'] as $mode) {
            $prefix = prefix("w3r-$n");
            [, $without, , $served] = timeRequests(options($mode, $n, null), static fn (int $i): string => $prefix . $i, $keys, $iterations, RUNS, 3);
            emit('W3', sprintf('%3d experiences: request without flush(), %s mode', $n, $mode), 'µs/request', $without, 1000.0, '',
                ['variations served per request' => servedRange($served, $n)]);
            if ($mode === 'sdkKey') {
                $perDecision[$n] = array_map(static fn (float $x): float => $x / $n, $without);
                emit('W3', sprintf('%3d experiences: per decision within a request (request / %d)', $n, $n), 'µs/decision', $perDecision[$n]);
            }
        }
        [$samples, $served] = firstDecisions($n, 3000);
        emit('W3', sprintf('%3d experiences: first decision on a fresh context, keys cycling', $n), 'µs/decision', $samples, 1000.0, '',
            ['served' => $served]);
    }
    $base = median($perDecision[10]);
    emit('W3', 'per-decision cost within a request, 500 vs 10 experiences', '× (ratio)',
        array_map(static fn (float $x): float => $x / $base, $perDecision[500]), 1.0, '≤ 1.5');
}

function median(array $xs): float
{
    sort($xs);
    $m = intdiv(count($xs), 2);
    return count($xs) % 2 ? $xs[$m] : ($xs[$m - 1] + $xs[$m]) / 2;
}

/** W4: store calls of one W1 request through a counting Psr16Cache over Redis. */
function caseW4(): void
{
    foreach (['sdkKey', 'data'] as $mode) {
        $cache = new CountingCache(redisCache('bench-w4-' . getmypid()));
        $options = options($mode, 10, $cache);
        $visitor = prefix('w4') . 'visitor';
        simulatedRequest($options, prefix('w4') . 'warm', experienceKeys(10), attributes());
        foreach (['new visitor' => 1, 'returning visitor' => 2] as $who => $request) {
            $cache->reset();
            simulatedRequest($options, $visitor, experienceKeys(10), attributes());
            $calls = $cache->calls;
            ksort($calls);
            emit('W4', "$mode mode, $who: cache get", 'calls/request', [$cache->count('get')], 1.0, '= 1', ['all calls' => $calls]);
            emit('W4', "$mode mode, $who: cache set", 'calls/request', [$cache->count('set')], 1.0, $request === 1 ? '≤ 1' : '= 0');
        }
    }
}

/**
 * Bytes of the extension's own heap in use (its Rust data): the "extension heap in use" row of
 * `php --ri convert_sdk` (mimalloc's live blocks), or glibc's mallinfo2 through FFI for a build with
 * the system allocator; null when neither is available.
 */
function mallocInUse(): ?int
{
    ob_start();
    (new \ReflectionExtension('convert_sdk'))->info();
    $info = (string) ob_get_clean();
    if (preg_match('/^extension heap in use \(bytes\)\s*=>\s*(\d+)\s*$/m', strip_tags($info), $m)) {
        return (int) $m[1];
    }
    static $ffi = false;
    if ($ffi === false) {
        try {
            $ffi = \FFI::cdef('struct mi { size_t arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost; };
                struct mi mallinfo2(void);', 'libc.so.6');
        } catch (\Throwable) {
            $ffi = null;
        }
    }
    if ($ffi === null) {
        return null;
    }
    $m = $ffi->mallinfo2();
    return $m->uordblks + $m->hblkhd;
}

/**
 * W5 (CLI part): memory of one W1 request (sdkKey mode, in-memory store): what is live at the end of
 * the request (Zend heap + extension heap) and what stays behind after it (over many requests).
 */
function caseW5(): void
{
    $options = options('sdkKey', 10, null);
    $keys = experienceKeys(10);
    $attrs = attributes();
    $prefix = prefix('w5');
    $live = static function (int $i) use ($options, $keys, $attrs, $prefix): array {
        gc_collect_cycles();
        $heap = mallocInUse();
        $zend = memory_get_usage();
        memory_reset_peak_usage();
        $sdk = \ConvertSdk\ConvertSDK::create($options);
        $context = $sdk->createContext($prefix . $i, VISITOR);
        $results = [];
        foreach ($keys as $key) {
            $results[] = $context->runExperience($key, $attrs);
        }
        $results[] = $context->runFeature('feature-0', $attrs);
        $results[] = $context->runFeature('feature-1', $attrs);
        $results[] = $context->trackConversion('purchase');
        $sdk->flush();
        $row = [memory_get_usage() - $zend, memory_get_peak_usage() - $zend];
        $row[] = $heap === null ? null : mallocInUse() - $heap;
        unset($sdk, $context, $results);
        return $row;
    };
    for ($i = 0; $i < 200; $i++) {
        $live(-1 - $i);
    }
    $rows = [];
    for ($r = 0; $r < RUNS; $r++) {
        $batch = [];
        for ($i = 0; $i < 200; $i++) {
            $batch[] = $live($r * 200 + $i);
        }
        $rows[] = $batch;
    }
    $mean = static fn (array $batch, int $col): float => array_sum(array_column($batch, $col)) / count($batch);
    $series = static fn (int $col): array => array_map(static fn (array $b): float => $mean($b, $col), $rows);
    $heap = mallocInUse() !== null;
    $total = array_map(static fn (float $z, float $c): float => $z + $c, $series(0), $heap ? $series(2) : array_fill(0, RUNS, 0.0));
    emit('W5', 'live at end of request: Zend heap + extension heap', 'KiB/request', $total, 1024.0, '≤ 64');
    emit('W5', '  Zend heap (memory_get_usage delta)', 'KiB/request', $series(0), 1024.0);
    if ($heap) {
        emit('W5', '  extension heap, its Rust data (mimalloc live blocks delta)', 'KiB/request', $series(2), 1024.0);
    }
    emit('W5', 'peak Zend heap during request (memory_get_peak_usage delta)', 'KiB/request', $series(1), 1024.0);
    // Retained after the request is over (objects released), averaged over 1,000 requests.
    $samples = [];
    $heapSamples = [];
    for ($r = 0; $r < RUNS; $r++) {
        gc_collect_cycles();
        [$zend, $heap] = [memory_get_usage(), mallocInUse()];
        for ($i = 0; $i < 1000; $i++) {
            simulatedRequest($options, $prefix . "r$r-$i", $keys, $attrs);
        }
        gc_collect_cycles();
        $samples[] = (memory_get_usage() - $zend) / 1000;
        $heapSamples[] = $heap === null ? 0 : (mallocInUse() - $heap) / 1000;
    }
    emit('W5', 'retained after each request in one CLI process: Zend heap', 'bytes/request', $samples, 1.0, '',
        ['why' => 'all requests of this loop run in one PHP request: what the request end would free (its bookkeeping) stays']);
    emit('W5', 'retained after each request in one CLI process: extension heap', 'bytes/request', $heapSamples, 1.0);
}

/**
 * `loop SCENARIO N`: runs one scenario N times and prints nothing, for profilers (bench/run.sh with
 * BENCH_PROFILE=SCENARIO). Scenarios: w1-sdkKey, w1-data (without flush(): the queue is released at
 * the end), w2-bucketed, w3-500 (one request on the 500-experience config).
 */
function caseLoop(): void
{
    [$scenario, $n] = [$GLOBALS['argv'][2] ?? 'w1-sdkKey', (int) ($GLOBALS['argv'][3] ?? 2000)];
    $attrs = attributes();
    $request = static function (string $mode, int $size, int $i) use ($attrs): void {
        $sdk = \ConvertSdk\ConvertSDK::create(options($mode, $size, null));
        $context = $sdk->createContext("loop-$i", VISITOR);
        foreach (experienceKeys($size) as $key) {
            $context->runExperience($key, $attrs);
        }
        $context->runFeature('feature-0', $attrs);
        $context->runFeature('feature-1', $attrs);
        $context->trackConversion('purchase');
        $sdk->flush();
    };
    match ($scenario) {
        'w1-sdkKey', 'w1-data', 'w3-500' => (static function () use ($scenario, $n, $request): void {
            [$mode, $size] = $scenario === 'w3-500' ? ['sdkKey', 500] : [substr($scenario, 3), 10];
            for ($i = 0; $i < $n; $i++) {
                $request($mode, $size, $i);
            }
        })(),
        'w2-bucketed' => (static function () use ($n, $attrs): void {
            $context = sdk(options('sdkKey', 10, null))->createContext('loop-bucketed', VISITOR);
            for ($i = 0; $i < $n; $i++) {
                $context->runExperience('exp-0', $attrs);
            }
        })(),
        default => throw new \InvalidArgumentException("unknown scenario $scenario"),
    };
}

$case = $argv[1] ?? '';
$run = [
    'gen' => caseGen(...), 'ref' => caseRef(...), 'w1' => caseW1(...), 'w2' => caseW2(...),
    'w3' => caseW3(...), 'w4' => caseW4(...), 'w5' => caseW5(...), 'loop' => caseLoop(...),
][$case] ?? null;
if ($run === null) {
    fwrite(STDERR, "usage: php bench.php gen|ref|w1|w2|w3|w4|w5|loop SCENARIO N\n");
    exit(2);
}
if ($case !== 'gen') {
    require_once (stream_resolve_include_path('Psr/SimpleCache/autoload.php') ?: '/usr/share/php/Psr/SimpleCache/autoload.php');
    require_once __DIR__ . '/CountingCache.php';
}
$run();
