<?php
/**
 * Shared pieces of the benchmark scripts: the generated project configs (the shapes of
 * tests/fixtures/spec-example-config.json, scaled to N experiences), the simulated request of W1,
 * the counting PSR-16 decorator of W4, Redis-backed caches and timing helpers.
 */

declare(strict_types=1);

namespace ConvertSdk\Bench;

use ConvertSdk\ConvertSDK;
use ConvertSdk\Interfaces\CoreInterface;
use OpenAPI\Client\BucketingAttributes;

const ACCOUNT_ID = '100123';
const PROJECT_ID = '100456';
/** Visitor attributes given to createContext (match every generated audience). */
const VISITOR = ['plan' => 'premium', 'age' => 30];
/** Location properties of every call (match every generated location and site area). */
const PAGE = ['url' => 'https://shop.example.com/checkout/pricing?step=1'];

/** A rule set with one OR_WHEN item. */
function rule(string $type, string $match, string $key, mixed $value, bool $negated = false): array
{
    $item = ['rule_type' => $type, 'matching' => ['match_type' => $match, 'negated' => $negated], 'key' => $key, 'value' => $value];
    return ['OR' => [['AND' => [['OR_WHEN' => [$item]]]]]];
}

/** Audience rule of the spec example: plan premium or enterprise, and not age < 18. */
function audienceRules(): array
{
    $text = static fn (string $v): array => [
        'rule_type' => 'generic_text_key_value', 'matching' => ['match_type' => 'matches', 'negated' => false], 'key' => 'plan', 'value' => $v,
    ];
    $age = ['rule_type' => 'generic_numeric_key_value', 'matching' => ['match_type' => 'less', 'negated' => true], 'key' => 'age', 'value' => 18];
    return ['OR' => [['AND' => [['OR_WHEN' => [$text('premium'), $text('enterprise')]], ['OR_WHEN' => [$age]]]]]];
}

/** A fullStackFeature change carrying the variables of feature $f. */
function featureChange(int $id, int $f, bool $on): array
{
    return ['id' => $id, 'type' => 'fullStackFeature', 'data' => ['feature_id' => 6000 + $f, 'variables_data' => [
        'enabled' => $on ? 'true' : false, 'color' => $on ? 'green' : 'blue', 'discount' => $on ? 12.5 : '0',
        'max_items' => $on ? 9.7 : '5', 'meta' => $on ? ['layout' => 'compact'] : '{"layout":"classic"}',
    ]]];
}

/** A variation. */
function variation(string $id, string $key, string $status, int|float $traffic, array $changes = []): array
{
    return ['id' => $id, 'key' => $key, 'name' => ucfirst($key), 'status' => $status, 'traffic_allocation' => $traffic, 'changes' => $changes];
}

/**
 * Experience $i in one of four shapes of the spec example (i mod 4): location + transient audience
 * (packed 50/50 with feature changes); site-area rollout (stopped control, 80 % rollout); anchored
 * (version 12) 3-way split behind a permanent audience; segment-gated (needs a custom segment the bench
 * visitor does not have, so it is never served).
 */
function experience(int $i, int $features): array
{
    $id = (string) (100000 + $i);
    $f = $i % $features;
    $base = ['id' => $id, 'key' => "exp-$i", 'name' => "Experience $i", 'type' => 'a/b_fullstack', 'status' => 'active',
        'version' => 11, 'environment' => 'production', 'locations' => [], 'site_area' => null, 'audiences' => [],
        'goals' => ['5001'], 'settings' => ['matching_options' => ['audiences' => 'any', 'locations' => 'any']]];
    return match ($i % 4) {
        0 => ['locations' => [(string) (200000 + $i)], 'audiences' => [(string) (300000 + $i)], 'variations' => [
            variation("{$id}1", 'control', 'running', 50.0, [featureChange(9000000 + 2 * $i, $f, false)]),
            variation("{$id}2", 'treatment', 'running', 50.0, [featureChange(9000001 + 2 * $i, $f, true)]),
        ]] + $base,
        1 => ['type' => 'feature_rollout', 'site_area' => rule('generic_text_key_value', 'contains', 'url', '/pricing'), 'variations' => [
            variation("{$id}1", 'off', 'stopped', 0),
            variation("{$id}2", 'on', 'running', 80, [featureChange(9000000 + 2 * $i, $f, true)]),
        ]] + $base,
        2 => ['version' => 12, 'audiences' => [(string) (300000 + $i)], 'variations' => [
            variation("{$id}1", 'a', 'running', 34), variation("{$id}2", 'b', 'running', 33), variation("{$id}3", 'c', 'running', 33),
        ]] + $base,
        3 => ['audiences' => [(string) (400000 + $i)], 'variations' => [
            variation("{$id}1", 'original', 'running', 50), variation("{$id}2", 'banner', 'running', 50),
        ]] + $base,
    };
}

/** A project config with $n experiences and the entities they reference. */
function generateConfig(int $n): array
{
    $features = max(2, intdiv($n, 5));
    $config = ['account_id' => ACCOUNT_ID, 'project' => ['id' => PROJECT_ID, 'name' => "Bench $n", 'type' => 'fullstack',
        'utc_offset' => 0, 'domains' => [], 'settings' => ['do_not_track' => 'OFF', 'data_anonymization' => false],
        'environments' => ['production' => ['label' => 'Production', 'is_default' => true]]],
        'experiences' => [], 'archived_experiences' => [], 'audiences' => [], 'segments' => [], 'locations' => [],
        'goals' => [], 'features' => [], 'is_debug' => false];
    for ($i = 0; $i < $n; $i++) {
        $config['experiences'][] = experience($i, $features);
        match ($i % 4) {
            0 => $config['locations'][] = ['id' => (string) (200000 + $i), 'key' => "checkout-$i", 'name' => "Checkout $i",
                'trigger' => ['type' => 'upon_run'], 'rules' => rule('generic_text_key_value', 'startsWith', 'url', 'https://shop.example.com/checkout')],
            2 => $config['audiences'][] = ['id' => (string) (300000 + $i), 'key' => "permanent-$i", 'name' => "Permanent $i",
                'type' => 'permanent', 'rules' => audienceRules()],
            3 => $config['segments'][] = ['id' => (string) (400000 + $i), 'key' => "vip-$i", 'name' => "VIP $i",
                'rules' => rule('generic_bool_key_value', 'equals', 'vip', true)],
            default => null,
        };
        if ($i % 4 === 0) {
            $config['audiences'][] = ['id' => (string) (300000 + $i), 'key' => "premium-$i", 'name' => "Premium $i",
                'type' => 'transient', 'rules' => audienceRules()];
        }
    }
    $config['goals'][] = ['id' => '5001', 'key' => 'purchase', 'name' => 'Purchase', 'type' => 'revenue', 'rules' => null,
        'settings' => ['triggering_type' => 'manual']];
    for ($g = 1; $g < max(2, intdiv($n, 2)); $g++) {
        $config['goals'][] = ['id' => (string) (5001 + $g), 'key' => "goal-$g", 'name' => "Goal $g", 'type' => 'advanced',
            'rules' => rule('generic_text_key_value', 'matches', 'action', "action-$g")];
    }
    for ($f = 0; $f < $features; $f++) {
        $config['features'][] = ['id' => (string) (6000 + $f), 'key' => "feature-$f", 'name' => "Feature $f", 'variables' => [
            ['key' => 'enabled', 'type' => 'boolean'], ['key' => 'color', 'type' => 'string'], ['key' => 'discount', 'type' => 'float'],
            ['key' => 'max_items', 'type' => 'integer'], ['key' => 'meta', 'type' => 'json'],
        ]];
    }
    return $config;
}

/** Where the runner keeps generated configs and the stub's port. */
function workDir(): string
{
    $dir = getenv('BENCH_WORK') ?: sys_get_temp_dir() . '/convert-sdk-bench';
    if (!is_dir($dir)) {
        mkdir($dir, 0700, true);
    }
    return $dir;
}

/** Base URL of the running stub (bench/sink.php). */
function sinkUrl(): string
{
    $port = trim((string) @file_get_contents(workDir() . '/sink.port'));
    if ($port === '') {
        throw new \RuntimeException('the HTTP stub is not running (bench/run.sh starts it)');
    }
    return "http://127.0.0.1:$port";
}

/** The generated config with $n experiences, as the `data` array. */
function loadConfig(int $n): array
{
    return json_decode((string) file_get_contents(workDir() . "/configs/exp-$n.json"), true, 512, JSON_THROW_ON_ERROR);
}

/** Options of one SDK instance: sdkKey mode (config from the stub, kept per process) or data mode. */
function options(string $mode, int $n, ?object $cache, ?array $data = null, array $extra = []): array
{
    $endpoints = ['config' => sinkUrl() . '/', 'track' => sinkUrl() . '/t'];
    $options = $extra + ['api' => ['endpoint' => $endpoints]];
    $options += $mode === 'sdkKey' ? ['sdkKey' => ACCOUNT_ID . "/exp-$n"] : ['data' => $data ?? loadConfig($n)];
    if ($cache !== null) {
        $options['cache'] = $cache;
    }
    return $options;
}

/** Builds an SDK and insists it is ready (a benchmark of a broken SDK measures nothing). */
function sdk(array $options): CoreInterface
{
    $sdk = ConvertSDK::create($options);
    if (!$sdk->isReady()) {
        throw new \RuntimeException('SDK not ready');
    }
    return $sdk;
}

/** The per-call attributes of every decision. */
function attributes(): BucketingAttributes
{
    return new BucketingAttributes(['locationProperties' => PAGE]);
}

/**
 * One simulated request (W1): build the SDK, create one context, run every experience of the config,
 * run 2 features, track 1 conversion, flush to the stub. Returns the number of variations served;
 * $flushNs receives the time spent in flush().
 * @param list<string> $keys experience keys of the config
 */
function simulatedRequest(array $options, string $visitorId, array $keys, BucketingAttributes $attrs, ?int &$flushNs = null): int
{
    $sdk = ConvertSDK::create($options);
    $context = $sdk->createContext($visitorId, VISITOR);
    $served = 0;
    foreach ($keys as $key) {
        $served += (int) ($context->runExperience($key, $attrs) !== null);
    }
    $context->runFeature('feature-0', $attrs);
    $context->runFeature('feature-1', $attrs);
    $context->trackConversion('purchase');
    $start = hrtime(true);
    $sdk->flush();
    $flushNs = hrtime(true) - $start;
    return $served;
}

/**
 * Times $runs batches of $iterations simulated requests (after $warmup untimed ones); $visitor($i)
 * names the visitor of request $i. Returns [whole-request samples, samples without flush(), flush()
 * samples, served counts seen], in nanoseconds per request.
 */
function timeRequests(array $options, callable $visitor, array $keys, int $iterations, int $runs, int $warmup): array
{
    $attrs = attributes();
    $served = [];
    for ($i = 0; $i < $warmup; $i++) {
        $served[simulatedRequest($options, $visitor(-1 - $i), $keys, $attrs)] = true;
    }
    [$whole, $without, $flushes] = [[], [], []];
    for ($r = 0, $next = 0; $r < $runs; $r++) {
        $flushTotal = 0;
        $start = hrtime(true);
        for ($i = 0; $i < $iterations; $i++) {
            $served[simulatedRequest($options, $visitor($next++), $keys, $attrs, $flush)] = true;
            $flushTotal += $flush;
        }
        $elapsed = hrtime(true) - $start;
        $whole[] = $elapsed / $iterations;
        $without[] = ($elapsed - $flushTotal) / $iterations;
        $flushes[] = $flushTotal / $iterations;
    }
    ksort($served);
    return [$whole, $without, $flushes, array_keys($served)];
}

/** Experience keys of the config with $n experiences, in config order. */
function experienceKeys(int $n): array
{
    return array_map(static fn (int $i): string => "exp-$i", range(0, $n - 1));
}

/** Symfony Psr16Cache over RedisAdapter on the bench's redis-server (a new connection, as per request). */
function redisCache(string $namespace = 'bench'): \Psr\SimpleCache\CacheInterface
{
    foreach (['Psr/SimpleCache/autoload.php', 'Symfony/Component/Cache/autoload.php'] as $relative) {
        require_once stream_resolve_include_path($relative) ?: "/usr/share/php/$relative";
    }
    $port = (int) getenv('BENCH_REDIS_PORT');
    if ($port <= 0) {
        throw new \RuntimeException('BENCH_REDIS_PORT is not set (bench/run.sh starts redis-server)');
    }
    $adapter = \Symfony\Component\Cache\Adapter\RedisAdapter::class;
    $connection = $adapter::createConnection("redis://127.0.0.1:$port", ['lazy' => true]);
    return new \Symfony\Component\Cache\Psr16Cache(new $adapter($connection, $namespace));
}
