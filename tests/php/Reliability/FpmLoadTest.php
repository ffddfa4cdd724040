<?php

namespace ConvertSdk\Tests\Reliability;

use ConvertSdk\Tests\Support\ConfigServer;
use ConvertSdk\Tests\Support\PhpFpmPool;
use ConvertSdk\Tests\Support\RedisServer;

/**
 * Load and faults through php-fpm (2 workers, real FastCGI) with Redis on loopback (issue 8): sustained
 * load with no failed request and no crashed worker; Redis killed and restarted during load; the config
 * server killed during load (sdkKey mode); two workers deciding the same visitors at once; a Redis that
 * hangs on connect costs about one timeout per breaker period, not one per request.
 * Short runs by default (a few seconds each); RELIABILITY_LONG=1 runs 30 s of load per scenario and
 * 1,000 requests against the hanging Redis. Every decision is checked against the hash of spec §4.1.
 */
final class FpmLoadTest extends ReliabilityTestCase
{
    /** Weights of the second config: most visitors of the first one would move. */
    private const REWEIGHTED = [5, 5, 90];

    private static ?RedisServer $redis = null;
    private static ?HttpServer $sink = null;
    private static ?FpmLoad $load = null;

    public static function setUpBeforeClass(): void
    {
        self::$redis = RedisServer::launch(self::classDir() . '/redis');
        self::$sink = HttpServer::launch(self::classDir() . '/sink');
        self::$load = new FpmLoad(self::classDir(), self::$redis->port(), self::$sink->url());
    }

    public static function tearDownAfterClass(): void
    {
        self::$redis?->stop();
        self::$sink?->stop();
        self::$redis = self::$sink = self::$load = null;
        self::removeClassDir();
    }

    protected function setUp(): void
    {
        parent::setUp();
        self::$redis->start(); // a failed test may have left it stopped
    }

    protected function tearDown(): void
    {
        self::$load->stopPools();
        parent::tearDown();
    }

    public function testSustainedLoadHasNoFailedRequestAndNoCrashedWorker(): void
    {
        [$pool, $port] = self::$load->pool();
        $job = self::$load->job(['store' => 'psr16']);
        $results = FpmLoad::drive($port, $job, self::long() ? 30.0 : 3.0);

        $this->assertGreaterThan(self::long() ? 1000 : 50, count($results), 'enough load was applied');
        $this->assertSame([], FpmLoad::failures($results, Configs::split()), 'failed requests');
        $this->assertNoWorkerCrashed($pool, $results);
    }

    public function testRedisKilledAndRestartedDuringLoad(): void
    {
        [$pool, $port] = self::$load->pool();
        $breaker = ['failures' => 3, 'seconds' => 1];
        $job = self::$load->job(['store' => 'psr16', 'breaker' => $breaker]);
        $seconds = self::long() ? 30.0 : 3.0;
        $events = [];
        $schedule = [
            $seconds / 3 => static function () use (&$events): void {
                self::$redis->stop();
                $events[] = 'stopped';
            },
            2 * $seconds / 3 => static function () use (&$events): void {
                self::$redis->start();
                $events[] = 'restarted';
            },
        ];
        $results = FpmLoad::drive($port, $job, $seconds, $schedule);

        $this->assertSame(['stopped', 'restarted'], $events);
        $this->assertSame([], FpmLoad::failures($results, Configs::split()), 'failed requests (decisions checked against the hash)');
        $this->assertNotEmpty(FpmLoad::errors($results), 'the outage was seen and logged');
        $this->assertNoWorkerCrashed($pool, $results);

        // After the restart (and one breaker period) decisions are persisted again: visitors bucketed
        // now keep their variation when a reweighted config would move them.
        usleep(1_200_000);
        $movers = $this->visitorsMovedByReweighting(20);
        $first = $this->decide($port, $job, $movers);
        $reweighted = self::$load->job(['store' => 'psr16', 'breaker' => $breaker, 'namespace' => $this->namespaceOf($job)], Configs::split(self::REWEIGHTED));
        $this->assertSame($first, $this->decide($port, $reweighted, $movers), 'sticky after the restart');
        foreach ($movers as $id) {
            $this->assertSame(Configs::expectedSplit($id), $first[$id]);
        }
    }

    public function testConfigServerKilledDuringLoadInSdkKeyMode(): void
    {
        [$pool, $port] = self::$load->pool();
        $server = ConfigServer::launch(self::classDir() . '/config-' . bin2hex(random_bytes(3)));
        $server->serve(Configs::split());
        $job = self::$load->job(['mode' => 'sdkKey', 'sdkKey' => '100123/100456', 'configEndpoint' => $server->url(),
            'refreshMs' => 1000, 'store' => 'none']);
        $seconds = self::long() ? 30.0 : 3.0;
        try {
            $results = FpmLoad::drive($port, $job, $seconds, [$seconds / 3 => static fn () => $server->stop()]);
        } finally {
            $server->destroy();
        }

        $this->assertSame([], FpmLoad::failures($results, Configs::split()), 'failed requests');
        $this->assertNoWorkerCrashed($pool, $results);
        $late = array_filter($results, static fn (array $r): bool => ($r['finishedAt'] ?? 0) > $seconds / 3 + 1.2);
        $this->assertNotEmpty($late, 'requests ran after the config TTL expired with the server gone');
    }

    public function testTwoWorkersDecidingTheSameThousandVisitorsAgree(): void
    {
        [$pool, $port] = self::$load->pool();
        $job = self::$load->job(['store' => 'psr16']);
        $visitors = array_map(static fn (int $i): string => "same-$i", range(1, 1000));
        $params = ['RELIABILITY_JOB' => $job, 'VISITORS' => implode(',', $visitors)];
        for ($attempt = 0; $attempt < 3; $attempt++) {
            $pair = FastCgi::run($port, [['script' => FpmLoad::endpoint(), 'params' => $params], ['script' => FpmLoad::endpoint(), 'params' => $params]], 2, 60.0);
            [$a, $b] = array_map(fn (array $r): array => $this->decodeOk($r), $pair);
            if ($a['pid'] !== $b['pid']) {
                break; // both workers took part
            }
        }
        $this->assertNotSame($a['pid'], $b['pid'], 'the two requests ran in two different workers');
        $this->assertSame($a['decisions'], $b['decisions']);
        $expected = array_combine($visitors, array_map(static fn (string $v): ?string => Configs::expectedSplit($v), $visitors));
        $this->assertSame($expected, $a['decisions']);
        $this->assertSame([], array_merge($a['errors'], $b['errors']));
    }

    public static function stores(): array
    {
        return [
            'user dataStore over phpredis (throws)' => ['phpredis'],
            'Symfony Psr16Cache over RedisAdapter (get() swallows errors, set() returns false)' => ['psr16'],
        ];
    }

    /** @dataProvider stores */
    public function testHangingRedisCostsAboutOneTimeoutPerBreakerPeriod(string $store): void
    {
        [$listener, $fillers, $redisPort] = self::hangingPort();
        $timeout = 0.2;
        try {
            // Control: without the breaker every request waits for its get() and set() connects.
            [, $port] = self::$load->pool();
            $off = self::$load->job(['store' => $store, 'redisPort' => $redisPort, 'redisTimeout' => $timeout, 'breaker' => ['failures' => 0]]);
            $control = FastCgi::run($port, FpmLoad::jobs($off, 4, 1, 'control'), 2, 30.0);
            foreach ($control as $r) {
                $this->assertGreaterThanOrEqual(2 * $timeout * 0.9, $this->decodeOk($r)['seconds'], 'each request waited for two connect timeouts');
            }

            [$pool, $port] = self::$load->pool(); // fresh workers: no breaker state yet
            $requests = self::long() ? 1000 : 60;
            $on = self::$load->job(['store' => $store, 'redisPort' => $redisPort, 'redisTimeout' => $timeout, 'breaker' => ['failures' => 3, 'seconds' => 30]]);
            $start = microtime(true);
            $results = FastCgi::run($port, FpmLoad::jobs($on, $requests, 1, 'dead'), 2, 30.0);
            $elapsed = microtime(true) - $start;
        } finally {
            array_map('fclose', $fillers);
            fclose($listener);
        }

        $this->assertSame([], FpmLoad::failures($results, Configs::split()), 'every request still decided');
        $workers = count(array_unique(array_column(array_map(fn (array $r): array => $this->decodeOk($r), $results), 'pid')));
        $errors = array_merge(...array_map(fn (array $r): array => $this->decodeOk($r)['errors'], $results));
        $opened = array_filter($errors, static fn (string $e): bool => str_contains($e, 'times in a row'));
        $failed = array_filter($errors, static fn (string $e): bool => !str_contains($e, 'times in a row'));
        $this->assertCount($workers, $opened, 'the breaker opened once per worker, logged once');
        $this->assertLessThanOrEqual(3 * $workers, count($failed), 'store failures stop at the threshold: ' . implode("\n", $failed));
        $this->assertLessThan(3 * $workers * $timeout + 0.02 * $requests + 2.0, $elapsed,
            sprintf('%d requests took %.1f s; one timeout each would be %.0f s', $requests, $elapsed, $requests * 2 * $timeout));
        $this->assertNoWorkerCrashed($pool, $results);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private function namespaceOf(string $job): string
    {
        return json_decode((string) file_get_contents($job), true)['namespace'];
    }

    /** Decisions of one request for $visitors. */
    private function decide(int $port, string $job, array $visitors): array
    {
        $r = FastCgi::request($port, FpmLoad::endpoint(), ['RELIABILITY_JOB' => $job, 'VISITORS' => implode(',', $visitors)]);
        return $this->decodeOk($r)['decisions'];
    }

    /** The decoded body of a successful response (fails the test otherwise). */
    private function decodeOk(array $r): array
    {
        $this->assertNull($r['error'], 'transport: ' . $r['error']);
        $this->assertSame(200, $r['status'], $r['body'] . $r['stderr']);
        $decoded = json_decode($r['body'], true);
        $this->assertIsArray($decoded, "not JSON: {$r['body']} {$r['stderr']}");
        return $decoded;
    }

    /** No worker died: at most the 2 original worker pids answered and the master logged no abnormal exit. */
    private function assertNoWorkerCrashed(PhpFpmPool $pool, array $results): void
    {
        $this->assertLessThanOrEqual(2, count(FpmLoad::pids($results)), 'a worker was replaced: ' . implode(',', FpmLoad::pids($results)));
        $this->assertSame([], array_values(self::$load->crashLines($pool)));
    }

    /** $count visitor ids whose variation under REWEIGHTED differs from the one under the default weights. */
    private function visitorsMovedByReweighting(int $count): array
    {
        $ids = [];
        for ($i = 0; count($ids) < $count; $i++) {
            $id = 'after-restart-' . $i;
            if (Configs::expectedSplit($id) !== Configs::expectedSplit($id, self::REWEIGHTED)) {
                $ids[] = $id;
            }
        }
        return $ids;
    }

    /**
     * A loopback port where connecting hangs: a listener with backlog 0 that never accepts, its queue
     * filled, so the kernel ignores further SYNs. Returns [listener, fillers, port].
     */
    private static function hangingPort(): array
    {
        $context = stream_context_create(['socket' => ['backlog' => 0]]);
        $listener = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr, STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, $context);
        $address = stream_socket_get_name($listener, false);
        $fillers = [];
        for ($i = 0; $i < 3; $i++) {
            $filler = @stream_socket_client("tcp://$address", $errno, $errstr, 0.2);
            if ($filler !== false) {
                $fillers[] = $filler;
            }
        }
        return [$listener, $fillers, (int) substr($address, strrpos($address, ':') + 1)];
    }
}
