<?php

namespace ConvertSdk\Tests\Tracking;

use ConvertSdk\Cache\ArrayCache;
use ConvertSdk\DTO\ConversionAttributes;
use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\ConfigServer;
use ConvertSdk\Tests\Support\Fixtures;
use OpenAPI\Client\BucketingAttributes;

/**
 * The queue and its release triggers (spec §7.1, §7.3, §7.4): batch size counted in distinct
 * visitors, `network.tracking = false`, flush(), releaseQueues(), the shutdown release (in a CLI
 * subprocess), the request URL, headers and body members, and the `api.queue.released` payload.
 */
final class QueueReleaseTest extends TrackingTestCase
{
    /** Reasons of the recorded api.queue.released events. */
    private static function reasons(EventLog $log): array
    {
        return array_map(static fn (array $pair): ?string => $pair[0]['reason'], $log->of('api.queue.released'));
    }

    /** Visitor ids of a request body, in order. */
    private static function visitorIds(array $request): array
    {
        return array_column(self::body($request)['visitors'], 'visitorId');
    }

    public function testBatchSizeCountsDistinctVisitors(): void
    {
        $sdk = $this->sdk(['events' => ['batch_size' => 3]]);
        $log = new EventLog($sdk, ['api.queue.released']);
        $anna = $sdk->createContext('anna');
        $ben = $sdk->createContext('ben');

        $anna->trackConversion('purchase');
        $anna->trackConversion('add-to-cart');
        $ben->trackConversion('purchase');
        $anna->trackConversion('purchase', new ConversionAttributes(conversionData: [], conversionSetting: ['forceMultipleTransactions' => true]));
        $this->assertSame([], self::capture()->requests(), '4 events of 2 visitors: below the batch size');

        $sdk->createContext('carl')->trackConversion('purchase');
        $request = $this->onePost();
        $this->assertSame(['anna', 'ben', 'carl'], self::visitorIds($request), 'released by the third distinct visitor');
        $this->assertCount(3, self::body($request)['visitors'][0]['events'], "anna's events in one entry");
        $this->assertSame(['size'], self::reasons($log));

        $sdk->flush();
        $this->assertCount(1, self::capture()->requests(), 'the queue was emptied by the size release');
        $this->assertSame(['size'], self::reasons($log), 'no event for an empty queue');
    }

    public function testBatchSizeReleaseWithBucketingEvents(): void
    {
        $sdk = $this->sdk(['events' => ['batch_size' => 2]]);
        $attributes = new BucketingAttributes(['locationProperties' => self::CHECKOUT, 'visitorProperties' => self::PREMIUM]);
        $first = $sdk->createContext('first')->runExperience('checkout-redesign', $attributes);
        $this->assertSame([], self::capture()->requests());
        $second = $sdk->createContext('second')->runExperience('checkout-redesign', $attributes);

        $visitors = self::body($this->onePost())['visitors'];
        $this->assertSame([
            ['visitorId' => 'first', 'events' => [['eventType' => 'bucketing', 'data' => ['experienceId' => '1001', 'variationId' => $first->variationId]]]],
            ['visitorId' => 'second', 'events' => [['eventType' => 'bucketing', 'data' => ['experienceId' => '1001', 'variationId' => $second->variationId]]]],
        ], $visitors);
    }

    public function testTrackingFalseDisablesOnlyTheSizeRelease(): void
    {
        $sdk = $this->sdk(['network' => ['tracking' => false], 'events' => ['batch_size' => 2]]);
        $log = new EventLog($sdk, ['api.queue.released']);
        foreach (['v1', 'v2', 'v3'] as $id) {
            $sdk->createContext($id)->trackConversion('purchase');
        }
        $this->assertSame([], self::capture()->requests(), 'no size release');

        $sdk->flush();
        $this->assertSame(['v1', 'v2', 'v3'], self::visitorIds($this->onePost()));
        $this->assertSame(['flush'], self::reasons($log));
    }

    public function testTrackingFalseStillReleasesAtShutdown(): void
    {
        $job = self::job([
            ['op' => 'convert', 'visitor' => 'late-1', 'goal' => 'purchase'],
            ['op' => 'convert', 'visitor' => 'late-2', 'goal' => 'purchase'],
        ], ['network' => ['tracking' => false], 'events' => ['batch_size' => 1]]);
        [$summary, $result] = $this->runCli($job);

        $this->assertSame([null, null], $summary['results']);
        $this->assertSame(['late-1', 'late-2'], self::visitorIds($this->onePost()));
        $this->assertSame(['shutdown'], array_map(static fn (array $r): ?string => $r[0]['reason'], $result['released']));
        $this->assertNull($result['released'][0][1]);
    }

    public function testFlushLeavesNothingForTheShutdownRelease(): void
    {
        $job = self::job([
            ['op' => 'context', 'visitor' => 'alice', 'attributes' => ['country' => 'DE'] + self::PREMIUM],
            ['op' => 'run', 'visitor' => 'alice', 'experience' => 'checkout-redesign', 'location' => self::CHECKOUT],
            ['op' => 'convert', 'visitor' => 'alice', 'goal' => 'purchase', 'conversionData' => [['key' => 'amount', 'value' => 5]]],
            ['op' => 'flush'],
        ]);
        [$summary, $result] = $this->runCli($job);

        $this->assertNotNull($summary['results'][1], 'alice was bucketed');
        $events = $this->postedEvents('alice');
        $this->assertSame(['bucketing', 'conversion', 'conversion'], array_column($events, 'eventType'));
        $this->assertSame(['flush'], array_map(static fn (array $r): ?string => $r[0]['reason'], $result['released']), 'nothing released at shutdown');
    }

    public function testShutdownReleaseSendsWhatIsQueued(): void
    {
        [, $result] = $this->runCli(self::job([['op' => 'convert', 'visitor' => 'quitter', 'goal' => 'purchase']]));

        $this->assertSame([['eventType' => 'conversion', 'data' => ['goalId' => '5001']]], $this->postedEvents('quitter'));
        $this->assertSame('shutdown', $result['released'][0][0]['reason']);
    }

    public function testReleaseQueuesUsesTheGivenReason(): void
    {
        $sdk = $this->sdk();
        $log = new EventLog($sdk, ['api.queue.released']);
        $context = $sdk->createContext('releaser');
        $context->releaseQueues('nothing-queued');
        $this->assertSame([], self::capture()->requests(), 'empty queue: no request');
        $this->assertSame([], self::reasons($log), 'empty queue: no event');

        $context->trackConversion('purchase');
        $context->releaseQueues('checkout-done');
        $this->assertCount(1, self::capture()->requests());
        $sdk->createContext('other')->trackConversion('purchase');
        $context->releaseQueues();
        $this->assertCount(2, self::capture()->waitForRequests(2));
        $this->assertSame(['checkout-done', null], self::reasons($log));
        $this->assertSame(['other'], self::visitorIds(self::capture()->requests()[1]), 'the whole queue, not only this visitor');
    }

    public function testSegmentsAreFixedByTheVisitorsFirstQueuedEvent(): void
    {
        $sdk = $this->sdk();
        $context = $sdk->createContext('mover', ['country' => 'DE', 'visitor_type' => 'new']);
        $context->trackConversion('purchase');
        $context->setDefaultSegments(['country' => 'FR']);
        $context->trackConversion('add-to-cart');
        $sdk->flush();
        $this->assertSame(['visitorType' => 'new', 'country' => 'DE'], self::body($this->onePost())['visitors'][0]['segments']);

        self::capture()->respond('200');
        $context->trackConversion('purchase', new ConversionAttributes(conversionData: [], conversionSetting: ['forceMultipleTransactions' => true]));
        $sdk->flush();
        $this->assertSame(['visitorType' => 'new', 'country' => 'FR'], self::body($this->onePost())['visitors'][0]['segments'], 'next batch: current segments');
    }

    public function testReleasedEventCarriesTheResponse(): void
    {
        $sdk = $this->sdk();
        $log = new EventLog($sdk, ['api.queue.released']);
        $sdk->createContext('reader')->trackConversion('purchase');
        $sdk->flush();

        [[$args, $err]] = $log->of('api.queue.released');
        $this->assertNull($err);
        $this->assertSame(['reason', 'result', 'visitors'], array_keys($args));
        $this->assertSame(['data', 'status', 'statusText', 'headers'], array_keys($args['result']));
        $this->assertSame(['seq' => 0, 'status' => 200], $args['result']['data'], 'decoded response body');
        $this->assertSame(200, $args['result']['status']);
        $this->assertSame('OK', $args['result']['statusText']);
        $this->assertSame('0', array_change_key_case($args['result']['headers'])['x-capture-seq'] ?? null);
        $this->assertSame(self::body($this->onePost())['visitors'], $args['visitors']);

        $late = new EventLog($sdk, ['api.queue.released']);
        $this->assertSame([], $late->events, 'not deferred: no replay for a later listener');
    }

    public function testNonJsonResponseBodyGivesNullData(): void
    {
        self::capture()->respond('204');
        $sdk = $this->sdk();
        $log = new EventLog($sdk, ['api.queue.released']);
        $sdk->createContext('nobody')->trackConversion('purchase');
        $sdk->flush();

        [[$args, $err]] = $log->of('api.queue.released');
        $this->assertNull($err);
        $this->assertSame(204, $args['result']['status']);
        $this->assertNull($args['result']['data']);
    }

    public function testBearerHeaderOnlyWithSdkKeySecret(): void
    {
        $with = $this->sdk(['sdkKeySecret' => 'top-s3cret']);
        $with->createContext('secretive')->trackConversion('purchase');
        $with->flush();
        $request = $this->onePost();
        $this->assertSame('Bearer top-s3cret', $request['headers']['authorization'] ?? null);
        $this->assertSame('application/json', $request['headers']['content-type'] ?? null);

        self::capture()->respond('200');
        $without = $this->sdk(['sdkKeySecret' => '']);
        $without->createContext('open')->trackConversion('purchase');
        $without->flush();
        $this->assertArrayNotHasKey('authorization', $this->onePost()['headers']);
    }

    /** @return array<string, array{0: \Closure, 1: bool}> */
    public function stores(): array
    {
        return [
            'default in-memory cache' => [static fn (): array => [], true],
            'PSR-16 cache given' => [static fn (): array => ['cache' => new ArrayCache()], true],
            'dataStore object' => [static fn (): array => ['dataStore' => new ArrayDataStore()], false],
            'dataStore and cache' => [static fn (): array => ['dataStore' => new ArrayDataStore(), 'cache' => new ArrayCache()], false],
            'dataStore not an object' => [static fn (): array => ['dataStore' => 'redis://nowhere'], true],
        ];
    }

    /** @dataProvider stores */
    public function testEnrichDataIsFalseOnlyWithADataStore(\Closure $store, bool $enrich): void
    {
        $sdk = $this->sdk($store());
        $sdk->createContext('enriched')->trackConversion('purchase');
        $sdk->flush();
        $body = self::body($this->onePost());
        $this->assertSame(['enrichData', 'accountId', 'projectId', 'visitors', 'source'], array_keys($body));
        $this->assertSame($enrich, $body['enrichData']);
        $this->assertSame([self::ACCOUNT_ID, self::PROJECT_ID, 'php-sdk'], [$body['accountId'], $body['projectId'], $body['source']]);
    }

    public function testSourceOption(): void
    {
        $sdk = $this->sdk(['network' => ['source' => 'shop-backend']]);
        $sdk->createContext('sourced')->trackConversion('purchase');
        $sdk->flush();
        $this->assertSame('shop-backend', self::body($this->onePost())['source']);
    }

    public function testTrackEndpointFromTheEnvironment(): void
    {
        $job = ['options' => [], 'steps' => [['op' => 'convert', 'visitor' => 'env', 'goal' => 'purchase']]];
        $this->runCli($job, ['TRACK_ENDPOINT' => self::capture()->url() . '/env/[project_id]/', 'VERSION' => 'build-42']);

        $requests = self::capture()->requests();
        $this->assertCount(1, $requests);
        $this->assertSame('/env/100456/track/100123/100456', $requests[0]['uri'], '[project_id] replaced, trailing slash trimmed');
        $this->assertSame('build-42', self::body($requests[0])['source'], 'VERSION overrides network.source');
    }

    public function testSdkKeyModeTracksToTheSdkKeyPath(): void
    {
        $server = ConfigServer::launch($this->dir() . '/config-server');
        try {
            $server->serve(Fixtures::specConfig());
            $sdk = $this->sdk([
                'data' => null,
                'sdkKey' => 'key-account/key-project',
                'sdkKeySecret' => 'key-secret',
                'api' => ['endpoint' => ['config' => $server->url(), 'track' => self::capture()->url() . '/sdk-key/[project_id]']],
            ]);
            $sdk->createContext('remote')->trackConversion('purchase');
            $sdk->flush();
            $this->assertSame('Bearer key-secret', $server->requests()[0]['headers']['authorization'] ?? null, 'config GET');
        } finally {
            $server->destroy();
        }
        $requests = self::capture()->requests();
        $this->assertCount(1, $requests);
        $this->assertSame('/sdk-key/100456/track/key-account/key-project', $requests[0]['uri'], 'the sdkKey, not account/project ids');
        $this->assertSame('Bearer key-secret', $requests[0]['headers']['authorization'] ?? null, 'tracking POST');
    }
}
