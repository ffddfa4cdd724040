<?php

use ConvertSdk\DTO\BucketedVariation;
use ConvertSdk\Tests\Support\Fixtures;
use OpenAPI\Client\BucketingAttributes;
use PHPUnit\Framework\TestCase;

/** runExperience / runExperiences eligibility and results (spec §1.4.2, §4.2–§4.7, §11, §15). */
final class ExperienceDecisionTest extends TestCase
{
    private const CHECKOUT = ['url' => 'https://shop.example.com/checkout?step=1'];
    private const PRICING = ['url' => 'https://shop.example.com/pricing'];
    /** Matches both the checkout location rule (startsWith) and the pricing site_area (contains). */
    private const BOTH = ['url' => 'https://shop.example.com/checkout/pricing'];
    private const PREMIUM = ['plan' => 'premium', 'age' => 30];

    /** A config whose single experience has no targeting and one 100 % variation. */
    private static function openConfig(array $experienceOverrides = [], array $configOverrides = []): array
    {
        $experience = array_replace([
            'id' => '8001', 'key' => 'open', 'version' => 11,
            'variations' => [['id' => '80011', 'key' => 'only', 'traffic_allocation' => 100, 'changes' => []]],
        ], $experienceOverrides);
        return array_replace(['account_id' => '1', 'project' => ['id' => '2'], 'experiences' => [$experience]], $configOverrides);
    }

    private static function decide(array $config, string $key, mixed $attributes, string $visitor = 'visitor-0', array $options = [], ?array $visitorAttributes = null): ?BucketedVariation
    {
        return Fixtures::sdk($config, $options)->createContext($visitor, $visitorAttributes)->runExperience($key, $attributes);
    }

    public function testOpenExperienceBucketsEveryoneWithLocationProperties(): void
    {
        $variation = self::decide(self::openConfig(), 'open', ['locationProperties' => ['any' => 'thing']]);
        $this->assertInstanceOf(BucketedVariation::class, $variation);
        $this->assertSame(['experienceId' => '8001', 'experienceKey' => 'open', 'variationId' => '80011', 'variationKey' => 'only'], Fixtures::summary($variation));
        $this->assertSame([], $variation->changes);
    }

    public static function withoutLocationProperties(): array
    {
        return [
            'no attributes' => [null],
            'empty array' => [[]],
            'null locationProperties' => [['locationProperties' => null]],
            'empty locationProperties' => [['locationProperties' => []]],
            'only visitor properties' => [['visitorProperties' => ['plan' => 'premium']]],
            'empty BucketingAttributes' => [new BucketingAttributes()],
            'BucketingAttributes with empty locationProperties' => [new BucketingAttributes(['locationProperties' => []])],
            'BucketingAttributes with locationProperties unset' => [(static function (): BucketingAttributes {
                $a = new BucketingAttributes(['locationProperties' => ['any' => 'thing']]);
                unset($a->locationProperties);
                return $a;
            })()],
        ];
    }

    /**
     * The same attributes object used again after it changed (in place, through a reference, or by
     * a setter) is read anew: properties are never served from a stale conversion.
     */
    public function testAReusedAttributesObjectIsReadAfterEachChange(): void
    {
        $context = Fixtures::sdk(self::openConfig(['locations' => [], 'site_area' => [
            'OR' => [['AND' => [['OR_WHEN' => [['rule_type' => 'url', 'matching' => ['match_type' => 'contains', 'negated' => false], 'key' => 'url', 'value' => 'checkout']]]]]],
        ]]))->createContext('reuse');
        $attrs = new BucketingAttributes(['locationProperties' => ['url' => 'https://shop.example.com/checkout']]);
        $this->assertNotNull($context->runExperience('open', $attrs));
        $attrs->locationProperties['url'] = 'https://shop.example.com/home';
        $this->assertNull($context->runExperience('open', $attrs), 'changed in place');
        $url = &$attrs->locationProperties['url'];
        $url = 'https://shop.example.com/checkout/step-2';
        $this->assertNotNull($context->runExperience('open', $attrs), 'changed through a reference');
        $url = 'https://shop.example.com/home';
        $this->assertNull($context->runExperience('open', $attrs), 'changed again through the same reference');
        $attrs->setLocationProperties(['url' => 'https://shop.example.com/cart']);
        $this->assertNull($context->runExperience('open', $attrs), 'replaced by the setter');
        $plain = ['locationProperties' => ['url' => 'https://shop.example.com/checkout']];
        $this->assertNotNull($context->runExperience('open', $plain));
        $plain['locationProperties']['url'] = 'https://shop.example.com/home';
        $this->assertNull($context->runExperience('open', $plain), 'a plain array changed in place');
    }

    /** @dataProvider withoutLocationProperties */
    public function testWithoutLocationPropertiesNobodyIsBucketed(mixed $attributes): void
    {
        for ($i = 0; $i < 10; $i++) {
            $this->assertNull(self::decide(self::openConfig(), 'open', $attributes, "visitor-$i"));
        }
        $context = Fixtures::sdk(self::openConfig())->createContext('v');
        $this->assertSame([], $context->runExperiences($attributes));
    }

    public function testUnknownExperienceKeyGivesNull(): void
    {
        $this->assertNull(self::decide(self::openConfig(), 'Open', ['locationProperties' => ['a' => 1]]));
        $this->assertNull(self::decide(self::openConfig(), 'missing', ['locationProperties' => ['a' => 1]]));
        $this->assertNull(self::decide(self::openConfig(), '', ['locationProperties' => ['a' => 1]]));
        $this->assertNull(self::decide(['account_id' => '1', 'project' => ['id' => '2']], 'open', ['locationProperties' => ['a' => 1]]));
    }

    public function testArchivedExperienceGivesNull(): void
    {
        $attributes = ['locationProperties' => ['any' => 'thing']];
        $this->assertNull(self::decide(self::openConfig([], ['archived_experiences' => ['8001']]), 'open', $attributes));
        // ids are compared as decimal strings
        $this->assertNull(self::decide(self::openConfig([], ['archived_experiences' => [8001]]), 'open', $attributes));
        $this->assertNull(self::decide(self::openConfig(['id' => 8001], ['archived_experiences' => ['8001']]), 'open', $attributes));
        $this->assertNotNull(self::decide(self::openConfig([], ['archived_experiences' => ['80011', '9001']]), 'open', $attributes));
    }

    public function testArchivedExperienceOfTheExampleConfig(): void
    {
        $config = Fixtures::specConfig();
        $this->assertNull(self::decide($config, 'archived-test', ['locationProperties' => ['any' => 'thing']]));
        $config['archived_experiences'] = [];
        $this->assertSame('10041', self::decide($config, 'archived-test', ['locationProperties' => ['any' => 'thing']])?->variationId);
    }

    public function testEnvironmentMustMatchExactly(): void
    {
        $config = Fixtures::specConfig();
        $location = ['locationProperties' => ['any' => 'thing']];
        $this->assertNull(self::decide($config, 'staging-only', $location));
        $this->assertNull(self::decide($config, 'staging-only', $location, options: ['environment' => 'production']));
        $this->assertNull(self::decide($config, 'staging-only', $location, options: ['environment' => 'Staging']));
        $this->assertSame('10031', self::decide($config, 'staging-only', $location, options: ['environment' => 'staging'])?->variationId);
    }

    public function testBucketingAttributesEnvironmentOverridesTheSdkEnvironment(): void
    {
        $config = Fixtures::specConfig();
        $staging = new BucketingAttributes(['locationProperties' => ['any' => 'thing'], 'environment' => 'staging']);
        $this->assertSame('10031', self::decide($config, 'staging-only', $staging)?->variationId);
        $production = ['locationProperties' => self::CHECKOUT, 'environment' => 'production'];
        $this->assertNotNull(self::decide($config, 'checkout-redesign', $production, options: ['environment' => 'staging'], visitorAttributes: self::PREMIUM));
        $this->assertNull(self::decide($config, 'checkout-redesign', ['locationProperties' => self::CHECKOUT], options: ['environment' => 'staging'], visitorAttributes: self::PREMIUM));
    }

    /**
     * Scalar properties of a reused attributes object are read anew after every change, including
     * a string grown in place, and a new object with the same values reads the same.
     */
    public function testAReusedAttributesObjectSeesItsScalarPropertiesChange(): void
    {
        $context = Fixtures::sdk(Fixtures::specConfig())->createContext('reuse-scalars');
        $attrs = new BucketingAttributes(['locationProperties' => ['any' => 'thing'], 'environment' => 'stag']);
        $this->assertNull($context->runExperience('staging-only', $attrs), "environment 'stag'");
        $attrs->environment .= 'ing';
        $this->assertSame('10031', $context->runExperience('staging-only', $attrs)?->variationId, 'grown in place to staging');
        $attrs->environment = 'production';
        $this->assertNull($context->runExperience('staging-only', $attrs), 'set to production');
        $attrs->setEnvironment(null);
        $this->assertNull($context->runExperience('staging-only', $attrs), 'unset: the SDK environment (production)');
        $again = new BucketingAttributes(['locationProperties' => ['any' => 'thing'], 'environment' => 'staging']);
        $this->assertSame('10031', $context->runExperience('staging-only', $again)?->variationId, 'a new object');
        $this->assertSame('10031', $context->runExperience('staging-only', clone $again)?->variationId, 'its clone');
        $again->locationProperties = null;
        $this->assertNull($context->runExperience('staging-only', $again), 'location properties removed');
    }

    public function testExperienceWithoutEnvironmentRunsInEveryEnvironment(): void
    {
        $config = Fixtures::specConfig();
        for ($i = 0; $i < 20; $i++) {
            $production = self::decide($config, 'pricing-rollout', ['locationProperties' => self::PRICING], "env-$i");
            $custom = self::decide($config, 'pricing-rollout', ['locationProperties' => self::PRICING], "env-$i", ['environment' => 'some-env']);
            $this->assertSame(Fixtures::summary($production), Fixtures::summary($custom));
        }
    }

    public function testLocationRulesAreEvaluatedOnLocationProperties(): void
    {
        $config = Fixtures::specConfig();
        // checkout-redesign: location 2001 (startsWith checkout url)
        $this->assertNull(self::decide($config, 'checkout-redesign', ['locationProperties' => self::PRICING], visitorAttributes: self::PREMIUM));
        $this->assertNotNull(self::decide($config, 'checkout-redesign', ['locationProperties' => self::CHECKOUT], visitorAttributes: self::PREMIUM));
        // visitor properties are not location properties
        $this->assertNull(self::decide($config, 'checkout-redesign', ['locationProperties' => ['page' => 'x'], 'visitorProperties' => self::CHECKOUT], visitorAttributes: self::PREMIUM));
    }

    public function testSiteAreaIsEvaluatedWhenThereAreNoLocations(): void
    {
        $config = Fixtures::specConfig();
        $decisions = [];
        for ($i = 0; $i < 30; $i++) {
            $this->assertNull(self::decide($config, 'pricing-rollout', ['locationProperties' => self::CHECKOUT], "site-$i"));
            $decisions[] = self::decide($config, 'pricing-rollout', ['locationProperties' => self::PRICING], "site-$i")?->variationKey;
        }
        $this->assertContains('on', $decisions);
    }

    public function testUnknownLocationIdsMeanNeverEligible(): void
    {
        $config = Fixtures::specConfigWith('checkout-redesign', fn ($e) => ['locations' => ['9999']] + $e);
        for ($i = 0; $i < 10; $i++) {
            $this->assertNull(self::decide($config, 'checkout-redesign', ['locationProperties' => self::CHECKOUT], "loc-$i", visitorAttributes: self::PREMIUM));
        }
    }

    public function testAudiencesAreEvaluatedOnMergedVisitorProperties(): void
    {
        $config = Fixtures::specConfig();
        $location = ['locationProperties' => self::CHECKOUT];
        $this->assertNull(self::decide($config, 'checkout-redesign', $location));
        $this->assertNull(self::decide($config, 'checkout-redesign', $location, visitorAttributes: ['plan' => 'free', 'age' => 30]));
        $this->assertNull(self::decide($config, 'checkout-redesign', $location, visitorAttributes: ['plan' => 'premium', 'age' => 17]));
        $this->assertNotNull(self::decide($config, 'checkout-redesign', $location, visitorAttributes: ['plan' => 'Enterprise', 'age' => 18]));
        $this->assertNotNull(self::decide($config, 'checkout-redesign', $location + ['visitorProperties' => self::PREMIUM]));
    }

    public function testSegmentGateUsesStoredCustomSegments(): void
    {
        $config = Fixtures::specConfig();
        $location = ['locationProperties' => ['page' => 'home']];
        $bucketed = 0;
        for ($i = 0; $i < 40; $i++) {
            $this->assertNull(self::decide($config, 'vip-banner', $location, "seg-$i"));
            $this->assertNull(self::decide($config, 'vip-banner', $location, "seg-$i", visitorAttributes: ['custom_segments' => ['4999']]));
            if (self::decide($config, 'vip-banner', $location, "seg-$i", visitorAttributes: ['custom_segments' => ['4001']]) !== null) {
                $bucketed++;
            }
        }
        $this->assertGreaterThan(0, $bucketed);
    }

    public function testExperienceWithoutVariationsGivesNull(): void
    {
        $location = ['locationProperties' => ['a' => 1]];
        $this->assertNull(self::decide(self::openConfig(['variations' => []]), 'open', $location));
        $config = self::openConfig();
        unset($config['experiences'][0]['variations']);
        $this->assertNull(self::decide($config, 'open', $location));
        $this->assertNull(self::decide(self::openConfig(['variations' => [[]]]), 'open', $location));
    }

    public function testResultDtoCarriesStringIdsAndVerbatimChanges(): void
    {
        $config = Fixtures::specConfig();
        $variation = self::decide($config, 'checkout-redesign', ['locationProperties' => self::CHECKOUT], visitorAttributes: self::PREMIUM);
        $this->assertSame('1001', $variation->experienceId);
        $this->assertSame('checkout-redesign', $variation->experienceKey);
        $configVariation = null;
        foreach ($config['experiences'][0]['variations'] as $candidate) {
            if ($candidate['id'] === $variation->variationId) {
                $configVariation = $candidate;
            }
        }
        $this->assertNotNull($configVariation);
        $this->assertSame($configVariation['key'], $variation->variationKey);
        $this->assertSame($configVariation['changes'], $variation->changes);
    }

    /**
     * `changes` are shared between SDK instances of one config (built once per process): a caller
     * that modifies its copy, in place or through a reference, changes nothing for other callers;
     * numeric-string keys are integer keys and lookups by key work as on any PHP array.
     */
    public function testChangesAreValuesEachCallerMayModify(): void
    {
        $changes = [['id' => 7, 'type' => 'customCode', 'data' => ['js' => 'x()', '10' => 'ten', 'list' => [1, 2.5, 'three', null, true]]]];
        $config = self::openConfig(['variations' => [['id' => '80011', 'key' => 'only', 'traffic_allocation' => 100, 'changes' => $changes]]]);
        $location = ['locationProperties' => ['a' => 1]];
        $first = self::decide($config, 'open', $location, 'changes-1')->changes;
        $mine = $first;
        $mine[0]['data']['js'] = 'modified()';
        $mine[] = 'appended';
        $ref = &$mine[0]['data']['list'];
        $ref[] = 'via reference';
        $again = self::decide($config, 'open', $location, 'changes-2')->changes;
        $this->assertSame($changes, $first);
        $this->assertSame($changes, $again);
        $this->assertSame('ten', $again[0]['data'][10]);
        $this->assertArrayHasKey(10, $again[0]['data']);
        $this->assertSame(['js', 10, 'list'], array_keys($again[0]['data']));
        $this->assertSame('modified()', $mine[0]['data']['js']);
        $this->assertCount(6, $mine[0]['data']['list']);
        $this->assertSame('{"js":"x()","10":"ten","list":[1,2.5,"three",null,true]}', json_encode($again[0]['data']));
    }

    /**
     * Ids, keys and `changes` come from memory shared per config. Results keep their values after
     * their SDK is gone and after their config has left the process cache (40 configs: beyond the
     * cache and beyond the configs whose shared values are kept).
     */
    public function testResultsOutliveTheirSdkAndConfig(): void
    {
        $kept = [];
        for ($i = 0; $i < 40; $i++) {
            $config = self::openConfig(['key' => "open-$i", 'variations' => [[
                'id' => "8{$i}1", 'key' => "only-$i", 'traffic_allocation' => 100,
                'changes' => [['id' => $i, 'type' => 'customCode', 'data' => ['js' => "run($i);"]]],
            ]]]);
            $kept[$i] = self::decide($config, "open-$i", ['locationProperties' => ['a' => 1]], "outlive-$i");
        }
        gc_collect_cycles();
        foreach ($kept as $i => $variation) {
            $this->assertSame(
                ['experienceId' => '8001', 'experienceKey' => "open-$i", 'variationId' => "8{$i}1", 'variationKey' => "only-$i"],
                Fixtures::summary($variation),
            );
            $this->assertSame([['id' => $i, 'type' => 'customCode', 'data' => ['js' => "run($i);"]]], $variation->changes);
            $this->assertSame("only-$i!", $variation->variationKey . '!');
        }
    }

    public function testIntegerIdsInTheConfigBecomeStrings(): void
    {
        $config = self::openConfig(['id' => 8001, 'variations' => [['id' => 80011, 'key' => 'only', 'changes' => [['id' => 1, 'type' => 'customCode', 'data' => ['js' => 'x()']]]]]]);
        $variation = self::decide($config, 'open', ['locationProperties' => ['a' => 1]]);
        $this->assertSame('8001', $variation->experienceId);
        $this->assertSame('80011', $variation->variationId);
        $this->assertSame([['id' => 1, 'type' => 'customCode', 'data' => ['js' => 'x()']]], $variation->changes);
    }

    public function testNumericExperienceKeyIsComparedAsString(): void
    {
        $config = self::openConfig(['key' => 123]);
        $this->assertSame('123', self::decide($config, '123', ['locationProperties' => ['a' => 1]])?->experienceKey);
    }

    public function testStoredDecisionIsStableWithinOneSdkInstance(): void
    {
        $config = Fixtures::specConfig();
        $sdk = Fixtures::sdk($config);
        for ($i = 0; $i < 50; $i++) {
            $context = $sdk->createContext("stable-$i", self::PREMIUM);
            $first = Fixtures::summary($context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]));
            $this->assertNotNull($first);
            for ($repeat = 0; $repeat < 3; $repeat++) {
                $again = $sdk->createContext("stable-$i", self::PREMIUM)->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
                $this->assertSame($first, Fixtures::summary($again));
                $this->assertSame($first, Fixtures::summary($context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT])));
            }
        }
    }

    public function testEligibilityIsRecheckedBeforeTheStoredDecision(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        $context = $sdk->createContext('recheck', self::PREMIUM);
        $this->assertNotNull($context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]));
        // transient audience no longer matched, location no longer matched
        $this->assertNull($context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT, 'visitorProperties' => ['plan' => 'free']]));
        $this->assertNull($context->runExperience('checkout-redesign', ['locationProperties' => self::PRICING]));
        $this->assertNull($context->runExperience('checkout-redesign'));
    }

    public function testRunExperiencesReturnsEveryEligibleExperienceInConfigOrder(): void
    {
        $config = Fixtures::specConfig();
        $attributes = ['locationProperties' => self::BOTH];
        $visitorAttributes = self::PREMIUM + ['custom_segments' => ['4001']];
        $keys = array_column($config['experiences'], 'key');
        $seenKeys = [];
        for ($i = 0; $i < 40; $i++) {
            $expected = [];
            foreach ($keys as $key) {
                $single = self::decide($config, $key, $attributes, "many-$i", visitorAttributes: $visitorAttributes);
                if ($single !== null) {
                    $expected[] = Fixtures::summary($single);
                }
            }
            $all = Fixtures::sdk($config)->createContext("many-$i", $visitorAttributes)->runExperiences($attributes);
            $this->assertTrue(array_is_list($all));
            $this->assertSame($expected, array_map([Fixtures::class, 'summary'], $all), "visitor many-$i");
            foreach ($all as $variation) {
                $seenKeys[$variation->experienceKey] = true;
            }
        }
        // the example config makes three experiences reachable here; the others are filtered
        $this->assertSame(['checkout-redesign', 'pricing-rollout', 'vip-banner'], array_values(array_intersect($keys, array_keys($seenKeys))));
    }

    public function testRunExperiencesMatchesLaterRunExperienceCalls(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        $context = $sdk->createContext('after', self::PREMIUM);
        $all = $context->runExperiences(['locationProperties' => self::BOTH]);
        foreach ($all as $variation) {
            $single = $context->runExperience($variation->experienceKey, ['locationProperties' => self::BOTH]);
            $this->assertSame(Fixtures::summary($variation), Fixtures::summary($single));
        }
    }

    public function testStoppedAndZeroTrafficVariationsAreNeverChosenFresh(): void
    {
        $config = Fixtures::specConfig();
        $sdk = Fixtures::sdk($config);
        for ($i = 0; $i < 200; $i++) {
            $variation = $sdk->createContext("rollout-$i")->runExperience('pricing-rollout', ['locationProperties' => self::PRICING]);
            $this->assertNotSame('off', $variation?->variationKey);
        }
    }

    public function testRuleKeysAreCaseSensitiveUnlessConfiguredOtherwise(): void
    {
        $config = Fixtures::specConfig();
        $location = ['locationProperties' => self::CHECKOUT];
        $upper = ['PLAN' => 'premium', 'AGE' => 30];
        $this->assertNull(self::decide($config, 'checkout-redesign', $location, visitorAttributes: $upper));
        $insensitive = ['rules' => ['keys_case_sensitive' => false]];
        $this->assertNotNull(self::decide($config, 'checkout-redesign', $location, options: $insensitive, visitorAttributes: $upper));
    }

    public function testBucketingEventIsFiredForEverySuccessfulDecision(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        $events = [];
        $sdk->on('bucketing', function ($args, $err) use (&$events): void {
            $events[] = [$args, $err];
        });
        $context = $sdk->createContext('visitor-0', self::PREMIUM);
        $first = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $payload = ['visitorId' => 'visitor-0', 'experienceKey' => 'checkout-redesign', 'variationKey' => $first->variationKey];
        $this->assertSame([[$payload, null]], $events);
        // a stored decision fires it again; a null result does not
        $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $context->runExperience('checkout-redesign');
        $this->assertSame([[$payload, null], [$payload, null]], $events);
    }
}
