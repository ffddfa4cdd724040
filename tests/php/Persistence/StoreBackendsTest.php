<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * Decisions persist across SDK instances (= across requests) with real stores (spec §6.1–§6.4, issue 3):
 * Symfony Psr16Cache over RedisAdapter, over FilesystemAdapter, and a plain user dataStore over phpredis.
 */
final class StoreBackendsTest extends PersistenceTestCase
{
    public function stores(): array
    {
        return [
            'Psr16Cache over RedisAdapter' => ['redisCache'],
            'Psr16Cache over FilesystemAdapter' => ['filesystemCache'],
            'plain user dataStore over phpredis' => ['redisDataStore'],
        ];
    }

    /** A new connection/instance of the store named by the data set, as a new request would build it. */
    private function store(string $factory): object
    {
        return $this->{$factory}();
    }

    /** @dataProvider stores */
    public function testDecisionsPersistAcrossSdkInstances(string $factory): void
    {
        $visitors = self::visitorsMovedByReweighting(12);
        $log = new RecordingLogger();
        $first = Scenario::decisions($this->sdk(Scenario::specConfig(), $this->store($factory), $log), $visitors);
        $fresh = Scenario::decisions($this->sdk(Scenario::reweightedConfig()), $visitors);
        $second = Scenario::decisions($this->sdk(Scenario::reweightedConfig(), $this->store($factory), $log), $visitors);

        $this->assertSame($first, $second, 'every visitor keeps every decision after the re-weighting');
        $this->assertNotSame($first, $fresh, 'without the store the re-weighting would move these visitors');
        $this->assertSame([], $log->errors());
    }

    /** @dataProvider stores */
    public function testStoredValueHasTheLayoutOfSection63(string $factory): void
    {
        $visitor = self::visitorInAllExperiences('layout');
        $store = $this->store($factory);
        $context = $this->sdk(Scenario::specConfig(), $store)->createContext($visitor, ['country' => 'DE'] + Scenario::VIP);
        $checkout = $context->runExperience('checkout-redesign', Scenario::attributes());
        $banner = $context->runExperience('vip-banner', Scenario::attributes());
        $this->assertNotNull($checkout);
        $this->assertNotNull($banner);
        $this->assertNull($context->trackConversion('purchase'));
        unset($context); // the request's changes reach the store when the Context ends (deferStoreWrites)

        $stored = $store->get(Scenario::storeKey($visitor));
        $this->assertSame([
            'bucketing' => [1001 => $checkout->variationId, 1005 => $banner->variationId],
            'locations' => ['checkout-page'],
            'segments' => ['country' => 'DE', 'custom_segments' => ['4001']],
            'goals' => ['purchase' => true],
        ], $stored);
        $this->assertSame([1001, 1005], array_keys($stored['bucketing']), 'numeric experience ids are PHP int keys');
        $this->assertSame($stored, $this->sdk(Scenario::specConfig(), $this->store($factory))->createContext($visitor)->getVisitorData());
    }

    /** @dataProvider stores */
    public function testReturningVisitorStateIsVisibleToTheNextRequest(string $factory): void
    {
        $store = $this->store($factory);
        $context = $this->sdk(Scenario::specConfig(), $store)->createContext('bob');
        $this->assertNull($context->trackConversion('purchase'));
        unset($context); // end of the first request's Context: its changes are written

        $events = [];
        $next = $this->sdk(Scenario::specConfig(), $this->store($factory));
        $next->on('conversion', function ($args) use (&$events): void {
            $events[] = $args;
        });
        $this->assertNull($next->createContext('bob')->trackConversion('purchase'));
        $this->assertSame([], $events, 'the stored goal deduplicates the conversion of the next request (§7.6)');
        $this->assertSame(['purchase' => true], $next->createContext('bob')->getVisitorData()['goals']);
    }
}
