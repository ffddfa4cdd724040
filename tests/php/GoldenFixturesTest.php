<?php

use ConvertSdk\ConvertSDK;
use ConvertSdk\Tests\Support\Fixtures;
use OpenAPI\Client\BucketingAttributes;
use PHPUnit\Framework\TestCase;

/**
 * The cross-SDK vectors and golden files of spec §13, driven through the public PHP API:
 * golden-php-sdk-example.json, golden-variation-order-trap.json, cross-sdk-bucketing-vectors.json,
 * static-config.json and test-config.json.
 */
final class GoldenFixturesTest extends TestCase
{
    public static function goldenExampleCases(): array
    {
        $rows = [];
        foreach (Fixtures::json('golden-php-sdk-example.json')['cases'] as $case) {
            $rows[$case['visitorId']] = [$case];
        }
        return $rows;
    }

    /**
     * The golden session of golden-php-sdk-example.json with a fresh SDK instance per visitor. The custom
     * segment the golden run added with runCustomSegments() is given as the report segment
     * `custom_segments` at context creation (spec §1.4.1, §10.2), which stores the same StoreData.
     *
     * @dataProvider goldenExampleCases
     */
    public function testGoldenExampleNormativeDecisions(array $case): void
    {
        $this->assertCount(30, Fixtures::json('golden-php-sdk-example.json')['cases']);
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        $attributes = $case['visitorAttributes'] + ['custom_segments' => $case['customSegmentsCall']['result']];
        $context = $sdk->createContext($case['visitorId'], $attributes);
        $this->assertSame($case['visitorAttributes'], $context->getAttributes());

        foreach ($case['experiences'] as $key => $experience) {
            $result = $context->runExperience($key, new BucketingAttributes(['locationProperties' => $experience['locationProperties']]));
            $expected = $experience['normative_variation'];
            if ($expected === null) {
                $this->assertNull($result, "$key for {$case['visitorId']}");
                continue;
            }
            $this->assertSame(
                ['experienceId' => $expected['experienceId'], 'experienceKey' => $key, 'variationId' => $expected['variationId'], 'variationKey' => $expected['variationKey']],
                Fixtures::summary($result),
                "$key for {$case['visitorId']}"
            );
        }

        $checkout = $case['experiences']['checkout-redesign']['locationProperties'];
        $pricing = $case['experiences']['pricing-rollout']['locationProperties'];
        $this->assertFeature($case['feature_new_checkout'], $context->runFeature('new-checkout', ['locationProperties' => $checkout]));
        $this->assertFeature($case['feature_pricing_v2'], $context->runFeature('pricing-v2', ['locationProperties' => $pricing]));
    }

    /** The same session in a different order (features first) gives the same results. */
    public function testGoldenExampleFeaturesFirst(): void
    {
        foreach (Fixtures::json('golden-php-sdk-example.json')['cases'] as $case) {
            $context = Fixtures::sdk(Fixtures::specConfig())->createContext($case['visitorId'], $case['visitorAttributes']);
            $this->assertFeature($case['feature_pricing_v2'], $context->runFeature('pricing-v2', ['locationProperties' => $case['experiences']['pricing-rollout']['locationProperties']]));
            $this->assertFeature($case['feature_new_checkout'], $context->runFeature('new-checkout', ['locationProperties' => $case['experiences']['checkout-redesign']['locationProperties']]));
        }
    }

    /** Without the custom segment the segment-targeted vip-banner serves nobody (spec §4.3 step 7). */
    public function testGoldenExampleWithoutCustomSegment(): void
    {
        foreach (Fixtures::json('golden-php-sdk-example.json')['cases'] as $case) {
            $context = Fixtures::sdk(Fixtures::specConfig())->createContext($case['visitorId'], $case['visitorAttributes']);
            $banner = $case['experiences']['vip-banner'];
            $this->assertNull($context->runExperience('vip-banner', ['locationProperties' => $banner['locationProperties']]));
        }
    }

    private function assertFeature(array $expected, $actual): void
    {
        $this->assertNotNull($actual);
        $this->assertSame($expected['featureId'], $actual->featureId);
        $this->assertSame($expected['featureKey'], $actual->featureKey);
        $this->assertSame($expected['status'], $actual->status->value);
        $this->assertSame($expected['variables'], $actual->variables);
    }

    public function testVariationOrderTrapFollowsTheNormativeOrder(): void
    {
        $fixture = Fixtures::json('golden-variation-order-trap.json');
        $this->assertNotEmpty($fixture['cases']);
        $sdk = Fixtures::sdk($fixture['config']);
        $key = $fixture['config']['experiences'][0]['key'];
        foreach ($fixture['cases'] as $case) {
            $result = $sdk->createContext($case['visitorId'])->runExperience($key, ['locationProperties' => $fixture['locationProperties']]);
            $this->assertSame($case['normative_variationId'], $result?->variationId, $case['visitorId']);
        }
    }

    public static function crossSdkVectors(): array
    {
        $rows = [];
        foreach (Fixtures::json('cross-sdk-bucketing-vectors.json') as $i => $vector) {
            $rows["#$i " . substr($vector['description'], 0, 80)] = [$vector];
        }
        return $rows;
    }

    /** @dataProvider crossSdkVectors */
    public function testCrossSdkBucketingVector(array $vector): void
    {
        $config = Fixtures::singleExperienceConfig($vector['experienceId'], 'vector-experience', $vector['version'], $vector['variations']);
        $result = Fixtures::sdk($config)->createContext($vector['visitorId'])
            ->runExperience('vector-experience', ['locationProperties' => ['page' => 'any']]);
        $this->assertSame($vector['expected'], $result?->variationId, $vector['description']);
    }

    public function testCrossSdkVectorCount(): void
    {
        $vectors = Fixtures::json('cross-sdk-bucketing-vectors.json');
        $this->assertCount(59, $vectors);
        $this->assertCount(19, array_filter($vectors, fn ($v) => $v['version'] == 11));
        $this->assertCount(40, array_filter($vectors, fn ($v) => $v['version'] == 12));
    }

    public function testVersionGateAcceptsNumericStrings(): void
    {
        // every vector decides the same with version given as a numeric string (spec §4.6 gate)
        foreach (Fixtures::json('cross-sdk-bucketing-vectors.json') as $vector) {
            $config = Fixtures::singleExperienceConfig($vector['experienceId'], 'e', (string) $vector['version'], $vector['variations']);
            $result = Fixtures::sdk($config)->createContext($vector['visitorId'])->runExperience('e', ['locationProperties' => ['page' => 'any']]);
            $this->assertSame($vector['expected'], $result?->variationId, $vector['description']);
        }
    }

    public function testStaticConfigLoadsAndDecides(): void
    {
        $config = Fixtures::json('static-config.json');
        $experience = null;
        foreach ($config['experiences'] as $candidate) {
            if ($candidate['key'] === 'test-experience-ab-fullstack-4') {
                $experience = $candidate;
            }
        }
        $variations = array_column($experience['variations'], null, 'id');
        $sdk = Fixtures::sdk($config, ['environment' => 'staging']);
        $this->assertTrue($sdk->isReady());
        $seen = [];
        for ($i = 0; $i < 60; $i++) {
            $result = $sdk->createContext("static-$i")->runExperience('test-experience-ab-fullstack-4', ['locationProperties' => ['location' => 'pricing']]);
            $this->assertNotNull($result, "static-$i");
            $this->assertSame((string) $experience['id'], $result->experienceId);
            $this->assertArrayHasKey($result->variationId, $variations);
            $this->assertSame($variations[$result->variationId]['key'], $result->variationKey);
            $this->assertSame($variations[$result->variationId]['changes'], $result->changes);
            $seen[$result->variationId] = true;
        }
        $this->assertCount(2, $seen);
    }

    public function testStaticConfigFiltersByEnvironmentAndLocation(): void
    {
        $config = Fixtures::json('static-config.json');
        $production = Fixtures::sdk($config);
        $staging = Fixtures::sdk($config, ['environment' => 'staging']);
        for ($i = 0; $i < 10; $i++) {
            $this->assertNull($production->createContext("static-$i")->runExperience('test-experience-ab-fullstack-4', ['locationProperties' => ['location' => 'pricing']]));
            $this->assertNull($staging->createContext("static-$i")->runExperience('test-experience-ab-fullstack-4', ['locationProperties' => ['location' => 'events']]));
            $this->assertNull($staging->createContext("static-$i")->runExperience('test-experience-ab-fullstack-4'));
        }
    }

    public function testStaticConfigPermanentAudience(): void
    {
        // test-experience-ab-fullstack-1: pricing location AND the adv-audience (desktop && browser != CH, or mobile)
        $staging = Fixtures::sdk(Fixtures::json('static-config.json'), ['environment' => 'staging']);
        $location = ['locationProperties' => ['location' => 'pricing']];
        for ($i = 0; $i < 10; $i++) {
            $this->assertNull($staging->createContext("perm-$i")->runExperience('test-experience-ab-fullstack-1', $location));
            $this->assertNull($staging->createContext("perm-$i", ['desktop' => true, 'browser' => 'CH'])->runExperience('test-experience-ab-fullstack-1', $location));
            $this->assertNotNull($staging->createContext("perm-$i", ['mobile' => true])->runExperience('test-experience-ab-fullstack-1', $location));
        }
    }

    public function testTestConfigIsSdkOptionsAndLoads(): void
    {
        $options = Fixtures::json('test-config.json');
        $this->assertSame('staging', $options['environment']);
        $sdk = ConvertSDK::create($options);
        $this->assertTrue($sdk->isReady());
        $variations = array_column($options['data']['experiences'][0]['variations'], null, 'id');
        $seen = [];
        for ($i = 0; $i < 40; $i++) {
            $context = $sdk->createContext("test-config-$i", ['varName3' => 'something']);
            $result = $context->runExperience('test-experience-ab-fullstack-2', ['locationProperties' => ['url' => 'https://convert.com/']]);
            $this->assertNotNull($result);
            $this->assertSame('100218245', $result->experienceId);
            $this->assertSame($variations[$result->variationId]['changes'], $result->changes);
            $seen[$result->variationId] = true;
            // the experience whose only variation is {} never decides
            $this->assertNull($context->runExperience('test-experience-ab-fullstack-4', ['locationProperties' => ['url' => 'https://convert.com/']]));
        }
        $this->assertCount(2, $seen);
    }

    public function testTestConfigTargeting(): void
    {
        $sdk = ConvertSDK::create(Fixtures::json('test-config.json'));
        $url = ['locationProperties' => ['url' => 'https://convert.com/']];
        for ($i = 0; $i < 10; $i++) {
            $this->assertNull($sdk->createContext("tc-$i")->runExperience('test-experience-ab-fullstack-2', $url));
            $this->assertNull($sdk->createContext("tc-$i", ['varName1' => 'value1'])->runExperience('test-experience-ab-fullstack-2', $url));
            $this->assertNotNull($sdk->createContext("tc-$i", ['varName1' => 'value1', 'varName2' => 'value2'])->runExperience('test-experience-ab-fullstack-2', $url));
            $this->assertNull($sdk->createContext("tc-$i", ['varName3' => 'something'])->runExperience('test-experience-ab-fullstack-2', ['locationProperties' => ['url' => 'https://convert.com/other']]));
        }
    }
}
