<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\Interfaces\CoreInterface;

/**
 * Every row of the table "Config changes versus stored decisions" (spec §6.6, with §4.3/§4.4):
 * request 1 stores a decision under the §2.3 config, request 2 runs under a changed config with a
 * new SDK instance and a new Psr16Cache (FilesystemAdapter) on the same directory.
 */
final class ConfigChangeTest extends PersistenceTestCase
{
    private const EXPERIENCE_ID = 1001;

    /** A new request: SDK instance over a counting decorator of a new cache on this test's directory. */
    private function request(array $config, ?CountingStore &$store = null): CoreInterface
    {
        $store = new CountingStore($this->filesystemCache());
        return $this->sdk($config, $store);
    }

    /** checkout-redesign decision of a new request; the visitor's `bucketing` events are collected. */
    private function decide(CoreInterface $sdk, string $visitor, ?array $props = null, array &$events = []): ?string
    {
        $sdk->on('bucketing', function ($args) use (&$events): void {
            $events[] = $args;
        });
        return self::variationOf($sdk, $visitor, 'checkout-redesign', $props);
    }

    private function storedBucketing(string $visitor): array
    {
        return $this->filesystemCache()->get(Scenario::storeKey($visitor))['bucketing'] ?? [];
    }

    /** Visitors stored in a variation by request 1: [visitorId => variationId]. */
    private function storeVisitors(int $n): array
    {
        $stored = [];
        $sdk = $this->request(Scenario::specConfig());
        foreach (Scenario::visitorIds($n, 'cc') as $id) {
            $stored[$id] = self::variationOf($sdk, $id);
            $this->assertNotNull($stored[$id]);
        }
        $this->assertCount(2, array_unique($stored), 'both variations are stored for some visitors');
        return $stored;
    }

    public function presentVariationChanges(): array
    {
        $forStored = static fn (callable $change): callable => static function (array $vs, string $stored) use ($change): array {
            foreach ($vs as $i => $v) {
                $vs[$i] = $change($v, $v['id'] === $stored);
            }
            return $vs;
        };
        return [
            'stored variation stopped' => [$forStored(static fn (array $v, bool $mine): array => $mine ? ['status' => 'stopped'] + $v : $v)],
            'stored variation at 0 %' => [$forStored(static fn (array $v, bool $mine): array => ['traffic_allocation' => $mine ? 0 : 50] + $v)],
            'others re-weighted to 99 %' => [$forStored(static fn (array $v, bool $mine): array => ['traffic_allocation' => $mine ? 1 : 99] + $v)],
            'reordered, re-weighted, one added' => [static function (array $vs, string $stored): array {
                foreach ($vs as $i => $v) {
                    $vs[$i]['traffic_allocation'] = $v['id'] === $stored ? 1 : 49;
                }
                $vs[] = ['id' => '10010', 'key' => 'added', 'status' => 'running', 'traffic_allocation' => 50, 'changes' => []];
                return array_reverse($vs);
            }],
        ];
    }

    /**
     * Row 1: stored variation still present (any status, any traffic, traffic of others changed) →
     * same variation, no write (nothing new to track), and the `bucketing` system event still fires.
     *
     * @dataProvider presentVariationChanges
     */
    public function testStoredVariationStillPresentIsServed(callable $change): void
    {
        $moved = 0;
        foreach ($this->storeVisitors(24) as $visitor => $stored) {
            $config = Scenario::withVariations(Scenario::specConfig(), 'checkout-redesign', static fn (array $vs): array => $change($vs, $stored));
            $events = [];
            $this->assertSame($stored, $this->decide($this->request($config, $store), $visitor, null, $events), $visitor);
            $this->assertSame([1, 0], $store->counts(), "$visitor: no write");
            $this->assertSame($visitor, $events[0]['visitorId'] ?? null);
            $moved += self::variationOf(Scenario::sdk($config), $visitor) !== $stored ? 1 : 0;
        }
        $this->assertGreaterThanOrEqual(12, $moved, 'a fresh decision under the changed config would differ');
    }

    /** Row 2: stored variation removed → fresh decision among current variations; store overwritten. */
    public function testStoredVariationRemovedGetsAFreshDecision(): void
    {
        $config = Scenario::withVariations(Scenario::specConfig(), 'checkout-redesign', static fn (array $vs): array => [
            $vs[1],
            ['id' => '10013', 'key' => 'control-v2', 'status' => 'running', 'traffic_allocation' => 50, 'changes' => []],
        ]);
        $fresh = Scenario::sdk($config);
        $removed = 0;
        foreach ($this->storeVisitors(24) as $visitor => $stored) {
            $events = [];
            $now = $this->decide($this->request($config, $store), $visitor, null, $events);
            if ($stored === '10011') {
                $removed++;
                $this->assertSame(self::variationOf($fresh, $visitor), $now, "$visitor: fresh decision");
                $this->assertSame([1, 1], $store->counts(), "$visitor: new decision written");
                $this->assertSame($now, (string) $this->storedBucketing($visitor)[self::EXPERIENCE_ID]);
                $this->assertCount(1, $events);
            } else {
                $this->assertSame($stored, $now, "$visitor: untouched variation stays");
                $this->assertSame([1, 0], $store->counts());
            }
        }
        $this->assertGreaterThan(0, $removed);
    }

    public function goneExperiences(): array
    {
        $spec = Scenario::specConfig();
        $archived = $spec;
        $archived['archived_experiences'][] = '1001';
        $removed = $spec;
        $removed['experiences'] = array_values(array_filter($spec['experiences'], static fn (array $e): bool => $e['id'] !== '1001'));
        $staging = Scenario::withExperience($spec, 'checkout-redesign', static fn (array $e): array => ['environment' => 'staging'] + $e);
        return [
            'archived (row 3)' => [$archived],
            'removed (row 3)' => [$removed],
            'moved to another environment (row 4)' => [$staging],
        ];
    }

    /**
     * Rows 3 and 4: experience archived, removed or in another environment → null; the stored entry
     * is kept, so the visitor gets the stored variation back when the experience returns.
     *
     * @dataProvider goneExperiences
     */
    public function testExperienceGoneReturnsNullAndKeepsTheStoredEntry(array $config): void
    {
        $visitor = self::visitorsMovedByReweighting(1, 'gone')[0];
        $stored = self::variationOf($this->request(Scenario::specConfig()), $visitor);

        $this->assertNull(self::variationOf($this->request($config, $store), $visitor));
        $this->assertSame(0, $store->counts()[1], 'nothing written');
        $this->assertSame([self::EXPERIENCE_ID => $stored], $this->storedBucketing($visitor));

        $this->assertSame($stored, self::variationOf($this->request(Scenario::reweightedConfig()), $visitor));
    }

    public function lostTargeting(): array
    {
        return [
            'transient audience no longer matched' => [['url' => Scenario::URL], ['plan' => 'free', 'age' => 30]],
            'location no longer matched' => [['url' => 'https://shop.example.com/cart'], Scenario::PREMIUM],
        ];
    }

    /**
     * Row 5: a stored visitor who no longer matches a transient audience or the location gets null;
     * the stored entry is kept.
     *
     * @dataProvider lostTargeting
     */
    public function testLostTransientAudienceOrLocationReturnsNull(array $location, array $props): void
    {
        $visitor = self::visitorsMovedByReweighting(1, 'lost')[0];
        $stored = self::variationOf($this->request(Scenario::specConfig()), $visitor);
        $this->assertNotNull($stored);

        $sdk = $this->request(Scenario::reweightedConfig());
        $attrs = Scenario::attributes($props, ['locationProperties' => $location]);
        $this->assertNull($sdk->createContext($visitor)->runExperience('checkout-redesign', $attrs));
        $this->assertSame([self::EXPERIENCE_ID => $stored], $this->storedBucketing($visitor));
        $this->assertSame($stored, self::variationOf($this->request(Scenario::reweightedConfig()), $visitor), 'matching again: stored variation');
    }

    /** Config where premium-users is a permanent audience (optionally with the re-weighting). */
    private static function permanentAudience(array $config): array
    {
        foreach ($config['audiences'] as $i => $audience) {
            if ($audience['id'] === '3001') {
                $config['audiences'][$i]['type'] = 'permanent';
            }
        }
        return $config;
    }

    /**
     * Row 6: permanent audiences are checked before the first decision only: afterwards the stored
     * variation is served even when the visitor no longer matches, even with no properties at all.
     */
    public function testPermanentAudienceIsNotRecheckedOnceBucketed(): void
    {
        $visitor = self::visitorsMovedByReweighting(1, 'perm')[0];
        $free = ['plan' => 'free', 'age' => 30];
        $this->assertNull(self::variationOf($this->request(self::permanentAudience(Scenario::specConfig())), $visitor, 'checkout-redesign', $free), 'checked before bucketing');
        $stored = self::variationOf($this->request(self::permanentAudience(Scenario::specConfig())), $visitor);
        $this->assertNotNull($stored);

        $later = self::permanentAudience(Scenario::reweightedConfig());
        $this->assertSame($stored, self::variationOf($this->request($later), $visitor, 'checkout-redesign', $free));
        $this->assertSame($stored, self::variationOf($this->request($later), $visitor, 'checkout-redesign', []));
        $this->assertNull(self::variationOf($this->request(Scenario::reweightedConfig()), $visitor, 'checkout-redesign', $free), 'the same audience as transient is re-checked');
    }

    /**
     * Row 7: segment no longer configured on the experience → eligibility recomputed, stored decision
     * used when eligible; a segment newly required makes a stored visitor without it ineligible.
     */
    public function testSegmentTargetingChanges(): void
    {
        $banner = Scenario::withVariations(Scenario::specConfig(), 'vip-banner', static function (array $vs): array {
            $vs[0]['traffic_allocation'] = 30;
            $vs[1]['traffic_allocation'] = 5;
            return $vs;
        });
        $noSegment = Scenario::withExperience($banner, 'vip-banner', static fn (array $e): array => ['audiences' => []] + $e);
        $sdk = $this->request(Scenario::specConfig());
        $fresh = Scenario::sdk($noSegment);
        $checked = $moved = 0;
        foreach (Scenario::visitorIds(60, 'seg') as $visitor) {
            $stored = $sdk->createContext($visitor, Scenario::VIP)->runExperience('vip-banner', Scenario::attributes())?->variationId;
            if ($stored === null) {
                continue;
            }
            $checked++;
            $this->assertSame($stored, $this->request($noSegment)->createContext($visitor)->runExperience('vip-banner', Scenario::attributes())?->variationId);
            $moved += $fresh->createContext($visitor)->runExperience('vip-banner', Scenario::attributes())?->variationId !== $stored ? 1 : 0;
        }
        $this->assertGreaterThan(2, $checked);
        $this->assertGreaterThan(0, $moved, 'the re-weighting moves the anchors of the fresh decision');
        $newcomer = $this->request($noSegment)->createContext('seg-newcomer')->runExperience('vip-banner', Scenario::attributes())?->variationId;
        $this->assertSame($fresh->createContext('seg-newcomer')->runExperience('vip-banner', Scenario::attributes())?->variationId, $newcomer, 'now eligible without the segment');

        $visitor = self::visitorsMovedByReweighting(1, 'seg2')[0];
        $stored = self::variationOf($this->request(Scenario::specConfig()), $visitor);
        $segmentAdded = Scenario::withExperience(Scenario::reweightedConfig(), 'checkout-redesign', static fn (array $e): array => ['audiences' => ['3001', '4001']] + $e);
        $this->assertNull(self::variationOf($this->request($segmentAdded), $visitor), 'segment 4001 now required');
        $context = $this->request($segmentAdded)->createContext($visitor, Scenario::VIP);
        $this->assertSame($stored, $context->runExperience('checkout-redesign', Scenario::attributes())?->variationId, 'with the segment: stored decision');
    }
}
