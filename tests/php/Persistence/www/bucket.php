<?php
/**
 * php-fpm endpoint of CrossRequestTest: one request = one PHP request of a site. Reads its job
 * (JSON file named by the FastCGI param CONVERT_TEST_JOB): the config file to load, the Redis DSN
 * and namespace, the visitors; buckets every visitor into Scenario::EXPERIENCES with an SDK whose
 * visitor store is Symfony Psr16Cache over RedisAdapter, and answers
 * {"pid": worker pid, "decisions": {visitor: {experienceKey: variationId|null}}, "errors": [...]}.
 */

require __DIR__ . '/../../Support/autoload.php';

use ConvertSdk\Tests\Persistence\Scenario;
use ConvertSdk\Tests\Support\RecordingLogger;
use Symfony\Component\Cache\Adapter\RedisAdapter;
use Symfony\Component\Cache\Psr16Cache;

$job = json_decode(file_get_contents($_SERVER['CONVERT_TEST_JOB']), true, 512, JSON_THROW_ON_ERROR);
$config = json_decode(file_get_contents($job['configFile']), true, 512, JSON_THROW_ON_ERROR);
$connection = RedisAdapter::createConnection($job['redisDsn'], ['lazy' => true]);
$cache = new Psr16Cache(new RedisAdapter($connection, $job['namespace']));
$logger = new RecordingLogger();
$sdk = Scenario::sdk($config, ['cache' => $cache, 'logger' => $logger->option()], $job['sinkUrl']);

header('Content-Type: application/json');
echo json_encode([
    'pid' => getmypid(),
    'decisions' => Scenario::decisions($sdk, $job['visitors']),
    'errors' => $logger->errors(),
], JSON_THROW_ON_ERROR);
