<?php

namespace ConvertSdk\Tests\Tracking;

use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Support\CaptureServer;
use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * Delivery outcomes (spec §7.5) against the capture server: retries after 100 ms and 300 ms for
 * 5xx/3xx, none for 4xx, the batch dropped and a warning logged after the last failure, and a
 * release that never takes longer than the documented bound (2 s, sleeps included;
 * src/net/tracking_delivery.rs) when the endpoint is down or hangs. A release never throws.
 */
final class DeliveryTest extends TrackingTestCase
{
    /** Documented hard bound of one release, plus a margin for process scheduling. */
    private const BOUND = 2.0;
    private const MARGIN = 0.25;

    private RecordingLogger $logger;
    private EventLog $log;

    /** An SDK logging to $this->logger and recording api.queue.released, with one conversion queued. */
    private function queuedSdk(array $extra = []): CoreInterface
    {
        $this->logger = new RecordingLogger();
        $sdk = $this->sdk(['logger' => $this->logger->option()] + $extra);
        $this->log = new EventLog($sdk, ['api.queue.released']);
        $sdk->createContext('patient')->trackConversion('purchase');
        return $sdk;
    }

    /** Flushes and returns the seconds it took. */
    private static function timedFlush(CoreInterface $sdk): float
    {
        $start = microtime(true);
        $sdk->flush();
        return microtime(true) - $start;
    }

    /** The only api.queue.released event: [args, err]. */
    private function released(): array
    {
        $released = $this->log->of('api.queue.released');
        $this->assertCount(1, $released, 'one api.queue.released event');
        return $released[0];
    }

    /** Asserts the batch was dropped: a second flush sends nothing. */
    private function assertDropped(CoreInterface $sdk): void
    {
        $count = count(self::capture()->requests());
        $sdk->flush();
        $this->assertCount($count, self::capture()->requests(), 'the batch was dropped, not re-queued');
        $this->assertCount(1, $this->log->of('api.queue.released'));
    }

    /** Gaps between consecutive request arrivals, in seconds. */
    private static function gaps(array $requests): array
    {
        $gaps = [];
        for ($i = 1; $i < count($requests); $i++) {
            $gaps[] = $requests[$i]['time'] - $requests[$i - 1]['time'];
        }
        return $gaps;
    }

    /** @return array<string, array{0: string, 1: int}> */
    public function retriedThenDelivered(): array
    {
        return [
            '500 then 200' => ['500,200', 2],
            '503, 502 then 201' => ['503,502,201', 3],
            '302 (not followed) then 200' => ['302,200', 2],
        ];
    }

    /** @dataProvider retriedThenDelivered */
    public function testRetriedAndDelivered(string $plan, int $attempts): void
    {
        self::capture()->respond($plan);
        $sdk = $this->queuedSdk();
        self::timedFlush($sdk);

        $requests = self::capture()->requests();
        $this->assertCount($attempts, $requests, 'one request per attempt');
        $this->assertCount(1, array_unique(array_column($requests, 'body')), 'every attempt posts the same batch');
        $gaps = self::gaps($requests);
        $this->assertGreaterThanOrEqual(0.1, $gaps[0], 'sleeps 100 ms after the first failure');
        $this->assertLessThan(0.3, $gaps[0]);
        if ($attempts === 3) {
            $this->assertGreaterThanOrEqual(0.3, $gaps[1], 'sleeps 300 ms after the second failure');
        }
        [$args, $err] = $this->released();
        $this->assertNull($err);
        $this->assertSame(['reason', 'result', 'visitors'], array_keys($args));
        $this->assertSame((int) substr($plan, -3), $args['result']['status']);
        $this->assertSame([], $this->logger->messages('warning'), 'no warning for a delivered batch');
        $this->assertDropped($sdk); // delivered batches leave the queue as well
    }

    public function testClientErrorIsNotRetried(): void
    {
        self::capture()->respond('400,200');
        $sdk = $this->queuedSdk();
        $seconds = self::timedFlush($sdk);

        $this->assertCount(1, self::capture()->requests(), 'no retry on 4xx');
        $this->assertLessThan(0.1, $seconds, 'no retry sleep either');
        [$args, $err] = $this->released();
        $this->assertSame(['reason' => 'flush', 'error' => 'HTTP 400'], $args);
        $this->assertInstanceOf(\RuntimeException::class, $err);
        $this->assertSame('Tracking POST returned client error HTTP 400', $err->getMessage());
        $this->assertCount(1, $this->logger->messages('warning'), 'the dropped batch is logged');
        $this->assertDropped($sdk);
    }

    public function testPersistentServerErrorDropsTheBatchAfterThreeAttempts(): void
    {
        self::capture()->respond('500');
        $sdk = $this->queuedSdk();
        $seconds = self::timedFlush($sdk);

        $requests = self::capture()->requests();
        $this->assertCount(3, $requests, '1 + 2 retries');
        [$first, $second] = self::gaps($requests);
        $this->assertGreaterThanOrEqual(0.1, $first);
        $this->assertGreaterThanOrEqual(0.3, $second);
        $this->assertLessThan(self::BOUND + self::MARGIN, $seconds);
        [$args, $err] = $this->released();
        $this->assertSame(['reason' => 'flush', 'error' => 'HTTP 500'], $args);
        $this->assertNull($err, 'err is null when the last failure was an HTTP status');
        $this->assertCount(1, $this->logger->messages('warning'));
        $this->assertDropped($sdk);
    }

    public function testEndpointDownIsBoundedAndLogged(): void
    {
        $down = 'http://127.0.0.1:' . CaptureServer::freePort() . '/[project_id]';
        $sdk = $this->queuedSdk(['api' => ['endpoint' => ['track' => $down]]]);
        $seconds = self::timedFlush($sdk);

        $this->assertGreaterThanOrEqual(0.4, $seconds, 'three attempts with the 100 ms and 300 ms sleeps between them');
        $this->assertLessThan(self::BOUND + self::MARGIN, $seconds);
        [$args, $err] = $this->released();
        $this->assertSame(['reason', 'error'], array_keys($args));
        $this->assertInstanceOf(\RuntimeException::class, $err, 'the transport error');
        $this->assertSame($err->getMessage(), $args['error']);
        $this->assertCount(1, $this->logger->messages('warning'));
        $this->assertDropped($sdk);
    }

    public function testHangingEndpointIsBoundedAndLogged(): void
    {
        self::capture()->respond('hang');
        $sdk = $this->queuedSdk();
        $seconds = self::timedFlush($sdk);
        $requests = self::capture()->requests();
        self::capture()->respond('200'); // ends the hang

        $this->assertGreaterThanOrEqual(1, count($requests), 'the batch reached the hanging server');
        $this->assertLessThan(self::BOUND + self::MARGIN, $seconds, sprintf('release took %.3f s', $seconds));
        [$args, $err] = $this->released();
        $this->assertSame('flush', $args['reason']);
        $this->assertInstanceOf(\RuntimeException::class, $err);
        $this->assertCount(1, $this->logger->messages('warning'));
        $this->assertDropped($sdk);
    }
}
