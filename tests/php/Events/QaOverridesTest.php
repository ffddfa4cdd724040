<?php

namespace ConvertSdk\Tests\Events;

use ConvertSdk\Context;
use ConvertSdk\DTO\BucketedVariation;
use ConvertSdk\DTO\ConversionAttributes;
use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\Fixtures;
use OpenAPI\Client\BucketingAttributes;

/**
 * QA overrides of spec §12 (JS behaviour, ignored by the PHP SDK, §14 #27 and #34): forceVariationId,
 * enableTracking = false, ignoreLocationProperties, the exists/doesNotExist operators and preview mode.
 * All are off by default, so default decisions equal the golden ones.
 */
final class QaOverridesTest extends EventsTestCase
{
    private const CHECKOUT_ID = 1001;

    /** Variation ids of checkout-redesign in the config. */
    private static function checkoutVariationIds(): array
    {
        return array_column(Fixtures::specConfig()['experiences'][0]['variations'], 'key', 'id');
    }

    /** The checkout-redesign variation id the golden run did not give this case. */
    private static function otherCheckoutVariation(array $case): string
    {
        $natural = $case['experiences']['checkout-redesign']['normative_variation']['variationId'];
        $others = array_diff(array_map('strval', array_keys(self::checkoutVariationIds())), [$natural]);
        return (string) reset($others);
    }

    /** @return \Generator<string, array{0: array}> */
    public static function servedCheckoutCases(): \Generator
    {
        foreach (array_slice(self::goldenCases(), 0, 6) as $case) {
            if ($case['experiences']['checkout-redesign']['normative_variation'] !== null) {
                yield $case['visitorId'] => [$case];
            }
        }
    }

    // ---- defaults -----------------------------------------------------------------------------------

    /** @return array<string, array{0: array, 1: callable}> */
    public static function neutralSettings(): array
    {
        return [
            'explicit defaults in BucketingAttributes' => [[], static fn (array $location) => new BucketingAttributes([
                'locationProperties' => $location, 'forceVariationId' => null, 'enableTracking' => true, 'ignoreLocationProperties' => false,
            ])],
            'empty forceVariationId in an array' => [[], static fn (array $location) => [
                'locationProperties' => $location, 'forceVariationId' => '', 'ignoreLocationProperties' => null,
            ]],
            'enableTracking false' => [[], static fn (array $location) => ['locationProperties' => $location, 'enableTracking' => false]],
            'exists operators on (the config has none)' => [['rules' => ['exists_operators' => true]], static fn (array $location) => ['locationProperties' => $location]],
            'exists operators explicitly off' => [['rules' => ['exists_operators' => false]], static fn (array $location) => ['locationProperties' => $location]],
        ];
    }

    /** @dataProvider neutralSettings */
    public function testDecisionsEqualTheGoldenOnesWithoutAnOverride(array $options, callable $attributes): void
    {
        foreach (self::goldenCases() as $case) {
            $sdk = self::sdk($options);
            $context = self::goldenContext($sdk, $case);
            foreach ($case['experiences'] as $key => $expected) {
                $variation = $context->runExperience($key, $attributes($expected['locationProperties']));
                $this->assertSame(
                    $expected['normative_variation'],
                    $variation === null ? null : ['experienceId' => $variation->experienceId, 'variationId' => $variation->variationId, 'variationKey' => $variation->variationKey],
                    "{$case['visitorId']} / $key"
                );
                $stored = $context->getVisitorData()['bucketing'][(int) ($expected['normative_variation']['experienceId'] ?? 0)] ?? null;
                $this->assertSame($expected['normative_variation']['variationId'] ?? null, $stored, 'stored, also without tracking');
            }
        }
    }

    // ---- forceVariationId -------------------------------------------------------------------------------

    /** @dataProvider servedCheckoutCases */
    public function testForceVariationIdServesStoresAndKeepsTheForcedVariation(array $case): void
    {
        $forced = self::otherCheckoutVariation($case);
        $sdk = self::sdk();
        $events = self::record($sdk, 'bucketing');
        $context = self::goldenContext($sdk, $case);
        $attributes = (new BucketingAttributes())->setLocationProperties(self::CHECKOUT)->setForceVariationId($forced);
        $variation = $context->runExperience('checkout-redesign', $attributes);
        $this->assertSame($forced, $variation->variationId);
        $this->assertSame(self::checkoutVariationIds()[$forced], $variation->variationKey);
        $this->assertSame($forced, $context->getVisitorData()['bucketing'][self::CHECKOUT_ID]);
        $this->assertSame($variation->variationKey, self::argsOf($events, 'bucketing')[0]['variationKey']);
        $again = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $this->assertSame($forced, $again->variationId, 'the forced decision is the stored one now');
    }

    /** Per-call writes (`'deferStoreWrites' => false`): the forcing call itself writes. */
    public function testForceVariationIdReplacesADifferentStoredDecision(): void
    {
        $case = self::goldenCase('visitor-0');
        $store = new ArrayDataStore(recordSets: true);
        $context = self::goldenContext(self::sdk(['dataStore' => $store, 'deferStoreWrites' => false]), $case);
        $natural = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $this->assertSame($case['experiences']['checkout-redesign']['normative_variation']['variationId'], $natural->variationId);
        $forced = self::otherCheckoutVariation($case);
        $writes = count($store->sets);
        $variation = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT, 'forceVariationId' => $forced]);
        $this->assertSame($forced, $variation->variationId);
        $this->assertSame($writes + 1, count($store->sets), 'stored as a fresh decision');
        $this->assertSame($forced, end($store->sets)[1]['bucketing'][self::CHECKOUT_ID]);
    }

    public function testForceVariationIdReplacesADifferentStoredDecisionInTheDeferredWrite(): void
    {
        $case = self::goldenCase('visitor-0');
        $store = new ArrayDataStore(recordSets: true);
        $sdk = self::sdk(['dataStore' => $store]);
        $natural = self::goldenContext($sdk, $case)->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $this->assertSame($case['experiences']['checkout-redesign']['normative_variation']['variationId'], $natural->variationId);
        $this->assertCount(1, $store->sets, 'the natural decision was written when its Context ended');

        $forced = self::otherCheckoutVariation($case);
        $context = $sdk->createContext($case['visitorId'], $case['visitorAttributes']);
        $variation = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT, 'forceVariationId' => $forced]);
        $this->assertSame($forced, $variation->variationId);
        unset($context);
        $this->assertCount(2, $store->sets, 'stored as a fresh decision');
        $this->assertSame($forced, end($store->sets)[1]['bucketing'][self::CHECKOUT_ID]);
    }

    /** Per-call writes (`'deferStoreWrites' => false`): the forcing call writes nothing. */
    public function testForcingTheStoredVariationIsAStoredDecision(): void
    {
        $case = self::goldenCase('visitor-1');
        $store = new ArrayDataStore(recordSets: true);
        $context = self::goldenContext(self::sdk(['dataStore' => $store, 'deferStoreWrites' => false]), $case);
        $natural = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $writes = count($store->sets);
        $variation = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT, 'forceVariationId' => $natural->variationId]);
        $this->assertSame($natural->variationId, $variation->variationId);
        $this->assertCount($writes, $store->sets, 'nothing written');
    }

    public function testForceVariationIdUnknownToTheExperienceIsIgnored(): void
    {
        foreach (['99999', '10022', '10011x'] as $foreign) {
            $case = self::goldenCase('visitor-2');
            $context = self::goldenContext(self::sdk(), $case);
            $variation = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT, 'forceVariationId' => $foreign]);
            $this->assertSame($case['experiences']['checkout-redesign']['normative_variation']['variationId'], $variation->variationId, $foreign);
        }
    }

    public function testAForcedVariationStillRequiresEligibility(): void
    {
        $sdk = self::sdk();
        $premium = $sdk->createContext('forced-premium', ['plan' => 'premium', 'age' => 30]);
        $basic = $sdk->createContext('forced-basic', ['plan' => 'basic', 'age' => 30]);
        $this->assertNull($premium->runExperience('checkout-redesign', ['forceVariationId' => '10011']), 'no location properties');
        $this->assertNull($basic->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT, 'forceVariationId' => '10011']), 'audience');
        $this->assertNull($premium->runExperience('staging-only', ['locationProperties' => self::CHECKOUT, 'forceVariationId' => '10031']), 'environment');
        $this->assertNull($premium->runExperience('archived-test', ['locationProperties' => self::CHECKOUT, 'forceVariationId' => '10041']), 'archived');
        $this->assertSame([], $premium->getVisitorData()['bucketing'] ?? []);
    }

    public function testForceVariationIdAppliesToFeatures(): void
    {
        $treated = self::firstGoldenCase(static fn (array $c): bool => ($c['experiences']['checkout-redesign']['normative_variation']['variationKey'] ?? null) === 'treatment');
        $control = self::firstGoldenCase(static fn (array $c): bool => ($c['experiences']['checkout-redesign']['normative_variation']['variationKey'] ?? null) === 'control');
        $controlId = $control['experiences']['checkout-redesign']['normative_variation']['variationId'];
        $sdk = self::sdk();
        $naturalControl = self::goldenContext($sdk, $control)->runFeature('new-checkout', ['locationProperties' => self::CHECKOUT]);
        $forced = self::goldenContext($sdk, $treated)->runFeature('new-checkout', ['locationProperties' => self::CHECKOUT, 'forceVariationId' => $controlId]);
        $this->assertSame('enabled', $forced->status->value);
        $this->assertSame($naturalControl->variables, $forced->variables);
        $this->assertNotSame($treated['feature_new_checkout']['variables'], $forced->variables);
    }

    // ---- enableTracking ---------------------------------------------------------------------------------

    /** @dataProvider servedCheckoutCases */
    public function testEnableTrackingFalseStillDecidesAndStores(array $case): void
    {
        $store = new ArrayDataStore(recordSets: true);
        $context = self::goldenContext(self::sdk(['dataStore' => $store]), $case);
        $attributes = new BucketingAttributes(['locationProperties' => self::CHECKOUT, 'enableTracking' => false]);
        $variation = $context->runExperience('checkout-redesign', $attributes);
        $expected = $case['experiences']['checkout-redesign']['normative_variation'];
        $this->assertSame($expected['variationId'], $variation->variationId);
        unset($context);
        $this->assertSame($expected['variationId'], end($store->sets)[1]['bucketing'][self::CHECKOUT_ID]);
    }

    // ---- ignoreLocationProperties ------------------------------------------------------------------------

    /** @dataProvider servedCheckoutCases */
    public function testIgnoreLocationPropertiesSkipsTheLocationStep(array $case): void
    {
        $sdk = self::sdk();
        $events = self::record($sdk, 'location.activated', 'location.deactivated');
        $context = self::goldenContext($sdk, $case);
        $expected = $case['experiences']['checkout-redesign']['normative_variation']['variationId'];
        $this->assertNull($context->runExperience('checkout-redesign'), 'default: location properties are mandatory');
        $without = $context->runExperience('checkout-redesign', new BucketingAttributes(['ignoreLocationProperties' => true]));
        $this->assertSame($expected, $without->variationId);
        $elsewhere = $context->runExperience('checkout-redesign', ['ignoreLocationProperties' => true, 'locationProperties' => ['url' => 'https://elsewhere.example.com/']]);
        $this->assertSame($expected, $elsewhere->variationId);
        $this->assertCount(0, $events, 'locations are not evaluated');
        $this->assertSame([], $context->getVisitorData()['locations']);
    }

    public function testIgnoreLocationPropertiesKeepsEveryOtherCheck(): void
    {
        $sdk = self::sdk();
        $basic = $sdk->createContext('ignore-basic', ['plan' => 'basic']);
        $this->assertNull($basic->runExperience('checkout-redesign', ['ignoreLocationProperties' => true]), 'audience');
        $this->assertNull($basic->runExperience('staging-only', ['ignoreLocationProperties' => true]), 'environment');
        $this->assertNull($basic->runExperience('archived-test', ['ignoreLocationProperties' => true]), 'archived');
        $this->assertNull($basic->runExperience('vip-banner', ['ignoreLocationProperties' => true]), 'segment');
        $staging = $basic->runExperience('staging-only', ['ignoreLocationProperties' => true, 'environment' => 'staging']);
        $this->assertSame('10031', $staging->variationId, 'the only variation, 100 %');
    }

    // ---- exists / doesNotExist ------------------------------------------------------------------------------

    /** A one-experience config whose only audience is the single rule item $item. */
    private static function audienceConfig(array $item): array
    {
        $config = Fixtures::singleExperienceConfig('7001', 'gated', 11, [['id' => '70011', 'key' => 'only', 'traffic_allocation' => 100]]);
        $config['experiences'][0]['audiences'] = ['7100'];
        $config['audiences'] = [[
            'id' => '7100', 'key' => 'gate', 'type' => 'transient',
            'rules' => ['OR' => [['AND' => [['OR_WHEN' => [$item + ['rule_type' => 'generic_key_value']]]]]]],
        ]];
        return $config;
    }

    /** @return array<string, array{0: string, 1: bool, 2: bool, 3: array<string, bool>}> */
    public static function existenceRules(): array
    {
        // [operator, negated, item has a value, expected per visitor properties case]
        $cases = ['absent' => false, 'null' => false, 'empty string' => false, 'text' => false, 'zero' => false, 'no properties at all' => false];
        return [
            'exists' => ['exists', false, false, ['text' => true, 'zero' => true] + $cases],
            'exists negated' => ['exists', true, false, ['absent' => true, 'null' => true, 'empty string' => true, 'no properties at all' => true] + $cases],
            'doesNotExist' => ['doesNotExist', false, false, ['absent' => true, 'null' => true, 'empty string' => true, 'no properties at all' => true] + $cases],
            'doesNotExist negated' => ['doesNotExist', true, false, ['text' => true, 'zero' => true] + $cases],
            'exists with a value' => ['exists', false, true, ['text' => true, 'zero' => true] + $cases],
            // not_exists needs a value and stays false on a missing key (§12).
            'not_exists' => ['not_exists', false, true, ['null' => true, 'empty string' => true] + $cases],
        ];
    }

    /** Visitor properties for each case of existenceRules(). */
    private static function existenceData(): array
    {
        return [
            'absent' => ['plan' => 'premium'],
            'null' => ['email' => null],
            'empty string' => ['email' => ''],
            'text' => ['email' => 'qa@example.com'],
            'zero' => ['email' => 0],
            'no properties at all' => [],
        ];
    }

    /** @dataProvider existenceRules */
    public function testExistenceOperatorsWhenEnabled(string $operator, bool $negated, bool $withValue, array $expected): void
    {
        $item = ['key' => 'email', 'matching' => ['match_type' => $operator, 'negated' => $negated]] + ($withValue ? ['value' => 'x'] : []);
        $config = self::audienceConfig($item);
        $enabled = self::sdk(['rules' => ['exists_operators' => true]], $config);
        $default = self::sdk([], $config);
        foreach (self::existenceData() as $name => $properties) {
            $attributes = ['locationProperties' => ['url' => '/'], 'visitorProperties' => $properties];
            $served = $enabled->createContext("exists-$name")->runExperience('gated', $attributes);
            $this->assertSame($expected[$name], $served !== null, "$operator negated=" . var_export($negated, true) . ": $name");
            $this->assertNull($default->createContext("exists-$name")->runExperience('gated', $attributes), "off by default: $name");
        }
    }

    public function testExistsInLocationRules(): void
    {
        $config = Fixtures::singleExperienceConfig('7002', 'located', 11, [['id' => '70021', 'key' => 'only']]);
        $config['experiences'][0]['site_area'] = ['OR' => [['AND' => [['OR_WHEN' => [[
            'rule_type' => 'generic_key_value', 'key' => 'campaign', 'matching' => ['match_type' => 'exists', 'negated' => false],
        ]]]]]]];
        $sdk = self::sdk(['rules' => ['exists_operators' => true]], $config);
        $this->assertNotNull($sdk->createContext('loc-1')->runExperience('located', ['locationProperties' => ['campaign' => 'spring']]));
        $this->assertNull($sdk->createContext('loc-2')->runExperience('located', ['locationProperties' => ['url' => '/']]));
        $this->assertNull(self::sdk([], $config)->createContext('loc-1')->runExperience('located', ['locationProperties' => ['campaign' => 'spring']]));
    }

    // ---- preview ----------------------------------------------------------------------------------------

    /** @return array<string, array{0: string, 1: ?array}> */
    public static function previewParams(): array
    {
        return [
            'experience.variation' => ['1001.10012', ['experienceId' => '1001', 'variationId' => '10012']],
            'zeros' => ['0.0', ['experienceId' => '0', 'variationId' => '0']],
            'long ids' => ['100312345.100398765', ['experienceId' => '100312345', 'variationId' => '100398765']],
            'empty' => ['', null],
            'experience only' => ['1001', null],
            'trailing dot' => ['1001.', null],
            'leading dot' => ['.10012', null],
            'three parts' => ['1001.10012.1', null],
            'letters' => ['abc.def', null],
            'comma' => ['1001,10012', null],
            'leading space' => [' 1001.10012', null],
            'trailing newline' => ["1001.10012\n", null],
            'sign' => ['-1001.10012', null],
            'exponent' => ['1e3.10012', null],
            'non-ASCII digits' => ['١٠٠١.١٠٠١٢', null],
            'query string' => ['_conv_eforce=1001.10012', null],
        ];
    }

    /** @dataProvider previewParams */
    public function testParsePreviewParam(string $param, ?array $expected): void
    {
        $this->assertSame($expected, Context::parsePreviewParam($param));
    }

    /**
     * A context of a golden case with a spy store and no pending write: the case's data is prepared
     * by a first context (written when it ends), then read by this one. The store's writes so far are
     * reset, so with deferStoreWrites `$store->sets` stays empty even after this context ends unless
     * it changed something.
     */
    private static function previewContext(array $case, ?ArrayDataStore &$store, ?\ArrayObject &$events): Context
    {
        $store = new ArrayDataStore(recordSets: true);
        $sdk = self::sdk(['dataStore' => $store]);
        $events = self::record($sdk, 'bucketing', 'conversion', 'location.activated', 'location.deactivated');
        self::goldenContext($sdk, $case);
        $context = $sdk->createContext($case['visitorId'], $case['visitorAttributes']);
        $store->sets = [];
        return $context;
    }

    /** @dataProvider servedCheckoutCases */
    public function testPreviewForcesTheVariationWithoutEligibilityOrStorage(array $case): void
    {
        $forced = self::otherCheckoutVariation($case);
        $context = self::previewContext($case, $store, $events);
        $before = $context->getVisitorData();
        $context->setPreview(Context::parsePreviewParam(self::CHECKOUT_ID . '.' . $forced));

        $variation = $context->runExperience('checkout-redesign');
        $this->assertInstanceOf(BucketedVariation::class, $variation, 'no location properties needed');
        $this->assertSame([(string) self::CHECKOUT_ID, $forced], [$variation->experienceId, $variation->variationId]);
        $this->assertSame($forced, $context->runExperience('checkout-redesign', ['locationProperties' => ['url' => 'https://elsewhere.example.com/']])->variationId);
        $this->assertSame($before, $context->getVisitorData());
        unset($context);
        $this->assertSame([], $store->sets, 'nothing written, also when the Context ends');
        $this->assertSame([], self::argsOf($events, 'location.activated'));
    }

    public function testPreviewIgnoresAudiencesToo(): void
    {
        $sdk = self::sdk();
        $context = $sdk->createContext('preview-basic', ['plan' => 'basic']);
        $this->assertNull($context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]));
        $context->setPreview(['experienceId' => '1001', 'variationId' => '10011']);
        $this->assertSame('10011', $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT])->variationId);
    }

    public function testInPreviewOtherDecisionsAreComputedButNotStored(): void
    {
        $case = self::firstGoldenCase(static fn (array $c): bool => $c['experiences']['checkout-redesign']['normative_variation'] !== null
            && $c['experiences']['pricing-rollout']['normative_variation'] !== null);
        $context = self::previewContext($case, $store, $events);
        $before = $context->getVisitorData();
        $context->setPreview(Context::parsePreviewParam('1002.10022'));

        $checkout = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $this->assertSame($case['experiences']['checkout-redesign']['normative_variation']['variationId'], $checkout->variationId);
        $all = $context->runExperiences(['locationProperties' => ['url' => 'https://shop.example.com/checkout/pricing']]);
        $expected = array_values(array_filter(array_map(
            static fn (array $e) => $e['normative_variation']['variationId'] ?? null,
            $case['experiences']
        )));
        $this->assertSame($expected, array_map(static fn (BucketedVariation $v) => $v->variationId, $all));
        $this->assertSame($before, $context->getVisitorData(), 'nothing stored');
        unset($context);
        $this->assertSame([], $store->sets, 'the dataStore saw no set, also when the Context ends');
        $this->assertSame([], self::argsOf($events, 'location.activated'), 'location events are suppressed');
    }

    public function testInPreviewConversionsAndSegmentWritesAreNoOps(): void
    {
        $case = self::goldenCase('visitor-3');
        $context = self::previewContext($case, $store, $events);
        $before = $context->getVisitorData();
        $context->setPreview(Context::parsePreviewParam('1001.10011'));

        $this->assertNull($context->trackConversion('purchase'));
        $this->assertNull($context->trackConversion('add-to-cart', new ConversionAttributes(ruleData: ['action' => 'add'])));
        $this->assertNull($context->setDefaultSegments(['country' => 'DE', 'browser' => 'FF']));
        $this->assertNull($context->updateVisitorProperties($case['visitorId'], ['plan' => 'enterprise']));
        $context->runCustomSegments(['vip'], ['ruleData' => ['vip' => true]]);
        $this->assertSame($before, $context->getVisitorData());
        unset($context);
        $this->assertSame([], $store->sets, 'nothing written, also when the Context ends');
        $this->assertSame([], self::argsOf($events, 'conversion'));
    }

    public function testInPreviewCustomSegmentsAreNotStored(): void
    {
        $store = new ArrayDataStore(recordSets: true);
        $context = self::sdk(['dataStore' => $store])->createContext('preview-segments');
        $context->setPreview(Context::parsePreviewParam('1001.10011'));
        $context->runCustomSegments(['vip'], ['ruleData' => ['vip' => true]]);
        $this->assertSame([], $context->getVisitorData()['segments']['custom_segments'] ?? []);
        $this->assertNull($context->runExperience('vip-banner', ['locationProperties' => ['page' => 'home']]), 'the segment was not kept');
        unset($context);
        $this->assertSame([], $store->sets, 'nothing written, also when the Context ends');
    }

    public function testLeavingPreviewRestoresNormalDecisions(): void
    {
        $case = self::goldenCase('visitor-4');
        $context = self::previewContext($case, $store, $events);
        $context->setPreview(Context::parsePreviewParam('1001.' . self::otherCheckoutVariation($case)));
        $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $context->setPreview(null);

        $variation = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $expected = $case['experiences']['checkout-redesign']['normative_variation']['variationId'];
        $this->assertSame($expected, $variation->variationId);
        $this->assertNotEmpty(self::argsOf($events, 'location.activated'));
        $this->assertNull($context->trackConversion('purchase'));
        $this->assertSame(['purchase' => true], $context->getVisitorData()['goals']);
        unset($context);
        $this->assertCount(1, $store->sets, 'one write when the Context ends');
        $this->assertSame($expected, end($store->sets)[1]['bucketing'][self::CHECKOUT_ID]);
        $this->assertSame(['purchase' => true], end($store->sets)[1]['goals']);
    }

    public function testPreviewIsScopedToItsContext(): void
    {
        $case = self::goldenCase('visitor-5');
        $sdk = self::sdk();
        $previewing = self::goldenContext($sdk, $case);
        $previewing->setPreview(Context::parsePreviewParam('1001.' . self::otherCheckoutVariation($case)));
        $sameVisitor = self::goldenContext($sdk, $case);
        $variation = $sameVisitor->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $this->assertSame($case['experiences']['checkout-redesign']['normative_variation']['variationId'], $variation->variationId);
        $this->assertSame(self::otherCheckoutVariation($case), $previewing->runExperience('checkout-redesign')->variationId);
    }

    public function testPreviewOfAVariationTheExperienceLacks(): void
    {
        $case = self::goldenCase('visitor-6');
        $context = self::goldenContext(self::sdk(), $case);
        $context->setPreview(Context::parsePreviewParam('1001.10021'));
        $this->assertNull($context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]));
        $pricing = $context->runExperience('pricing-rollout', ['locationProperties' => self::PRICING]);
        $this->assertSame($case['experiences']['pricing-rollout']['normative_variation']['variationId'], $pricing->variationId);
    }

    public function testPreviewServesTheFeatureOfThePreviewedVariation(): void
    {
        $control = self::firstGoldenCase(static fn (array $c): bool => ($c['experiences']['checkout-redesign']['normative_variation']['variationKey'] ?? null) === 'control');
        $treated = self::firstGoldenCase(static fn (array $c): bool => ($c['experiences']['checkout-redesign']['normative_variation']['variationKey'] ?? null) === 'treatment');
        $sdk = self::sdk();
        $reference = self::goldenContext($sdk, $control)->runFeature('new-checkout', ['locationProperties' => self::CHECKOUT]);
        $context = self::goldenContext($sdk, $treated);
        $context->setPreview(Context::parsePreviewParam('1001.' . $control['experiences']['checkout-redesign']['normative_variation']['variationId']));
        $feature = $context->runFeature('new-checkout');
        $this->assertSame('enabled', $feature->status->value);
        $this->assertSame($reference->variables, $feature->variables);
    }
}
