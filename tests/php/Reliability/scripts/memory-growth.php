<?php
/**
 * Child process of MemoryTest: `memory-growth.php <iterations> <sink url> [visitor pool]`. One SDK
 * instance serves a long-running process (a worker, a queue consumer): each iteration decides 5 visitors
 * with every kind of call (decisions, features, conversions with goal data, custom segments, visitor
 * data), then flushes the tracking queue to the sink. Visitor ids cycle through a pool of that many ids
 * (0: every id new; the in-memory visitor layer is capped at 10,000 visitors, reached after 2,000
 * iterations). Prints one JSON line with the process RSS (KiB, from /proc/self/statm: Rust and PHP
 * allocations alike) and PHP's own usage after the warm-up (half the iterations, at most 2,200) and at
 * the end.
 */

require __DIR__ . '/../../Support/autoload.php';

use ConvertSdk\ConvertSDK;
use ConvertSdk\DTO\ConversionAttributes;
use ConvertSdk\Tests\Reliability\Configs;
use ConvertSdk\Tests\Support\ArrayDataStore;

[, $iterations, $sink, $pool] = $argv + [1 => 1000, 2 => 'http://127.0.0.1:9', 3 => 0];
$iterations = (int) $iterations;
$pool = (int) $pool;

function rssKib(): int
{
    return (int) explode(' ', (string) file_get_contents('/proc/self/statm'))[1] * 4;
}

/** Five visitors through every public call, then a flush. */
function iteration(\ConvertSdk\Interfaces\CoreInterface $sdk, int $i, int $pool): void
{
    for ($v = 0; $v < 5; $v++) {
        $n = 5 * $i + $v;
        $context = $sdk->createContext('m-' . ($pool > 0 ? $n % $pool : $n), ['plan' => 'premium', 'country' => 'DE']);
        $attributes = ['locationProperties' => Configs::LOCATION];
        $context->runExperience('split', $attributes);
        $context->runExperiences($attributes);
        $context->runFeatures($attributes);
        $context->trackConversion('buy', new ConversionAttributes(conversionData: [['key' => 'amount', 'value' => 9.5]],
            conversionSetting: ['forceMultipleTransactions' => true])); // a tracking event on every call
        $context->runCustomSegments(['seg']);
        $context->getVisitorData();
    }
    $sdk->flush();
}

$config = Configs::gated('plan', 'equals', 'premium');
$config['goals'] = [['id' => '5001', 'key' => 'buy', 'rules' => null]];
$config['segments'] = [['id' => '4001', 'key' => 'seg', 'rules' => $config['audiences'][0]['rules']]];
$store = new ArrayDataStore();
$store->onSet = static fn () => true; // a store that keeps nothing (the process must not grow through it)
$sdk = ConvertSDK::create(Configs::options($config, $sink, ['dataStore' => $store]));
$sdk->on('bucketing', static function ($args, $err): void {
});
$warmUp = min(2200, intdiv($iterations, 2));
for ($i = 0; $i < $warmUp; $i++) {
    iteration($sdk, $i, $pool);
}
gc_collect_cycles();
$warm = ['rss' => rssKib(), 'php' => memory_get_usage()];
for (; $i < $iterations; $i++) {
    iteration($sdk, $i, $pool);
}
gc_collect_cycles();
echo json_encode(['warm' => $warm, 'end' => ['rss' => rssKib(), 'php' => memory_get_usage()], 'iterations' => $iterations, 'warmUp' => $warmUp]), "\n";
