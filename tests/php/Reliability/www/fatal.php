<?php
/**
 * php-fpm endpoint of HostileUserObjectsTest. FastCGI param MODE:
 *   oom    a bucketing listener exhausts memory_limit (16M) in the middle of a decision: fatal error
 *   check  one decision with a recording dataStore, logger and listener; answers which were called
 * Answers JSON (check) or dies with the fatal error (oom).
 */

require __DIR__ . '/../../Support/autoload.php';

use ConvertSdk\ConvertSDK;
use ConvertSdk\Tests\Reliability\Configs;
use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\RecordingLogger;

$store = new ArrayDataStore();
$gets = 0;
$store->onGet = static function () use (&$gets) {
    $gets++;
    return null;
};
$logger = new RecordingLogger();
$sdk = ConvertSDK::create(Configs::options(Configs::split(), $_SERVER['SINK_URL'], ['dataStore' => $store, 'logger' => $logger->option()]));
$fired = 0;
if ($_SERVER['MODE'] === 'oom') {
    ini_set('memory_limit', '16M');
    $sdk->on('bucketing', static function (): void {
        $hog = [];
        while (true) {
            $hog[] = str_repeat('x', 1 << 20);
        }
    });
} else {
    $sdk->on('bucketing', static function () use (&$fired): void {
        $fired++;
    });
}
$variation = $sdk->createContext('worker-' . getmypid())->runExperience('split', ['locationProperties' => Configs::LOCATION]);
header('Content-Type: application/json');
echo json_encode(['pid' => getmypid(), 'variation' => $variation?->variationId, 'storeGets' => $gets,
    'listenerCalls' => $fired, 'logged' => count($logger->records)]);
