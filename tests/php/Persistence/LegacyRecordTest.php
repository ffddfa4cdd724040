<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\DTO\ConversionAttributes;
use Psr\SimpleCache\CacheInterface;

/**
 * Migration from the official PHP SDK (issue 3, spec §6.2/§6.3/§14 rows 1–2): with
 * `legacyStoreKeys => true`, a visitor with nothing under the new key is read from the official
 * SDK's `--{visitorId}` record (junk members tolerated) and keeps its decisions; the next write goes
 * to the new key. Off by default. Records: fixtures/legacy-php-sdk-records.json.
 */
final class LegacyRecordTest extends PersistenceTestCase
{
    private static function records(): array
    {
        $text = file_get_contents(__DIR__ . '/fixtures/legacy-php-sdk-records.json');
        return json_decode($text, true, 512, JSON_THROW_ON_ERROR)['records'];
    }

    /** A Symfony cache holding the official SDK's records, as a site switching SDKs has it. */
    private function migratedCache(): CacheInterface
    {
        $cache = $this->filesystemCache();
        foreach (self::records() as $key => $record) {
            $this->assertTrue($cache->set($key, $record));
        }
        return $cache;
    }

    public function testLegacyDecisionsAreHonouredAndTheNextWriteGoesToTheNewKey(): void
    {
        $cache = $this->migratedCache();
        $fresh = Scenario::sdk(Scenario::specConfig())->createContext('legacy-gus');
        $this->assertSame('10011', $fresh->runExperience('checkout-redesign', Scenario::attributes())?->variationId, 'hashing alone says control');

        $store = new CountingStore($cache);
        $context = $this->sdk(Scenario::specConfig(), $store, null, ['legacyStoreKeys' => true])->createContext('legacy-gus');
        $this->assertSame('10012', $context->runExperience('checkout-redesign', Scenario::attributes())?->variationId);
        $this->assertSame('10021', $context->runExperience('pricing-rollout', Scenario::attributes())?->variationId, 'stored variation honoured although stopped at 0 %');
        $this->assertSame([Scenario::storeKey('legacy-gus'), '--legacy-gus'], $store->gets, 'new key first, then the legacy key');
        $this->assertSame([], $store->sets, 'nothing changed yet');

        $banner = $context->runExperience('vip-banner', Scenario::attributes());
        $this->assertNotNull($banner, 'custom segment 4001 lifted from the nested segments.segments member');
        $this->assertSame([], $store->sets, 'kept in memory while the Context lives');
        unset($context);
        $this->assertSame([Scenario::storeKey('legacy-gus')], $store->sets, 'one write, to the new key, when the Context ends');
        $this->assertSame([
            'bucketing' => [1001 => '10012', 1002 => '10021', 1005 => $banner->variationId],
            'locations' => ['checkout-page'],
            'segments' => ['country' => 'DE', 'browser' => 'CH', 'custom_segments' => ['4001']],
            'goals' => ['purchase' => true],
        ], $cache->get(Scenario::storeKey('legacy-gus')), 'clean record: no junk members, nested report keys lifted where the flat ones are missing');
        $this->assertSame(self::records()['--legacy-gus'], $cache->get('--legacy-gus'), 'the legacy record is never written');

        $store = new CountingStore($this->filesystemCache());
        $next = $this->sdk(Scenario::specConfig(), $store)->createContext('legacy-gus');
        $this->assertSame('10012', $next->runExperience('checkout-redesign', Scenario::attributes())?->variationId);
        $this->assertSame($banner->variationId, $next->runExperience('vip-banner', Scenario::attributes())?->variationId);
        unset($next);
        $this->assertSame([[Scenario::storeKey('legacy-gus')], []], [$store->gets, $store->sets], 'migrated: no legacy read, no write');
    }

    public function testGoldenScenarioRecordKeepsGoalsAndSegments(): void
    {
        $sdk = $this->sdk(Scenario::specConfig(), $this->migratedCache(), null, ['legacyStoreKeys' => true]);
        $events = [];
        $sdk->on('conversion', function ($args) use (&$events): void {
            $events[] = $args;
        });
        $context = $sdk->createContext('alice');
        $this->assertNull($context->trackConversion('purchase'));
        $this->assertNull($context->trackConversion('add-to-cart', new ConversionAttributes(ruleData: ['action' => 'add'])));
        $this->assertSame([], $events, 'both goals already converted under the official SDK');
        $this->assertSame([
            'bucketing' => [1001 => '10011'],
            'locations' => ['checkout-page'],
            'segments' => ['country' => 'DE', 'browser' => 'CH', 'devices' => ['DESK'], 'visitor_type' => 'returning', 'custom_segments' => ['4001']],
            'goals' => ['purchase' => true, 'add-to-cart' => true],
        ], $context->getVisitorData());
        $this->assertNull($context->runCustomSegments(['vip'], ['ruleData' => ['vip' => true]]), 'segment 4001 already present');
    }

    public function legacyOff(): array
    {
        return ['default' => [[]], 'explicit false' => [['legacyStoreKeys' => false]]];
    }

    /** @dataProvider legacyOff */
    public function testLegacyRecordIsIgnoredWithoutTheOption(array $extra): void
    {
        $store = new CountingStore($this->migratedCache());
        $context = $this->sdk(Scenario::specConfig(), $store, null, $extra)->createContext('legacy-gus');
        $this->assertSame('10011', $context->runExperience('checkout-redesign', Scenario::attributes())?->variationId);
        $this->assertNull($context->runExperience('vip-banner', Scenario::attributes()));
        $this->assertSame([Scenario::storeKey('legacy-gus')], $store->gets);
    }

    public function testNewKeyWinsOverTheLegacyRecord(): void
    {
        $cache = $this->migratedCache();
        $cache->set(Scenario::storeKey('legacy-gus'), ['bucketing' => [1001 => '10011'], 'locations' => [], 'segments' => [], 'goals' => []]);
        $store = new CountingStore($cache);
        $context = $this->sdk(Scenario::specConfig(), $store, null, ['legacyStoreKeys' => true])->createContext('legacy-gus');
        $this->assertSame('10011', $context->runExperience('checkout-redesign', Scenario::attributes())?->variationId);
        $this->assertSame('10022', $context->runExperience('pricing-rollout', Scenario::attributes())?->variationId, 'legacy record not merged in');
        $this->assertSame([Scenario::storeKey('legacy-gus')], $store->gets, 'legacy key not read');
    }

    public function testNewVisitorWithLegacyLookupCostsTwoGets(): void
    {
        $store = new CountingStore($this->migratedCache());
        $this->sdk(Scenario::specConfig(), $store, null, ['legacyStoreKeys' => true])->createContext('brand-new')->runExperience('checkout-redesign', Scenario::attributes());
        $this->assertSame([[Scenario::storeKey('brand-new'), '--brand-new'], 1], [$store->gets, count($store->sets)]);
    }
}
