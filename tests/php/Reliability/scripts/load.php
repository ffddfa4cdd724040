<?php
/**
 * Standalone load and fault driver (scripts/load.sh): php-fpm with 2 workers + Redis + a tracking sink on
 * loopback, then, for `<seconds>` each (argv[1], default 30): steady load; Redis killed at 1/3 and
 * restarted at 2/3; the config server killed at 1/3 (sdkKey mode, config TTL 1 s); two workers deciding
 * the same 1,000 visitors at once; 1,000 requests against a Redis that hangs on connect (breaker on).
 * Prints one line of figures per scenario; exits 1 when any request failed, a decision differed from
 * the hash of spec §4.1, or a worker crashed.
 */

require __DIR__ . '/../../Support/autoload.php';

use ConvertSdk\Tests\Reliability\Configs;
use ConvertSdk\Tests\Reliability\FastCgi;
use ConvertSdk\Tests\Reliability\FpmLoad;
use ConvertSdk\Tests\Reliability\HttpServer;
use ConvertSdk\Tests\Support\ConfigServer;
use ConvertSdk\Tests\Support\RedisServer;

$seconds = (float) ($argv[1] ?? 30);
$dir = sys_get_temp_dir() . '/convert-sdk-load-' . getmypid();
$redis = RedisServer::launch("$dir/redis");
$sink = HttpServer::launch("$dir/sink");
$load = new FpmLoad($dir, $redis->port(), $sink->url());
$failed = false;

/** Prints the figures of one scenario and remembers a failure. */
$report = static function (string $name, array $results, $pool, float $elapsed, string $extra = '') use ($load, &$failed): void {
    $failures = FpmLoad::failures($results, Configs::split());
    $crashes = $load->crashLines($pool);
    $decisions = array_sum(array_map(static fn (array $r): int => count(json_decode($r['body'], true)['decisions'] ?? []), $results));
    printf("%-28s %6d requests %7d decisions %4d failed  workers %d  crashed %d  %6.0f req/s  p50 %5.1f ms  p99 %6.1f ms  logged errors %d %s\n",
        $name, count($results), $decisions, count($failures), count(FpmLoad::pids($results)), count($crashes),
        count($results) / max($elapsed, 0.001), FpmLoad::percentileMs($results, 50), FpmLoad::percentileMs($results, 99),
        count(FpmLoad::errors($results)), $extra);
    foreach (array_slice([...$failures, ...$crashes], 0, 5) as $line) {
        echo "    $line\n";
    }
    $failed = $failed || $failures !== [] || $crashes !== [] || count(FpmLoad::pids($results)) > 2;
};
$timed = static function (callable $run): array {
    $start = microtime(true);
    $results = $run();
    return [$results, microtime(true) - $start];
};

// steady load
[$pool, $port] = $load->pool();
$job = $load->job(['store' => 'psr16']);
[$results, $elapsed] = $timed(static fn () => FpmLoad::drive($port, $job, $seconds));
$report('steady load', $results, $pool, $elapsed);
$load->stopPools();

// Redis killed and restarted
[$pool, $port] = $load->pool();
$job = $load->job(['store' => 'psr16', 'breaker' => ['failures' => 3, 'seconds' => 1]]);
[$results, $elapsed] = $timed(static fn () => FpmLoad::drive($port, $job, $seconds,
    [$seconds / 3 => static fn () => $redis->stop(), 2 * $seconds / 3 => static fn () => $redis->start()]));
$report('Redis killed + restarted', $results, $pool, $elapsed);
$load->stopPools();

// config server killed (sdkKey mode)
[$pool, $port] = $load->pool();
$server = ConfigServer::launch("$dir/config");
$server->serve(Configs::split());
$job = $load->job(['mode' => 'sdkKey', 'sdkKey' => '100123/100456', 'configEndpoint' => $server->url(), 'refreshMs' => 1000, 'store' => 'none']);
[$results, $elapsed] = $timed(static fn () => FpmLoad::drive($port, $job, $seconds, [$seconds / 3 => static fn () => $server->stop()]));
$fetches = $server->fetchCount();
$server->destroy();
$report('config server killed', $results, $pool, $elapsed, "($fetches config fetches, all before the kill)");
$load->stopPools();

// two workers, the same 1,000 visitors at once
[$pool, $port] = $load->pool();
$job = $load->job(['store' => 'psr16']);
$params = ['RELIABILITY_JOB' => $job, 'VISITORS' => implode(',', array_map(static fn (int $i): string => "same-$i", range(1, 1000)))];
[$results, $elapsed] = $timed(static fn () => FastCgi::run($port, [['script' => FpmLoad::endpoint(), 'params' => $params], ['script' => FpmLoad::endpoint(), 'params' => $params]], 2, 60.0));
$same = count($results) === 2 && json_decode($results[0]['body'], true)['decisions'] === json_decode($results[1]['body'], true)['decisions'];
$failed = $failed || !$same;
$report('same 1,000 visitors x2', $results, $pool, $elapsed, $same ? '(identical)' : '(DIFFERENT)');
$load->stopPools();

// Redis hanging on connect, breaker on
$listener = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr, STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, stream_context_create(['socket' => ['backlog' => 0]]));
$address = stream_socket_get_name($listener, false);
$fillers = array_map(static fn () => @stream_socket_client("tcp://$address", $errno, $errstr, 0.2), range(1, 3));
[$pool, $port] = $load->pool();
$job = $load->job(['store' => 'psr16', 'redisPort' => (int) substr($address, strrpos($address, ':') + 1), 'redisTimeout' => 0.2,
    'breaker' => ['failures' => 3, 'seconds' => 30]]);
[$results, $elapsed] = $timed(static fn () => FastCgi::run($port, FpmLoad::jobs($job, 1000, 1, 'dead'), 2, 30.0));
$report('hanging Redis, 1,000 req', $results, $pool, $elapsed, sprintf('(%.1f s in all; 2 x 0.2 s per request without the breaker = %.0f s)', $elapsed, 1000 * 0.4 / 2));
$load->stopPools();
array_map(static fn ($f) => is_resource($f) && fclose($f), $fillers);
fclose($listener);

$redis->stop();
$sink->stop();
exec('rm -rf ' . escapeshellarg($dir));
exit($failed ? 1 : 0);
