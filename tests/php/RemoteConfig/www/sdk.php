<?php
/**
 * One "web request" of the remote-config tests, run by php-fpm: creates an SDK in sdkKey mode from
 * the FastCGI params below, decides one experience and prints what happened as JSON.
 *   RC_ENDPOINT, RC_SDK_KEY, RC_INTERVAL (dataRefreshInterval, ms)   required
 *   RC_SECRET, RC_TIMEOUT, RC_CONNECT_TIMEOUT (ms)                   optional
 *   RC_TRACK   tracking endpoint (decisions are still POSTed at shutdown with network.tracking off)
 *   RC_REDIS   a Redis DSN: use a Symfony Psr16Cache over RedisAdapter as the `cache` option
 */

use ConvertSdk\ConvertSDK;
use ConvertSdk\Exception\ConfigFetchException;
use ConvertSdk\Tests\RemoteConfig\RemoteConfigs;
use ConvertSdk\Tests\Support\RecordingLogger;
use Symfony\Component\Cache\Adapter\RedisAdapter;
use Symfony\Component\Cache\Psr16Cache;

require __DIR__ . '/../../Support/autoload.php';

$param = static fn (string $name): string => (string) ($_SERVER[$name] ?? '');
$logger = new RecordingLogger();
$network = ['tracking' => false];
if ($param('RC_TIMEOUT') !== '') {
    $network['timeout'] = (int) $param('RC_TIMEOUT');
}
if ($param('RC_CONNECT_TIMEOUT') !== '') {
    $network['connectTimeout'] = (int) $param('RC_CONNECT_TIMEOUT');
}
$options = [
    'sdkKey' => $param('RC_SDK_KEY'),
    'sdkKeySecret' => $param('RC_SECRET'),
    'dataRefreshInterval' => (int) $param('RC_INTERVAL'),
    'network' => $network,
    'api' => ['endpoint' => ['config' => $param('RC_ENDPOINT'), 'track' => $param('RC_TRACK')]],
    'logger' => $logger->option(),
];
if ($param('RC_REDIS') !== '') {
    $options['cache'] = new Psr16Cache(new RedisAdapter(RedisAdapter::createConnection($param('RC_REDIS'))));
}

$started = hrtime(true);
$sdk = ConvertSDK::create($options);
$createMs = (hrtime(true) - $started) / 1e6;

$readyErrors = [];
$sdk->on('ready', static function ($args, $err) use (&$readyErrors): void {
    $readyErrors[] = $err === null ? null : [
        'class' => get_class($err),
        'message' => $err->getMessage(),
        'statusCode' => $err instanceof ConfigFetchException ? $err->getStatusCode() : null,
        'url' => $err instanceof ConfigFetchException ? $err->getUrl() : null,
    ];
});
$updated = 0;
$sdk->on('config.updated', static function () use (&$updated): void {
    $updated++;
});

$context = $sdk->createContext('visitor-' . bin2hex(random_bytes(6)));
$variation = $context?->runExperience(RemoteConfigs::EXPERIENCE_KEY, RemoteConfigs::ATTRIBUTES);

header('Content-Type: application/json');
echo json_encode([
    'pid' => getmypid(),
    'ready' => $sdk->isReady(),
    'readyErrors' => $readyErrors,
    'contextIsNull' => $context === null,
    'variation' => $variation?->variationKey,
    'changes' => $variation?->changes,
    'updated' => $updated,
    'createMs' => $createMs,
    'logs' => $logger->records,
], JSON_THROW_ON_ERROR);
