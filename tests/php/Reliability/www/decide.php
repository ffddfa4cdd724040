<?php
/**
 * php-fpm endpoint of the load and fault tests. The job file named by the FastCGI param RELIABILITY_JOB
 * says how to build the SDK:
 *   mode        'data' (config from `configFile`) or 'sdkKey' (`sdkKey`, `configEndpoint`, `refreshMs`)
 *   store       'psr16' (Symfony Psr16Cache over RedisAdapter), 'phpredis' (RedisDataStore) or 'none'
 *   redisPort, redisTimeout (s), namespace, sinkUrl, breaker (the storeCircuitBreaker option, optional)
 * The param VISITORS lists the visitor ids (comma-separated) decided for experience `split`.
 * Answers {"pid", "ready", "decisions": {visitor: variationId|null}, "errors": [logged errors], "seconds"}.
 */

require __DIR__ . '/../../Support/autoload.php';

use ConvertSdk\ConvertSDK;
use ConvertSdk\Tests\Reliability\Configs;
use ConvertSdk\Tests\Support\RecordingLogger;
use ConvertSdk\Tests\Support\RedisDataStore;
use Symfony\Component\Cache\Adapter\RedisAdapter;
use Symfony\Component\Cache\Psr16Cache;

$start = microtime(true);
$job = json_decode(file_get_contents($_SERVER['RELIABILITY_JOB']), true, 512, JSON_THROW_ON_ERROR);
$visitors = array_filter(explode(',', $_SERVER['VISITORS'] ?? ''), 'strlen');
$logger = new RecordingLogger();
$port = (int) ($job['redisPort'] ?? 0);
$timeout = (float) ($job['redisTimeout'] ?? 1.0);
$store = match ($job['store']) {
    'psr16' => new Psr16Cache(new RedisAdapter(
        RedisAdapter::createConnection("redis://127.0.0.1:$port?timeout=$timeout&read_timeout=$timeout", ['lazy' => true]),
        $job['namespace'],
    )),
    'phpredis' => RedisDataStore::timed($port, $timeout, $job['namespace'] . ':'),
    'none' => null,
};
$extra = ['logger' => $logger->option()]
    + ($store === null ? [] : ['dataStore' => $store])
    + (isset($job['breaker']) ? ['storeCircuitBreaker' => $job['breaker']] : []);
if ($job['mode'] === 'sdkKey') {
    $options = $extra + [
        'sdkKey' => $job['sdkKey'],
        'dataRefreshInterval' => $job['refreshMs'],
        'network' => ['tracking' => false, 'timeout' => 1000, 'connectTimeout' => 500],
        'api' => ['endpoint' => ['config' => $job['configEndpoint'], 'track' => $job['sinkUrl'] . '/track']],
    ];
} else {
    $config = json_decode(file_get_contents($job['configFile']), true, 512, JSON_THROW_ON_ERROR);
    $options = Configs::options($config, $job['sinkUrl'], $extra);
}
$sdk = ConvertSDK::create($options);
$decisions = [];
foreach ($visitors as $visitor) {
    $variation = $sdk->createContext($visitor)?->runExperience('split', ['locationProperties' => Configs::LOCATION]);
    $decisions[$visitor] = $variation?->variationId;
}
header('Content-Type: application/json');
echo json_encode([
    'pid' => getmypid(),
    'ready' => $sdk->isReady(),
    'decisions' => $decisions,
    'errors' => $logger->errors(),
    'seconds' => microtime(true) - $start,
], JSON_THROW_ON_ERROR);
