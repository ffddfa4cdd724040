<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\DTO\BucketedVariation;

/**
 * The store I/O budget (issues 3 and 7): the store is read at most once per Context, lazily, and
 * written only when the data changed: once per visitor and request by default (when the Context
 * ends, `deferStoreWrites`), at most once per public call with `'deferStoreWrites' => false`.
 * Counted with a decorating dataStore over Symfony Psr16Cache + RedisAdapter.
 */
final class IoBudgetTest extends PersistenceTestCase
{
    /** A counting decorator over this test's Redis namespace, as one request would open it. */
    private function counting(): CountingStore
    {
        return new CountingStore($this->redisCache());
    }

    /** The per-call budget of `'deferStoreWrites' => false` (the official SDK's write pattern). */
    public function testNewVisitorCostsOneGetAndAtMostOneSetPerCall(): void
    {
        $store = $this->counting();
        $context = $this->sdk(Scenario::specConfig(), $store, null, ['deferStoreWrites' => false])->createContext('new-1');
        $this->assertSame([0, 0], $store->counts(), 'createContext without report segments touches no store');

        $this->assertNotNull($context->runExperience('checkout-redesign', Scenario::attributes()));
        $this->assertSame([1, 1], $store->counts(), 'one get (nothing stored) and one set with the decision');

        $this->assertNotNull($context->runExperience('pricing-rollout', Scenario::attributes()));
        $this->assertSame([1, 2], $store->counts(), 'no second read in the same context; one set for the new decision');

        $this->assertNotNull($context->runExperience('pricing-rollout', Scenario::attributes()));
        $this->assertNull($context->runExperience('vip-banner', Scenario::attributes()), 'not in segment 4001');
        $context->getVisitorData();
        $this->assertSame([1, 2], $store->counts(), 'nothing changed: no write');

        $this->assertNull($context->trackConversion('purchase'));
        $this->assertNull($context->trackConversion('purchase'));
        $this->assertSame([1, 3], $store->counts(), 'first conversion written once, deduplicated repeat not written');
        $this->assertSame(array_fill(0, 3, Scenario::storeKey('new-1')), $store->sets);
    }

    /** The same calls with the default `deferStoreWrites`: one get, and one set when the Context ends. */
    public function testNewVisitorCostsOneGetAndOneSetWhenTheContextEnds(): void
    {
        $store = $this->counting();
        $context = $this->sdk(Scenario::specConfig(), $store)->createContext('new-1d');
        $this->assertSame([0, 0], $store->counts(), 'createContext without report segments touches no store');

        $checkout = $context->runExperience('checkout-redesign', Scenario::attributes());
        $pricing = $context->runExperience('pricing-rollout', Scenario::attributes());
        $this->assertNotNull($checkout);
        $this->assertNotNull($pricing);
        $this->assertNull($context->runExperience('vip-banner', Scenario::attributes()), 'not in segment 4001');
        $this->assertNull($context->trackConversion('purchase'));
        $this->assertNull($context->trackConversion('purchase'));
        $data = $context->getVisitorData();
        $this->assertSame([1, 0], $store->counts(), 'one lazy read, nothing written while the Context lives');

        unset($context);
        $this->assertSame([1, 1], $store->counts(), 'one write when the Context ends');
        $this->assertSame([Scenario::storeKey('new-1d')], $store->sets);
        $this->assertSame($data, $store->setValues[0], 'the write holds every change of the request');
        $this->assertSame([1001 => $checkout->variationId, 1002 => $pricing->variationId], $data['bucketing']);
        $this->assertSame(['purchase' => true], $data['goals']);
    }

    /** Per-call writes (`'deferStoreWrites' => false`): runExperiences writes once for all its decisions. */
    public function testRunExperiencesWritesOnceForAllExperiences(): void
    {
        $store = $this->counting();
        $context = $this->sdk(Scenario::specConfig(), $store, null, ['deferStoreWrites' => false])
            ->createContext(self::visitorInAllExperiences('io'), Scenario::VIP);
        $this->assertSame([1, 1], $store->counts(), 'report segments at createContext: one read, one write (§1.4.1)');

        $variations = $context->runExperiences(Scenario::attributes());
        $this->assertSame(['checkout-redesign', 'pricing-rollout', 'vip-banner'], array_map(
            static fn (BucketedVariation $v): string => $v->experienceKey,
            $variations,
        ), 'this visitor is bucketed into all three experiences (config order)');
        $this->assertSame([1, 2], $store->counts(), 'three decisions, one write');
        $written = end($store->setValues)['bucketing'];
        $this->assertSame([1001, 1002, 1005], array_keys($written));
    }

    public function testReportSegmentsAndRunExperiencesShareTheOneDeferredWrite(): void
    {
        $store = $this->counting();
        $context = $this->sdk(Scenario::specConfig(), $store)->createContext(self::visitorInAllExperiences('io'), Scenario::VIP);
        $this->assertSame([1, 0], $store->counts(), 'report segments at createContext: read, merged in memory');
        $this->assertCount(3, $context->runExperiences(Scenario::attributes()));
        $this->assertSame([1, 0], $store->counts());

        unset($context);
        $this->assertSame([1, 1], $store->counts(), 'segments and three decisions, one write');
        $this->assertSame([1001, 1002, 1005], array_keys($store->setValues[0]['bucketing']));
        $this->assertSame(Scenario::VIP, $store->setValues[0]['segments']);
    }

    public function testNewVisitorWithRunFeaturesCostsOneGetOneSet(): void
    {
        $store = $this->counting();
        $features = $this->sdk(Scenario::specConfig(), $store)->createContext('new-3')->runFeatures(Scenario::attributes());
        $this->assertNotSame([], $features);
        $this->assertSame([1, 1], $store->counts());
    }

    public function testReturningVisitorCostsOneGetAndNoSet(): void
    {
        $visitor = self::visitorInAllExperiences('io');
        $first = $this->counting();
        $this->sdk(Scenario::specConfig(), $first)->createContext($visitor, Scenario::VIP)->runExperiences(Scenario::attributes());
        $this->assertSame(1, $first->counts()[0]);

        $store = $this->counting();
        $context = $this->sdk(Scenario::specConfig(), $store)->createContext($visitor, Scenario::VIP);
        $this->assertCount(3, $context->runExperiences(Scenario::attributes()));
        foreach (Scenario::EXPERIENCES as $key) {
            $this->assertNotNull($context->runExperience($key, Scenario::attributes()));
        }
        $this->assertNotNull($context->runFeature('new-checkout', Scenario::attributes()));
        $context->runFeatures(Scenario::attributes());
        $context->getVisitorData();
        $this->assertSame([1, 0], $store->counts(), 'a returning visitor whose decisions are stored causes zero writes');
        unset($context);
        $this->assertSame([1, 0], $store->counts(), 'nor when the Context ends: nothing changed');
    }

    public function testReturningVisitorAfterConfigChange(): void
    {
        $visitor = self::visitorsMovedByReweighting(1)[0];
        $this->sdk(Scenario::specConfig(), $this->counting())->createContext($visitor)->runExperiences(Scenario::attributes());

        $store = $this->counting();
        $context = $this->sdk(Scenario::reweightedConfig(), $store)->createContext($visitor);
        $context->runExperiences(Scenario::attributes());
        $context->runExperience('checkout-redesign', Scenario::attributes());
        unset($context);
        $this->assertSame([1, 0], $store->counts(), 're-weighted, stored variations still present: no write');

        $removed = Scenario::withVariations(Scenario::specConfig(), 'checkout-redesign', static fn (array $vs): array => [
            ['id' => '10019', 'key' => 'only', 'status' => 'running', 'traffic_allocation' => 100, 'changes' => []],
        ]);
        $removed = Scenario::withVariations($removed, 'pricing-rollout', static fn (array $vs): array => [
            ['id' => '10029', 'key' => 'only', 'status' => 'running', 'traffic_allocation' => 100, 'changes' => []],
        ]);
        $store = $this->counting();
        $context = $this->sdk($removed, $store)->createContext($visitor);
        $this->assertCount(2, $context->runExperiences(Scenario::attributes()));
        $context->runExperience('checkout-redesign', Scenario::attributes());
        $this->assertSame([1, 0], $store->counts(), 'written when the Context ends');
        unset($context);
        $this->assertSame([1, 1], $store->counts(), 'two stored variations removed: two fresh decisions, one write');
        $this->assertSame([1001 => '10019', 1002 => '10029'], $store->setValues[0]['bucketing']);
    }

    public function testLegacyLookupIsOffByDefaultSoANewVisitorCostsExactlyOneGet(): void
    {
        $store = $this->counting();
        $this->sdk(Scenario::specConfig(), $store)->createContext('new-4')->runExperience('checkout-redesign', Scenario::attributes());
        $this->assertSame([Scenario::storeKey('new-4')], $store->gets);
    }
}
