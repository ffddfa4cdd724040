<?php

namespace ConvertSdk\Tests\Persistence;

/**
 * Visitor properties across requests (spec §1.4 merged properties, §1.4.2 updateVisitorProperties,
 * §4.2 step 4, §10.4): plain properties are not persisted, updateVisitorProperties and the
 * `updateVisitorProperties` bucketing attribute persist them in StoreData.segments.
 */
final class VisitorPropertiesTest extends PersistenceTestCase
{
    public function testUpdateVisitorPropertiesPersistsEveryKeyForLaterTargeting(): void
    {
        $store = new CountingStore($this->filesystemCache());
        $context = $this->sdk(Scenario::specConfig(), $store)->createContext('hank');
        $context->updateVisitorProperties('hank', ['plan' => 'premium', 'age' => 30]);
        $this->assertSame([1, 0], $store->counts(), 'kept in memory while the Context lives');
        unset($context);
        $this->assertSame([1, 1], $store->counts());

        $stored = $this->filesystemCache()->get(Scenario::storeKey('hank'));
        $this->assertSame(['plan' => 'premium', 'age' => 30], $stored['segments']);

        $next = $this->sdk(Scenario::specConfig(), $this->filesystemCache());
        $this->assertNotNull(self::variationOf($next, 'hank', 'checkout-redesign', []), 'audience matched from stored properties');
        $this->assertNull(self::variationOf($this->sdk(Scenario::specConfig()), 'hank', 'checkout-redesign', []), 'not without the store');
    }

    public function testUpdateVisitorPropertiesForAnotherVisitorWritesThatVisitorsRecord(): void
    {
        $cache = $this->filesystemCache();
        $context = $this->sdk(Scenario::specConfig(), $cache)->createContext('ivy');
        $context->updateVisitorProperties('ivy@example.com', ['plan' => 'enterprise']);
        $this->assertFalse($cache->has(Scenario::storeKey('ivy')));
        $this->assertSame(['plan' => 'enterprise'], $cache->get(Scenario::storeKey('ivy@example.com'))['segments']);
        $later = $this->sdk(Scenario::specConfig(), $this->filesystemCache())->createContext('ivy@example.com');
        $this->assertSame(['plan' => 'enterprise'], $later->getVisitorData()['segments']);
    }

    public function testBucketingAttributeStoresMergedPropertiesWithTheDecisionInOneWrite(): void
    {
        $store = new CountingStore($this->filesystemCache());
        $context = $this->sdk(Scenario::specConfig(), $store)->createContext('jack');
        $attrs = Scenario::attributes(null, ['updateVisitorProperties' => true]);
        $variation = $context->runExperience('checkout-redesign', $attrs);
        $this->assertNotNull($variation);
        unset($context);
        $this->assertSame([1, 1], $store->counts());
        $this->assertSame([
            'bucketing' => [1001 => $variation->variationId],
            'locations' => ['checkout-page'],
            'segments' => Scenario::PREMIUM,
            'goals' => [],
        ], $store->setValues[0]);
        $next = $this->sdk(Scenario::reweightedConfig(), $this->filesystemCache());
        $this->assertSame($variation->variationId, self::variationOf($next, 'jack', 'checkout-redesign', []), 'audience matched from stored properties');
        $this->assertSame(Scenario::PREMIUM, $this->sdk(Scenario::specConfig(), $this->filesystemCache())->createContext('jack')->getVisitorData()['segments']);
    }

    public function testPlainVisitorPropertiesAreNotPersisted(): void
    {
        $visitor = 'kate';
        $context = $this->sdk(Scenario::specConfig(), $this->filesystemCache())->createContext($visitor, Scenario::PREMIUM + ['browser' => 'FF']);
        $context->setAttribute('tier', 'gold');
        $stored = $context->runExperience('checkout-redesign', Scenario::attributes([]))?->variationId;
        $this->assertNotNull($stored, 'context properties target this request');
        unset($context);

        $next = $this->sdk(Scenario::specConfig(), $this->filesystemCache());
        $this->assertSame(['browser' => 'FF'], $next->createContext($visitor)->getVisitorData()['segments'], 'only report segments were stored');
        $this->assertNull(self::variationOf($next, $visitor, 'checkout-redesign', []), 'plan/age were not stored: transient audience fails');
        $this->assertSame($stored, self::variationOf($next, $visitor), 'passed again: stored decision');
    }
}
