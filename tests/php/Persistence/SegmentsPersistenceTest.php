<?php

namespace ConvertSdk\Tests\Persistence;

/**
 * Segments live in the stored data (spec §10, §1.4 segment methods, §1.4.1): report segments given
 * at createContext, setDefaultSegments, runCustomSegments / setCustomSegments, read back with
 * getVisitorData in a later request (new SDK instance, new Psr16Cache over Redis).
 */
final class SegmentsPersistenceTest extends PersistenceTestCase
{
    private function nextRequest(): \ConvertSdk\Interfaces\CoreInterface
    {
        return $this->sdk(Scenario::specConfig(), $this->redisCache());
    }

    public function testReportSegmentsAtCreateContextArePersisted(): void
    {
        $store = new CountingStore($this->redisCache());
        $context = $this->sdk(Scenario::specConfig(), $store)->createContext('sam', [
            'country' => 'DE', 'browser' => 'CH', 'devices' => ['DESK'], 'plan' => 'premium',
        ]);
        $this->assertSame([1, 0], $store->counts(), 'read at construction to merge the report segments');
        $this->assertSame(['plan' => 'premium'], $context->getAttributes());
        unset($context);
        $this->assertSame([1, 1], $store->counts(), 'written once when the Context ends');

        $this->assertSame(
            ['bucketing' => [], 'locations' => [], 'segments' => ['country' => 'DE', 'browser' => 'CH', 'devices' => ['DESK']], 'goals' => []],
            $this->nextRequest()->createContext('sam')->getVisitorData(),
        );
    }

    public function testSetDefaultSegmentsKeepsReportKeysAndMergesWithStoredOnes(): void
    {
        $this->sdk(Scenario::specConfig(), $this->redisCache())->createContext('tom', ['country' => 'DE', 'devices' => ['DESK']]);

        $store = new CountingStore($this->redisCache());
        $context = $this->sdk(Scenario::specConfig(), $store)->createContext('tom');
        $context->setDefaultSegments(['country' => 'US', 'devices' => ['IPH'], 'visitor_type' => 'returning', 'plan' => 'dropped']);
        $context->setDefaultSegments(['plan' => 'only non-report keys']);
        unset($context);
        $this->assertSame([1, 1], $store->counts(), 'one write when the Context ends');
        $this->assertSame(
            ['country' => 'US', 'devices' => ['IPH', 'DESK'], 'visitor_type' => 'returning'],
            $store->setValues[0]['segments'],
        );

        $store = new CountingStore($this->redisCache());
        $context = $this->sdk(Scenario::specConfig(), $store)->createContext('tom');
        $context->setDefaultSegments(['plan' => 'only non-report keys']);
        unset($context);
        $this->assertSame([1, 0], $store->counts(), 'nothing to store');

        $this->assertSame(
            ['country' => 'US', 'devices' => ['IPH', 'DESK'], 'visitor_type' => 'returning'],
            $this->nextRequest()->createContext('tom')->getVisitorData()['segments'],
            'scalars replaced, lists unioned new-first (§6.5), non-report keys dropped (§10.2)',
        );
    }

    public function customSegmentMethods(): array
    {
        return ['runCustomSegments' => ['runCustomSegments'], 'setCustomSegments (deprecated alias)' => ['setCustomSegments']];
    }

    /** A visitor that vip-banner buckets once it is in segment 4001 (the anchored layout buckets 20 %). */
    private static function bannerVisitor(): array
    {
        $sdk = Scenario::sdk(Scenario::specConfig());
        foreach (Scenario::visitorIds(60, 'banner') as $id) {
            $variation = $sdk->createContext($id, Scenario::VIP)->runExperience('vip-banner', Scenario::attributes())?->variationId;
            if ($variation !== null) {
                return [$id, $variation];
            }
        }
        throw new \LogicException('no visitor in vip-banner');
    }

    /** @dataProvider customSegmentMethods */
    public function testCustomSegmentsPersistAndTargetLaterRequests(string $method): void
    {
        [$visitor, $banner] = self::bannerVisitor();
        $this->assertNull(self::variationOf($this->nextRequest(), $visitor, 'vip-banner'), 'not in segment 4001 yet');

        $context = $this->sdk(Scenario::specConfig(), $this->redisCache())->createContext($visitor, ['country' => 'DE']);
        $this->assertSame(['4001'], $context->{$method}(['vip'], ['ruleData' => ['vip' => true]]));
        unset($context);

        $store = new CountingStore($this->redisCache());
        $later = $this->sdk(Scenario::specConfig(), $store)->createContext($visitor);
        $this->assertSame(['country' => 'DE', 'custom_segments' => ['4001']], $later->getVisitorData()['segments']);
        $this->assertNull($later->{$method}(['vip'], ['ruleData' => ['vip' => true]]), 'already present');
        unset($later);
        $this->assertSame([1, 0], $store->counts(), 'nothing changed: no write');
        $this->assertSame($banner, self::variationOf($this->nextRequest(), $visitor, 'vip-banner'), 'eligible through the stored segment');
    }

    public function testStoredPropertiesAreRuleDataForCustomSegments(): void
    {
        $this->sdk(Scenario::specConfig(), $this->redisCache())->createContext('vic')->updateVisitorProperties('vic', ['vip' => true]);
        $this->assertSame(['4001'], $this->nextRequest()->createContext('vic')->runCustomSegments(['vip']), 'merged rule data includes stored segments (§10.3)');
        $this->assertNull(Scenario::sdk(Scenario::specConfig())->createContext('vic')->runCustomSegments(['vip']), 'no store: no vip property');
    }

    public function testGetVisitorDataIsEmptyForAnUnknownVisitor(): void
    {
        $this->assertSame([], $this->nextRequest()->createContext('nobody-yet')->getVisitorData());
    }
}
