<?php
/**
 * Child process of HostileInputTest: feeds one kind of hostile input (argv[1]) through every public
 * entry point of the SDK and prints one JSON line describing what came back. The sink URL for tracking
 * is argv[2]. Runs with only the extension loaded, so a crash shows as a signal in the parent.
 */

require __DIR__ . '/../../Support/autoload.php';

use ConvertSdk\ConvertSDK;
use ConvertSdk\DTO\ConversionAttributes;
use ConvertSdk\Tests\Reliability\Configs;
use ConvertSdk\Tests\Support\ArrayDataStore;

[, $case, $sink] = $argv + [2 => 'http://127.0.0.1:9'];

/** Depth of nested arrays in $v (0 for a scalar). */
function depth(mixed $v): int
{
    $d = 0;
    while (is_array($v) && $v !== []) {
        $v = reset($v);
        $d++;
    }
    return $d;
}

/** Every public Context call with $value as an attribute, a rule datum and a stored property. */
function exercise(mixed $value, string $visitor = 'hostile'): array
{
    global $sink;
    $store = new ArrayDataStore();
    $config = Configs::gated('plan', 'equals', 'premium');
    $config['goals'] = [['id' => '5001', 'key' => 'buy', 'rules' => $config['audiences'][0]['rules']]];
    $config['segments'] = [['id' => '4001', 'key' => 'seg', 'rules' => $config['audiences'][0]['rules']]];
    $sdk = ConvertSDK::create(Configs::options($config, $sink, ['dataStore' => $store]));
    $start = microtime(true);
    $ctx = $sdk->createContext($visitor, ['plan' => $value, 'country' => $value, 'nested' => ['x' => $value]]);
    $location = Configs::LOCATION + ['x' => $value];
    $attrs = ['locationProperties' => $location, 'visitorProperties' => ['p' => $value]];
    $split = $ctx->runExperience('split', $attrs)?->variationId;
    $gatedHostile = $ctx->runExperience('gated', $attrs)?->variationId;
    $ctx->setAttribute('extra', $value);
    $gatedPremium = $ctx->runExperience('gated', ['locationProperties' => $location, 'visitorProperties' => ['plan' => 'premium', 'q' => $value]])?->variationId;
    $features = count($ctx->runFeatures($attrs));
    $all = count($ctx->runExperiences($attrs));
    $conversion = $ctx->trackConversion('buy', new ConversionAttributes(ruleData: ['plan' => $value], conversionData: [['key' => 'amount', 'value' => $value]]));
    $segments = $ctx->runCustomSegments(['seg'], ['ruleData' => ['plan' => $value]]);
    $ctx->updateVisitorProperties($visitor, ['stored' => $value]);
    $ctx->updateVisitorProperties($visitor, ['stored' => $value]); // merged with itself
    $ctx->setDefaultSegments(['devices' => $value]);
    $data = $ctx->getVisitorData();
    $sdk->flush();
    $expectedSplit = Configs::expectedSplit($ctx->getVisitorId());
    unset($ctx); // the Context's changes reach the store when it ends (deferStoreWrites)
    return [
        'split' => $split,
        'expectedSplit' => $expectedSplit,
        'gatedHostile' => $gatedHostile,
        'gatedPremium' => $gatedPremium,
        'features' => $features,
        'experiences' => $all,
        'conversion' => $conversion === null ? 'null' : var_export($conversion, true),
        'segments' => $segments,
        'storedType' => get_debug_type($data['segments']['stored'] ?? null),
        'storedDepth' => depth($data['segments']['stored'] ?? null),
        'storedCount' => is_array($data['segments']['stored'] ?? null) ? count($data['segments']['stored']) : -1,
        'keys' => array_map('strlen', array_keys($store->values)),
        'seconds' => microtime(true) - $start,
    ];
}

/** A config of about $bytes bytes of JSON: split() plus padded experiences. */
function bigConfig(int $bytes): array
{
    $config = Configs::split();
    $pad = str_repeat('p', 1000);
    $n = intdiv($bytes, 1200);
    for ($i = 0; $i < $n; $i++) {
        $config['experiences'][] = ['id' => (string) (800000 + $i), 'key' => "pad-$i", 'name' => $pad . $i,
            'variations' => [['id' => (string) (900000 + $i), 'key' => 'v', 'traffic_allocation' => 100]]];
    }
    return $config;
}

$deep = 'leaf';
for ($i = 0; $i < 10000; $i++) {
    $deep = [$deep];
}
$recursive = ['a' => 1];
$recursive['self'] = &$recursive;

$result = match ($case) {
    'deep' => exercise($deep),
    'recursive' => exercise($recursive),
    'object' => exercise(new \ArrayObject(['plan' => 'premium'])),
    'stringable' => exercise(new class { public function __toString(): string { return 'premium'; } }),
    'resource' => exercise(fopen('php://memory', 'r')),
    'closure' => exercise(static fn () => 'premium'),
    'generator' => exercise((static function () { yield 'premium'; })()),
    'nan' => exercise(NAN),
    'inf' => exercise(INF),
    '-inf' => exercise(-INF),
    'huge-list' => exercise(range(1, 100000)),
    'huge-map' => exercise(array_combine(array_map(static fn (int $i): string => "k$i", range(1, 100000)), range(1, 100000))),
    'long-id' => exercise('premium', str_repeat('v', 1 << 20)),
    'big-config' => (static function (): array {
        $config = bigConfig(50 << 20);
        $start = microtime(true);
        $sdk = ConvertSDK::create(Configs::options($config, 'http://127.0.0.1:9'));
        $created = microtime(true) - $start;
        $ctx = $sdk->createContext('big');
        return [
            'bytes' => strlen(json_encode($config)),
            'ready' => $sdk->isReady(),
            'createSeconds' => $created,
            'split' => $ctx->runExperience('split', ['locationProperties' => Configs::LOCATION])?->variationId,
            'expectedSplit' => Configs::expectedSplit('big'),
            'lastPad' => $ctx->runExperience('pad-' . (count($config['experiences']) - 3), ['locationProperties' => Configs::LOCATION])?->variationKey,
            'peakMb' => memory_get_peak_usage(true) >> 20,
        ];
    })(),
    'deep-config' => (static function () use ($deep): array {
        $config = Configs::split();
        $config['experiences'][1]['variations'][0]['changes'] = [['type' => 'customCode', 'data' => $deep]];
        $config['deep'] = $deep;
        $sdk = ConvertSDK::create(Configs::options($config, 'http://127.0.0.1:9'));
        $variation = $sdk->createContext('deep')->runExperience('all-in', ['locationProperties' => Configs::LOCATION]);
        return ['ready' => $sdk->isReady(), 'variation' => $variation?->variationId, 'changesDepth' => depth($variation?->changes[0]['data'] ?? null)];
    })(),
};
echo json_encode($result, JSON_PARTIAL_OUTPUT_ON_ERROR), "\n";
