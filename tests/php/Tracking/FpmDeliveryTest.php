<?php

namespace ConvertSdk\Tests\Tracking;

use ConvertSdk\Tests\Support\PhpFpmPool;
use ConvertSdk\Tests\Support\RedisServer;

/**
 * Tracking through real php-fpm requests (FastCGI via cgi-fcgi, www/job.php): the response reaches
 * the client before the events are posted (shutdown release after fastcgi_finish_request, spec
 * §1.2 step 5, §7.4), a hanging endpoint holds the worker no longer than the documented bound, and a
 * conversion tracked in a later request carries the variation stored by an earlier one (Redis).
 */
final class FpmDeliveryTest extends TrackingTestCase
{
    private const BOUND = 2.0;
    private const MARGIN = 0.25;

    /** @var list<PhpFpmPool> */
    private array $pools = [];
    private ?RedisServer $redis = null;

    protected function tearDown(): void
    {
        foreach ($this->pools as $pool) {
            $pool->stop();
        }
        $this->pools = [];
        $this->redis?->stop();
        $this->redis = null;
        parent::tearDown();
    }

    private function pool(int $children, array $extensions = []): PhpFpmPool
    {
        return $this->pools[] = PhpFpmPool::launch($this->dir() . '/fpm-' . count($this->pools), $extensions, $children);
    }

    /**
     * Sends $job to www/job.php; returns `[summary, seconds until the response arrived, time it
     * arrived, result file]`.
     */
    private function request(PhpFpmPool $pool, array $job): array
    {
        static $n = 0;
        $job['resultFile'] = $this->dir() . '/fpm-result-' . ++$n . '.json';
        $jobFile = $this->dir() . "/fpm-job-$n.json";
        file_put_contents($jobFile, json_encode($job, JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION));
        $start = microtime(true);
        $body = $pool->request(__DIR__ . '/www/job.php', ['CONVERT_TEST_JOB' => $jobFile]);
        $arrived = microtime(true);
        $summary = json_decode($body, true);
        $this->assertIsArray($summary, "response body: $body");
        return [$summary, $arrived - $start, $arrived, $job['resultFile']];
    }

    /** The job's result, once its request has finished (shutdown release included). */
    private function result(string $file, float $timeout = 5.0): array
    {
        $deadline = microtime(true) + $timeout;
        while (!is_file($file) && microtime(true) < $deadline) {
            usleep(10000);
        }
        $this->assertFileExists($file, 'the request finished');
        return json_decode(file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
    }

    public function testResponseReachesTheClientBeforeTheEventsArePosted(): void
    {
        $pool = $this->pool(2);
        $delay = 0.7; // the capture server answers the POST after 700 ms (below the 1 s per-attempt timeout)
        self::capture()->respond('200@700');

        [$summary, $seconds, $arrived, $resultFile] = $this->request($pool, self::job([
            ['op' => 'context', 'visitor' => 'alice', 'attributes' => ['country' => 'DE'] + self::PREMIUM],
            ['op' => 'run', 'visitor' => 'alice', 'experience' => 'checkout-redesign', 'location' => self::CHECKOUT],
            ['op' => 'convert', 'visitor' => 'alice', 'goal' => 'purchase'],
        ]));
        $result = $this->result($resultFile);
        $post = self::capture()->waitForRequests(1)[0];

        $this->assertLessThan($delay, $seconds, sprintf('response after %.3f s: it did not wait for the tracking POST', $seconds));
        $this->assertGreaterThanOrEqual($summary['end'], $post['time'], 'posted after the script body ended');
        $this->assertLessThan($post['time'] + $delay, $arrived, 'the client had the response before the POST was answered');
        $this->assertGreaterThanOrEqual($delay, $result['done'] - $result['end'], 'the worker waited for the POST after responding');
        $this->assertCount(1, $result['released']);
        [$args, $err] = $result['released'][0];
        $this->assertNull($err);
        $this->assertSame('shutdown', $args['reason']);
        $this->assertSame(200, $args['result']['status']);
        $this->assertSame(['bucketing', 'conversion'], array_column($this->postedEvents('alice'), 'eventType'));
        $this->assertSame($summary['results'][1], self::body($post)['visitors'][0]['events'][0]['data']['variationId']);
    }

    public function testHangingEndpointHoldsTheWorkerNoLongerThanTheBound(): void
    {
        $pool = $this->pool(1); // one worker: the next request waits until the shutdown release is over
        self::capture()->respond('hang');
        try {
            [, $seconds, $arrived, $resultFile] = $this->request($pool, self::job([['op' => 'convert', 'visitor' => 'stuck', 'goal' => 'purchase']]));
            [, , $nextArrived] = $this->request($pool, self::job([]));
            $result = $this->result($resultFile);
            $posts = self::capture()->requests();
        } finally {
            self::capture()->respond('200'); // ends the hang
        }

        $this->assertLessThan(0.5, $seconds, 'the visitor did not wait for the hanging endpoint');
        $this->assertGreaterThanOrEqual(1, count($posts), 'the batch reached the hanging server');
        $release = $result['done'] - $result['end'];
        $this->assertLessThan(self::BOUND + self::MARGIN, $release, sprintf('release took %.3f s', $release));
        $this->assertLessThan(self::BOUND + 2 * self::MARGIN, $nextArrived - $arrived, 'the worker served the next request in time');
        $this->assertSame('shutdown', $result['released'][0][0]['reason']);
        $this->assertSame(\RuntimeException::class, $result['released'][0][1][0]);
        $warnings = array_filter($result['logs'], static fn (array $r): bool => $r[0] === 'warning');
        $this->assertCount(1, $warnings, 'the dropped batch is logged');
    }

    public function testConversionInALaterRequestCarriesTheStoredVariation(): void
    {
        $this->redis = RedisServer::launch($this->dir() . '/redis');
        $pool = $this->pool(2, ['igbinary', 'redis']);
        $store = ['redis' => ['dsn' => $this->redis->dsn(), 'namespace' => 'tracking-' . bin2hex(random_bytes(4))]];
        $visit = ['op' => 'run', 'visitor' => 'carol', 'experience' => 'checkout-redesign', 'location' => self::CHECKOUT, 'properties' => self::PREMIUM];

        // Request 1: carol is bucketed (report segments stored with the context) and the decision tracked.
        [$first, , , $file] = $this->request($pool, self::job([
            ['op' => 'context', 'visitor' => 'carol', 'attributes' => ['country' => 'NL', 'browser' => 'FF']],
            $visit,
        ]) + $store);
        $this->result($file);
        $variation = $first['results'][1];
        $this->assertNotNull($variation);
        $this->assertSame([['eventType' => 'bucketing', 'data' => ['experienceId' => '1001', 'variationId' => $variation]]], $this->postedEvents('carol'));

        // Request 2: the stored decision is served again; nothing new to track.
        self::capture()->respond('200');
        [$second, , , $file] = $this->request($pool, self::job([$visit]) + $store);
        $this->assertSame([], $this->result($file)['released'], 'no release: nothing queued');
        $this->assertSame($variation, $second['results'][0]);
        $this->assertSame([], self::capture()->requests());

        // Request 3: only a conversion; its bucketingData comes from what request 1 stored in Redis.
        [, , , $file] = $this->request($pool, self::job([
            ['op' => 'convert', 'visitor' => 'carol', 'goal' => 'purchase', 'conversionData' => [['key' => 'amount', 'value' => 19.5]]],
        ]) + $store);
        $this->result($file);
        $bucketingData = ['1001' => $variation];
        $request = $this->onePost();
        $this->assertSame([
            ['eventType' => 'conversion', 'data' => ['goalId' => '5001', 'bucketingData' => $bucketingData]],
            ['eventType' => 'conversion', 'data' => ['goalId' => '5001', 'goalData' => [['key' => 'amount', 'value' => 19.5]], 'bucketingData' => $bucketingData]],
        ], self::body($request)['visitors'][0]['events']);
        $this->assertSame(['browser' => 'FF', 'country' => 'NL'], self::body($request)['visitors'][0]['segments']);
        $this->assertTrue(self::body($request)['enrichData'], 'a PSR-16 cache is not a dataStore');
    }
}
