<?php

use ConvertSdk\DTO\BucketedFeature;
use ConvertSdk\Enums\FeatureStatus;
use ConvertSdk\Interfaces\ContextInterface;
use ConvertSdk\Tests\Support\Fixtures;
use OpenAPI\Client\BucketingAttributes;
use PHPUnit\Framework\TestCase;

/** runFeature / runFeatures and variable casting (spec §8, §1.4.2). */
final class FeatureTest extends TestCase
{
    private const CHECKOUT = ['url' => 'https://shop.example.com/checkout?step=1'];
    private const BOTH = ['url' => 'https://shop.example.com/checkout/pricing'];
    private const PREMIUM = ['plan' => 'premium', 'age' => 30];

    private static function context(string $visitor = 'visitor-0', ?array $attributes = self::PREMIUM, ?array $config = null, array $options = []): ContextInterface
    {
        return Fixtures::sdk($config ?? Fixtures::specConfig(), $options)->createContext($visitor, $attributes);
    }

    /** The variation of $experienceKey the visitor gets, decided on a fresh SDK (null if none). */
    private static function variationOf(array $config, string $experienceKey, string $visitor, ?array $visitorAttributes, array $attributes, array $options = []): ?array
    {
        $result = Fixtures::sdk($config, $options)->createContext($visitor, $visitorAttributes)->runExperience($experienceKey, $attributes);
        if ($result === null) {
            return null;
        }
        foreach ($config['experiences'] as $experience) {
            foreach ($experience['variations'] as $variation) {
                if ((string) $experience['id'] === $result->experienceId && (string) ($variation['id'] ?? '') === $result->variationId) {
                    return $variation;
                }
            }
        }
        throw new \LogicException('decided variation not in config');
    }

    public function testUnknownFeatureKeyGivesNull(): void
    {
        $context = self::context();
        $this->assertNull($context->runFeature('no-such-feature', ['locationProperties' => self::CHECKOUT]));
        $this->assertNull($context->runFeature('', ['locationProperties' => self::CHECKOUT]));
        $this->assertNull($context->runFeature('New-Checkout', ['locationProperties' => self::CHECKOUT]));
    }

    public function testFeatureNotCarriedByAnyBucketedVariationIsDisabled(): void
    {
        $context = self::context();
        $unused = $context->runFeature('unused-flag', ['locationProperties' => self::BOTH]);
        $this->assertInstanceOf(BucketedFeature::class, $unused);
        $this->assertSame('6003', $unused->featureId);
        $this->assertSame('unused-flag', $unused->featureKey);
        $this->assertSame(FeatureStatus::Disabled, $unused->status);
        $this->assertSame([], $unused->variables);

        $notEligible = self::context('visitor-0', null)->runFeature('new-checkout', ['locationProperties' => self::CHECKOUT]);
        $this->assertSame('6001', $notEligible->featureId);
        $this->assertSame(FeatureStatus::Disabled, $notEligible->status);
        $this->assertSame([], $notEligible->variables);
    }

    public function testEnabledFeatureCarriesTheCastVariablesOfTheBucketedVariation(): void
    {
        $config = Fixtures::specConfig();
        for ($i = 0; $i < 20; $i++) {
            $variation = self::variationOf($config, 'checkout-redesign', "feat-$i", self::PREMIUM, ['locationProperties' => self::CHECKOUT]);
            $feature = self::context("feat-$i")->runFeature('new-checkout', ['locationProperties' => self::CHECKOUT]);
            $this->assertSame(FeatureStatus::Enabled, $feature->status);
            $this->assertSame('6001', $feature->featureId);
            $this->assertSame('new-checkout', $feature->featureKey);
            $raw = $variation['changes'][0]['data']['variables_data'];
            $expected = $variation['key'] === 'treatment'
                // spec §8.4 example
                ? ['enabled' => true, 'color' => 'green', 'discount' => 12.5, 'max_items' => 9, 'meta' => ['layout' => 'compact']]
                : ['enabled' => false, 'color' => 'blue', 'discount' => 0.0, 'max_items' => 5, 'meta' => ['layout' => 'classic']];
            $this->assertSame(array_keys($raw), array_keys($feature->variables));
            $this->assertSame($expected, $feature->variables);
        }
    }

    public function testTypeCastingFalseReturnsVariablesAsInTheConfig(): void
    {
        $config = Fixtures::specConfig();
        foreach (['visitor-0', 'visitor-1', 'visitor-2', 'visitor-3'] as $visitor) {
            $variation = self::variationOf($config, 'checkout-redesign', $visitor, self::PREMIUM, ['locationProperties' => self::CHECKOUT]);
            $raw = $variation['changes'][0]['data']['variables_data'];
            $fromArray = self::context($visitor)->runFeature('new-checkout', ['locationProperties' => self::CHECKOUT, 'typeCasting' => false]);
            $this->assertSame($raw, $fromArray->variables);
            $fromObject = self::context($visitor)->runFeature('new-checkout', (new BucketingAttributes(['locationProperties' => self::CHECKOUT]))->setTypeCasting(false));
            $this->assertSame($raw, $fromObject->variables);
            // null means true
            $cast = self::context($visitor)->runFeature('new-checkout', ['locationProperties' => self::CHECKOUT, 'typeCasting' => null]);
            $this->assertIsBool($cast->variables['enabled']);
            $this->assertIsInt($cast->variables['max_items']);
        }
    }

    public function testExperienceKeysRestrictTheExperiencesConsidered(): void
    {
        $attributes = ['locationProperties' => self::CHECKOUT];
        $restricted = self::context()->runFeature('new-checkout', $attributes + ['experienceKeys' => ['pricing-rollout']]);
        $this->assertSame(FeatureStatus::Disabled, $restricted->status);
        $this->assertSame('6001', $restricted->featureId);
        $allowed = self::context()->runFeature('new-checkout', $attributes + ['experienceKeys' => ['pricing-rollout', 'checkout-redesign']]);
        $this->assertSame(FeatureStatus::Enabled, $allowed->status);
        $empty = self::context()->runFeature('new-checkout', $attributes + ['experienceKeys' => []]);
        $this->assertSame(FeatureStatus::Enabled, $empty->status);
    }

    public function testRunFeaturesListsEnabledInExperienceOrderThenDisabledInConfigOrder(): void
    {
        $config = Fixtures::specConfig();
        $visitorAttributes = self::PREMIUM + ['custom_segments' => ['4001']];
        $featureKeys = array_column($config['features'], 'key', 'id');
        $sawDisabledPricing = $sawEnabledPricing = false;
        for ($i = 0; $i < 30; $i++) {
            $expected = [];
            $enabledIds = [];
            foreach ($config['experiences'] as $experience) {
                $variation = self::variationOf($config, $experience['key'], "all-$i", $visitorAttributes, ['locationProperties' => self::BOTH]);
                foreach ($variation['changes'] ?? [] as $change) {
                    if ($change['type'] === 'fullStackFeature') {
                        $id = (string) $change['data']['feature_id'];
                        $expected[] = [$id, $featureKeys[$id], 'enabled'];
                        $enabledIds[$id] = true;
                    }
                }
            }
            foreach ($featureKeys as $id => $key) {
                if (!isset($enabledIds[(string) $id])) {
                    $expected[] = [(string) $id, $key, 'disabled'];
                }
            }
            $features = self::context("all-$i", $visitorAttributes)->runFeatures(['locationProperties' => self::BOTH]);
            $actual = array_map(fn ($f) => [$f->featureId, $f->featureKey, $f->status->value], $features);
            $this->assertSame($expected, $actual, "visitor all-$i");
            foreach ($features as $feature) {
                if ($feature->status === FeatureStatus::Disabled) {
                    $this->assertSame([], $feature->variables);
                }
            }
            $sawEnabledPricing = $sawEnabledPricing || isset($enabledIds['6002']);
            $sawDisabledPricing = $sawDisabledPricing || !isset($enabledIds['6002']);
        }
        $this->assertTrue($sawEnabledPricing && $sawDisabledPricing, 'the 80 % rollout should enable pricing-v2 for some visitors only');
    }

    public function testRunFeaturesDoesNotDuplicateFeaturesForStaticConfig(): void
    {
        $config = Fixtures::json('static-config.json');
        $declared = array_column($config['features'], 'key', 'id');
        $location = ['locationProperties' => ['location' => 'pricing']];
        for ($i = 0; $i < 20; $i++) {
            $context = self::context("static-$i", null, $config, ['environment' => 'staging']);
            $features = $context->runFeatures($location);
            $byStatus = ['enabled' => [], 'disabled' => []];
            foreach ($features as $feature) {
                $byStatus[$feature->status->value][] = $feature->featureKey;
            }
            // test-experience-ab-fullstack-4 carries feature-2 then feature-1; nothing else is eligible
            $this->assertSame(['feature-2', 'feature-1'], $byStatus['enabled'], "static-$i");
            $this->assertSame(['feature-4', 'feature-5', 'button', 'not-attached-feature-3'], $byStatus['disabled'], "static-$i");
            $this->assertSame([], array_intersect($byStatus['enabled'], $byStatus['disabled']));
            $this->assertEqualsCanonicalizing(array_values($declared), array_unique(array_merge($byStatus['enabled'], $byStatus['disabled'])));

            $enabled = array_values(array_filter($features, fn ($f) => $f->status === FeatureStatus::Enabled));
            $this->assertSame('100334', $enabled[0]->featureId);
            $this->assertSame(['price' => 100.0, 'button-height' => 40, 'additionalData' => ['foo' => 'bar', 'v' => 2]], $enabled[0]->variables);
            $this->assertSame('10031', $enabled[1]->featureId);
            $variation = self::variationOf($config, 'test-experience-ab-fullstack-4', "static-$i", null, $location, ['environment' => 'staging']);
            $caption = $variation['changes'][1]['data']['variables_data']['caption'];
            $this->assertSame(['enabled' => false, 'caption' => $caption], $enabled[1]->variables);
        }
    }

    public function testTheSameFeatureMayBeEmittedOncePerBucketedExperience(): void
    {
        $config = Fixtures::json('static-config.json');
        $location = ['locationProperties' => ['location' => 'pricing']];
        $features = self::context('static-mobile', ['mobile' => true], $config, ['environment' => 'staging'])->runFeatures($location);
        $actual = array_map(fn ($f) => [$f->featureKey, $f->status->value], $features);
        $this->assertSame([
            ['feature-1', 'enabled'], ['feature-2', 'enabled'], ['feature-1', 'enabled'],
            ['feature-4', 'disabled'], ['feature-5', 'disabled'], ['button', 'disabled'], ['not-attached-feature-3', 'disabled'],
        ], $actual);
    }

    public function testRunFeatureReturnsTheFirstExperienceInConfigOrder(): void
    {
        $config = Fixtures::json('static-config.json');
        $location = ['locationProperties' => ['location' => 'pricing']];
        foreach (['m-1', 'm-2', 'm-3', 'm-4', 'm-5', 'm-6'] as $visitor) {
            $first = self::variationOf($config, 'test-experience-ab-fullstack-1', $visitor, ['mobile' => true], $location, ['environment' => 'staging']);
            $feature = self::context($visitor, ['mobile' => true], $config, ['environment' => 'staging'])->runFeature('feature-1', $location);
            $this->assertSame(FeatureStatus::Enabled, $feature->status);
            $this->assertSame('10031', $feature->featureId);
            $this->assertSame(['enabled' => false, 'caption' => $first['changes'][0]['data']['variables_data']['caption']], $feature->variables);
        }
    }

    public function testTestConfigStringFeatureIdsAndStringValues(): void
    {
        $options = Fixtures::json('test-config.json');
        $experience = $options['data']['experiences'][0];
        $url = ['locationProperties' => ['url' => 'https://convert.com/']];
        $sawBoth = [];
        for ($i = 0; $i < 20; $i++) {
            $sdk = \ConvertSdk\ConvertSDK::create($options);
            $context = $sdk->createContext("tc-$i", ['varName3' => 'something']);
            $variationId = $context->runExperience($experience['key'], $url)->variationId;
            $variation = array_column($experience['variations'], null, 'id')[$variationId];
            $sawBoth[$variation['key']] = true;

            $feature1 = $context->runFeature('feature-1', $url);
            $this->assertSame('10024', $feature1->featureId);
            $this->assertSame(FeatureStatus::Enabled, $feature1->status);
            $this->assertSame([
                'enabled' => $variation['changes'][0]['data']['variables_data']['enabled'] === 'true',
                'caption' => $variation['changes'][0]['data']['variables_data']['caption'],
            ], $feature1->variables);

            $feature2 = $context->runFeature('feature-2', $url);
            $this->assertSame('10025', $feature2->featureId);
            if (count($variation['changes']) === 2) {
                $this->assertSame(FeatureStatus::Enabled, $feature2->status);
                $this->assertSame(['price' => 100.0, 'button-height' => 40, 'additionalData' => ['foo' => 'bar', 'v' => 2]], $feature2->variables);
            } else {
                $this->assertSame(FeatureStatus::Disabled, $feature2->status);
            }
            $this->assertSame(FeatureStatus::Disabled, $context->runFeature('not-attached-feature-3', $url)->status);
        }
        $this->assertCount(2, $sawBoth);
    }

    /** [declared type, config value, expected value] — spec §8.4 table. */
    public static function casts(): array
    {
        return [
            'boolean "true"' => ['boolean', 'true', true],
            'boolean "false"' => ['boolean', 'false', false],
            'boolean "TRUE"' => ['boolean', 'TRUE', true],
            'boolean "0"' => ['boolean', '0', false],
            'boolean ""' => ['boolean', '', false],
            'boolean "abc"' => ['boolean', 'abc', true],
            'boolean 0' => ['boolean', 0, false],
            'boolean 2' => ['boolean', 2, true],
            'boolean []' => ['boolean', [], false],
            'boolean true' => ['boolean', true, true],
            'float "12.5"' => ['float', '12.5', 12.5],
            'float "1e3"' => ['float', '1e3', 1000.0],
            'float " 12"' => ['float', ' 12', 12.0],
            'float "12abc"' => ['float', '12abc', 12.0],
            'float "abc"' => ['float', 'abc', 0.0],
            'float null' => ['float', null, 0.0],
            'float 7' => ['float', 7, 7.0],
            'float true' => ['float', true, 1.0],
            'float false' => ['float', false, 0.0],
            'integer "12.7"' => ['integer', '12.7', 12],
            'integer "1e3"' => ['integer', '1e3', 1000],
            'integer "012"' => ['integer', '012', 12],
            'integer "+5"' => ['integer', '+5', 5],
            'integer "0x1A"' => ['integer', '0x1A', 0],
            'integer 9.7' => ['integer', 9.7, 9],
            'integer -9.7' => ['integer', -9.7, -9],
            'integer "abc"' => ['integer', 'abc', 0],
            'integer true' => ['integer', true, 1],
            'integer false' => ['integer', false, 0],
            'string true' => ['string', true, '1'],
            'string false' => ['string', false, ''],
            'string 1.0' => ['string', 1.0, '1'],
            'string 100.0' => ['string', 100.0, '100'],
            'string 42' => ['string', 42, '42'],
            'json object string' => ['json', '{"a":1}', ['a' => 1]],
            'json invalid' => ['json', 'not json', 'not json'],
            'json "null"' => ['json', 'null', null],
            'json "5"' => ['json', '5', 5],
            'json list' => ['json', '[1,2]', [1, 2]],
            'json array as is' => ['json', ['x' => [1, 2.5]], ['x' => [1, 2.5]]],
            'json int unchanged' => ['json', 5, 5],
            'unknown type unchanged' => ['color', '12', '12'],
        ];
    }

    /** @dataProvider casts */
    public function testVariableCasting(string $type, mixed $value, mixed $expected): void
    {
        $config = self::castConfig(['v' => $value], [['key' => 'v', 'type' => $type]]);
        $feature = Fixtures::sdk($config)->createContext('caster')->runFeature('cast-feature', ['locationProperties' => ['a' => 1]]);
        $this->assertSame(FeatureStatus::Enabled, $feature->status);
        $this->assertSame(['v' => $expected], $feature->variables);
    }

    public function testUndeclaredVariablesAndUndeclaredFeaturesPassThrough(): void
    {
        $config = self::castConfig(['declared' => '7', 'other' => '7'], [['key' => 'declared', 'type' => 'integer'], ['key' => 'untyped']]);
        $config['experiences'][0]['variations'][0]['changes'][] = ['id' => 2, 'type' => 'fullStackFeature', 'data' => ['feature_id' => 9999, 'variables_data' => ['x' => '1']]];
        $context = Fixtures::sdk($config)->createContext('caster');
        $feature = $context->runFeature('cast-feature', ['locationProperties' => ['a' => 1]]);
        $this->assertSame(['declared' => 7, 'other' => '7'], $feature->variables);
        $features = $context->runFeatures(['locationProperties' => ['a' => 1]]);
        $this->assertSame([['7001', 'cast-feature', 'enabled'], ['9999', '', 'enabled']], array_map(fn ($f) => [$f->featureId, $f->featureKey, $f->status->value], $features));
        $this->assertSame(['x' => '1'], $features[1]->variables);
    }

    /** One open experience whose single variation enables feature 7001 with $variables. */
    private static function castConfig(array $variables, array $definitions): array
    {
        $config = Fixtures::singleExperienceConfig('7000', 'cast-experience', 11, [[
            'id' => '70001', 'key' => 'on', 'traffic_allocation' => 100,
            'changes' => [['id' => 1, 'type' => 'fullStackFeature', 'data' => ['feature_id' => 7001, 'variables_data' => $variables]]],
        ]]);
        $config['features'] = [['id' => '7001', 'key' => 'cast-feature', 'name' => 'Cast', 'variables' => $definitions]];
        return $config;
    }
}
