<?php

use ConvertSdk\Exception\ConfigFetchException;
use ConvertSdk\Tests\RemoteConfig\ConfigServerTestCase;
use ConvertSdk\Tests\RemoteConfig\RemoteConfigs;
use ConvertSdk\Tests\Support\HttpSink;
use ConvertSdk\Tests\Support\PhpFpmPool;
use ConvertSdk\Tests\Support\RedisServer;
use Symfony\Component\Cache\Adapter\RedisAdapter;
use Symfony\Component\Cache\Psr16Cache;

/**
 * The config cache across real requests (issue 4 "How it must be shown"): php-fpm with 2 static
 * workers running www/sdk.php against the test config server, optionally with a Symfony Psr16Cache over
 * Redis. Fetches are counted by the server; every response says which worker answered, whether the SDK
 * was ready, which variation it decided and how often `config.updated` fired.
 */
final class FpmConfigCacheTest extends ConfigServerTestCase
{
    private const SCRIPT = __DIR__ . '/www/sdk.php';
    private const WORKERS = 2;
    /** dataRefreshInterval of the refresh tests: TTL 2 s (room for a phase of requests on a busy machine). */
    private const SHORT_INTERVAL_MS = 2000;

    private string $dir;
    /** @var list<PhpFpmPool> */
    private array $pools = [];
    private ?RedisServer $redis = null;

    protected function setUp(): void
    {
        parent::setUp();
        $this->dir = sys_get_temp_dir() . '/convert-sdk-fpm-' . getmypid() . '-' . substr($this->prefix, 2);
    }

    protected function tearDown(): void
    {
        parent::tearDown(); // ends hanging requests
        foreach ($this->pools as $pool) {
            $pool->stop();
        }
        $this->redis?->stop();
        self::$server->start();
        exec('rm -rf ' . escapeshellarg($this->dir));
    }

    /** A fresh pool of 2 static workers. */
    private function startPool(): PhpFpmPool
    {
        $pool = PhpFpmPool::launch($this->dir . '/pool' . count($this->pools), ['igbinary', 'redis'], self::WORKERS);
        $this->pools[] = $pool;
        return $pool;
    }

    /**
     * $count sequential requests (php-fpm hands them to its workers in turn); each decoded response
     * gets `seconds`, the wall time of the whole FastCGI request.
     */
    private function requests(PhpFpmPool $pool, int $count, int $intervalMs, array $params = []): array
    {
        $params += [
            'RC_ENDPOINT' => $this->endpoint,
            'RC_SDK_KEY' => self::SDK_KEY,
            'RC_INTERVAL' => (string) $intervalMs,
            'RC_TRACK' => HttpSink::url() . '/track-sink',
        ];
        $responses = [];
        for ($i = 0; $i < $count; $i++) {
            $started = hrtime(true);
            $response = json_decode($pool->request(self::SCRIPT, $params), true, 512, JSON_THROW_ON_ERROR);
            $response['seconds'] = (hrtime(true) - $started) / 1e9;
            $responses[] = $response;
        }
        return $responses;
    }

    private static function pids(array $responses): array
    {
        return array_values(array_unique(array_column($responses, 'pid')));
    }

    /** Every response came from a ready SDK that decided $variation. */
    private function assertAllDecided(string $variation, array $responses): void
    {
        foreach ($responses as $i => $response) {
            $this->assertTrue($response['ready'], "response $i ready; ready errors: " . json_encode($response['readyErrors']));
            $this->assertSame([null], $response['readyErrors'], "response $i ready error");
            $this->assertSame($variation, $response['variation'], "response $i variation");
            $this->assertSame(RemoteConfigs::changesOf($variation), $response['changes'], "response $i changes");
        }
    }

    /** Runs $fn, failing when it took longer than the 2 s TTL (its counts would then be meaningless). */
    private function withinOneTtl(callable $fn): array
    {
        $started = microtime(true);
        $result = $fn();
        $this->assertLessThan(1.8, microtime(true) - $started, 'this phase must fit in one TTL');
        return $result;
    }

    /** Sleeps until the TTL of entries written before has passed. */
    private static function waitPastTtl(): void
    {
        usleep(2_150_000);
    }

    public function testHundredRequestsFetchOncePerWorker(): void
    {
        $pool = $this->startPool();
        $responses = $this->requests($pool, 100, 300000);

        $this->assertAllDecided('v1', $responses);
        $this->assertCount(self::WORKERS, self::pids($responses), 'both workers served');
        $this->assertSame(self::WORKERS, $this->fetches(), 'one fetch per worker for 100 requests');
    }

    public function testWarmRedisCacheMeansZeroFetchesFromAFreshPool(): void
    {
        $this->redis = RedisServer::launch($this->dir . '/redis');
        $redisParams = ['RC_REDIS' => $this->redis->dsn()];

        $warm = $this->requests($this->startPool(), 10, 60000, $redisParams);
        $this->assertAllDecided('v1', $warm);
        $this->assertCount(self::WORKERS, self::pids($warm));
        $this->assertSame(1, $this->fetches(), 'the second worker found the config in Redis');

        $key = 'convert_sdk.config.' . substr(hash('sha256', '100123/100456'), 0, 16);
        $psr16 = new Psr16Cache(new RedisAdapter(RedisAdapter::createConnection($this->redis->dsn())));
        $this->assertEquals(RemoteConfigs::withVariation('v1'), $psr16->get($key), 'the config array is in Redis under the §3.2 key');
        $redis = new \Redis();
        $redis->connect('127.0.0.1', $this->redis->port());
        $ttls = array_map(static fn (string $k): int => $redis->ttl($k), $redis->keys('*convert_sdk.config.*'));
        $this->assertCount(1, $ttls);
        $this->assertGreaterThan(0, $ttls[0]);
        $this->assertLessThanOrEqual(60, $ttls[0], 'TTL = dataRefreshInterval 60000 ms = 60 s');
        $redis->close();

        $this->pools[0]->stop();
        self::$server->serve(RemoteConfigs::withVariation('v2')); // what a fetch would now return
        $fresh = $this->requests($this->startPool(), 20, 60000, $redisParams);

        $this->assertCount(self::WORKERS, self::pids($fresh));
        $this->assertEmpty(array_intersect(self::pids($fresh), self::pids($warm)), 'new worker processes');
        $this->assertAllDecided('v1', $fresh);
        $this->assertSame(1, $this->fetches(), 'zero fetches from the fresh pool');
    }

    public function testExactlyOneRefetchPerWorkerAfterTheTtl(): void
    {
        $pool = $this->startPool();
        $first = $this->withinOneTtl(fn (): array => $this->requests($pool, 20, self::SHORT_INTERVAL_MS));
        $this->assertSame(self::WORKERS, $this->fetches());

        self::waitPastTtl();
        $second = $this->withinOneTtl(fn (): array => $this->requests($pool, 20, self::SHORT_INTERVAL_MS));

        $this->assertAllDecided('v1', [...$first, ...$second]);
        $this->assertCount(self::WORKERS, self::pids($second));
        $this->assertSame(2 * self::WORKERS, $this->fetches(), 'exactly one refetch per worker');
    }

    public function testServerDownAfterWarmUpStillDecidesWithTheStaleConfig(): void
    {
        $pool = $this->startPool();
        $this->assertAllDecided('v1', $this->requests($pool, 4, self::SHORT_INTERVAL_MS));
        self::$server->stop();
        self::waitPastTtl();

        $responses = $this->withinOneTtl(fn (): array => $this->requests($pool, 12, self::SHORT_INTERVAL_MS));
        $this->assertAllDecided('v1', $responses);
        $this->assertCount(self::WORKERS, self::pids($responses));
        $warned = array_filter($responses, static fn (array $r): bool => in_array('warning', array_column($r['logs'], 0), true));
        $this->assertCount(self::WORKERS, $warned, 'each worker logs the failed refresh once (next retry after another interval)');
    }

    public function testChangedConfigIsPickedUpAfterTheTtlAndFiresConfigUpdated(): void
    {
        $pool = $this->startPool();
        [$before, $withinTtl] = $this->withinOneTtl(function () use ($pool): array {
            $before = $this->requests($pool, 4, self::SHORT_INTERVAL_MS);
            self::$server->serve(RemoteConfigs::withVariation('v2'));
            return [$before, $this->requests($pool, 4, self::SHORT_INTERVAL_MS)];
        });
        $this->assertAllDecided('v1', [...$before, ...$withinTtl]);

        self::waitPastTtl();
        $after = $this->requests($pool, 10, self::SHORT_INTERVAL_MS);

        $this->assertAllDecided('v2', $after);
        $this->assertSame([0], array_values(array_unique(array_column([...$before, ...$withinTtl], 'updated'))));
        $updatesPerPid = [];
        foreach ($after as $response) {
            $updatesPerPid[$response['pid']][] = $response['updated'];
        }
        $this->assertCount(self::WORKERS, $updatesPerPid);
        foreach ($updatesPerPid as $pid => $updates) {
            $this->assertSame(1, $updates[0], "worker $pid: config.updated on the request that installed v2");
            $this->assertSame(0, array_sum(array_slice($updates, 1)), "worker $pid: not again");
        }
        $this->assertSame(2 * self::WORKERS, $this->fetches());
    }

    public function testHangingServerHoldsARequestAtMostTheTimeout(): void
    {
        // 500 ms: two waits (one per worker) plus six quick requests fit in the 2 s TTL with room for a
        // loaded machine.
        $timeout = ['RC_TIMEOUT' => '500', 'RC_CONNECT_TIMEOUT' => '300'];
        $pool = $this->startPool();
        $this->assertAllDecided('v1', $this->requests($pool, 2, self::SHORT_INTERVAL_MS)); // default timeouts
        self::$server->setMode('hang');
        self::waitPastTtl();

        $responses = $this->withinOneTtl(fn (): array => $this->requests($pool, 8, self::SHORT_INTERVAL_MS, $timeout));

        $this->assertAllDecided('v1', $responses);
        $seconds = array_column($responses, 'seconds');
        $this->assertLessThan(0.5 + 0.5, max($seconds), 'network.timeout = 500 ms bounds every request');
        $slow = array_filter($seconds, static fn (float $s): bool => $s >= 0.45);
        $this->assertCount(self::WORKERS, $slow, 'one refresh attempt per worker waited for the timeout; the others did not wait');
        $this->assertSame(2 * self::WORKERS, $this->fetches(), 'warm-up fetches plus one attempt per worker');
    }

    public function testColdWorkerWithHangingServerAnswersWithinTheTimeoutWithoutAConfig(): void
    {
        self::$server->setMode('hang');
        [$response] = $this->requests($this->startPool(), 1, self::SHORT_INTERVAL_MS, ['RC_TIMEOUT' => '700']);

        $this->assertGreaterThanOrEqual(0.65, $response['seconds']);
        $this->assertLessThan(0.7 + 0.5, $response['seconds']);
        $this->assertFalse($response['ready']);
        $this->assertTrue($response['contextIsNull']);
        $this->assertCount(1, $response['readyErrors']);
        $error = $response['readyErrors'][0];
        $this->assertSame(ConfigFetchException::class, $error['class']);
        $this->assertSame($this->endpoint, $error['url']);
        $this->assertSame(0, $error['statusCode']);
        $this->assertStringStartsWith("Failed to fetch config from {$this->endpoint}/config/100123/100456: HTTP error - ", $error['message']);
    }
}
