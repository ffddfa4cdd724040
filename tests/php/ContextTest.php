<?php

use ConvertSdk\Context;
use ConvertSdk\DTO\BucketedFeature;
use ConvertSdk\DTO\BucketedVariation;
use ConvertSdk\Interfaces\ContextInterface;
use ConvertSdk\Tests\Support\Fixtures;
use OpenAPI\Client\BucketingAttributes;
use PHPUnit\Framework\TestCase;

/** Context: construction, attributes and the run* signatures (spec §1.4, §1.5, §10.1). */
final class ContextTest extends TestCase
{
    private const CHECKOUT = ['url' => 'https://shop.example.com/checkout?step=1'];
    private const PRICING = ['url' => 'https://shop.example.com/pricing'];
    private const PREMIUM = ['plan' => 'premium', 'age' => 30];

    /** visitor-0 of golden-php-sdk-example.json: its normative checkout-redesign variation. */
    private static function goldenCheckoutVariationId(string $visitorId): ?string
    {
        foreach (Fixtures::json('golden-php-sdk-example.json')['cases'] as $case) {
            if ($case['visitorId'] === $visitorId) {
                return $case['experiences']['checkout-redesign']['normative_variation']['variationId'] ?? null;
            }
        }
        throw new \LogicException("no golden case for $visitorId");
    }

    private function context(string $visitorId = 'visitor-0', ?array $attributes = null): ContextInterface
    {
        return Fixtures::sdk(Fixtures::specConfig())->createContext($visitorId, $attributes);
    }

    public function testContextIsAFinalClassImplementingContextInterface(): void
    {
        $class = new \ReflectionClass(Context::class);
        $this->assertTrue($class->isFinal());
        $this->assertTrue($class->implementsInterface(ContextInterface::class));
        $interface = new \ReflectionClass(ContextInterface::class);
        $this->assertTrue($interface->isInterface());
        foreach ([
            'runExperience', 'runExperiences', 'runFeature', 'runFeatures', 'setAttribute', 'setAttributes',
            'getAttributes', 'getVisitorId', 'getConfigEntity', 'getConfigEntityById',
        ] as $method) {
            $this->assertTrue($interface->hasMethod($method), "ContextInterface::$method");
        }
    }

    public function testContextIsNotUserConstructible(): void
    {
        $this->expectException(\Throwable::class);
        new Context('visitor-1');
    }

    public function testGetVisitorId(): void
    {
        $this->assertSame('visitor-0', $this->context()->getVisitorId());
    }

    public function testIntegerVisitorIdIsCoercedToString(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        $context = $sdk->createContext(42);
        $this->assertSame('42', $context->getVisitorId());
        // the coerced id buckets exactly like the string id
        $attributes = ['locationProperties' => self::PRICING];
        $this->assertSame(
            Fixtures::summary($sdk->createContext('42')->runExperience('pricing-rollout', $attributes)),
            Fixtures::summary($context->runExperience('pricing-rollout', $attributes))
        );
    }

    public function testAttributesAreEmptyWithoutCreationAttributes(): void
    {
        $this->assertSame([], $this->context()->getAttributes());
        $this->assertSame([], $this->context('v', [])->getAttributes());
    }

    public function testReportSegmentsGivenAtCreationAreNotAttributes(): void
    {
        $context = $this->context('v', [
            'country' => 'DE', 'plan' => 'premium', 'browser' => 'CH', 'devices' => ['DESK'], 'source' => 'direct',
            'campaign' => 'spring', 'visitor_type' => 'new', 'custom_segments' => ['4001'], 'age' => 30,
        ]);
        $this->assertSame(['plan' => 'premium', 'age' => 30], $context->getAttributes());
        $this->assertSame([], $this->context('w', ['country' => 'DE'])->getAttributes());
    }

    public function testReportSegmentKeysMatchCaseSensitively(): void
    {
        $context = $this->context('v', ['Country' => 'DE', 'BROWSER' => 'CH']);
        $this->assertSame(['Country' => 'DE', 'BROWSER' => 'CH'], $context->getAttributes());
    }

    public function testSetAttributeAddsAnyKey(): void
    {
        $context = $this->context('v', ['plan' => 'free']);
        $this->assertNull($context->setAttribute('age', 30));
        $context->setAttribute('plan', 'premium');
        $context->setAttribute('country', 'DE');
        $context->setAttribute(value: ['x' => 1], key: 'nested');
        $this->assertSame(['plan' => 'premium', 'age' => 30, 'country' => 'DE', 'nested' => ['x' => 1]], $context->getAttributes());
    }

    public function testSetAttributesIsAShallowMergeWhereLaterWins(): void
    {
        $context = $this->context('v', ['plan' => 'free', 'nested' => ['a' => 1, 'b' => 2]]);
        $this->assertNull($context->setAttributes(['nested' => ['a' => 9], 'age' => 30]));
        $this->assertSame(['plan' => 'free', 'nested' => ['a' => 9], 'age' => 30], $context->getAttributes());
        $context->setAttributes(attributes: ['plan' => 'premium']);
        $this->assertSame(['plan' => 'premium', 'nested' => ['a' => 9], 'age' => 30], $context->getAttributes());
    }

    public function testSetAttributesOnAContextWithoutAttributes(): void
    {
        $context = $this->context();
        $context->setAttributes(['plan' => 'premium']);
        $this->assertSame(['plan' => 'premium'], $context->getAttributes());
    }

    public function testContextAttributesAreUsedForAudiences(): void
    {
        $expected = self::goldenCheckoutVariationId('visitor-0');
        $this->assertNotNull($expected);
        $withAttributes = $this->context('visitor-0', self::PREMIUM)->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $this->assertSame($expected, $withAttributes->variationId);

        $without = $this->context('visitor-0')->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $this->assertNull($without);

        $later = $this->context('visitor-0');
        $later->setAttributes(self::PREMIUM);
        $this->assertSame($expected, $later->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT])->variationId);
    }

    public function testCallAttributesOverrideContextAttributes(): void
    {
        $expected = self::goldenCheckoutVariationId('visitor-0');
        $free = $this->context('visitor-0', ['plan' => 'free', 'age' => 30]);
        $result = $free->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT, 'visitorProperties' => ['plan' => 'premium']]);
        $this->assertSame($expected, $result?->variationId);

        $premium = $this->context('visitor-0', self::PREMIUM);
        $this->assertNull($premium->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT, 'visitorProperties' => ['age' => 12]]));
        // the per-call attributes were not kept on the context
        $this->assertSame(self::PREMIUM, $premium->getAttributes());
    }

    public function testRunExperienceAcceptsBucketingAttributesObjectsAndArraysAlike(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        for ($i = 0; $i < 30; $i++) {
            $context = $sdk->createContext("attrs-$i", self::PREMIUM);
            $fromArray = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
            $fromObject = $context->runExperience('checkout-redesign', new BucketingAttributes(['locationProperties' => self::CHECKOUT]));
            $fresh = Fixtures::sdk(Fixtures::specConfig())->createContext("attrs-$i", self::PREMIUM)
                ->runExperience('checkout-redesign', (new BucketingAttributes())->setLocationProperties(self::CHECKOUT));
            $this->assertInstanceOf(BucketedVariation::class, $fromArray);
            $this->assertSame(Fixtures::summary($fromArray), Fixtures::summary($fromObject));
            $this->assertSame(Fixtures::summary($fromArray), Fixtures::summary($fresh));
        }
    }

    public function testRunMethodsAcceptNamedArguments(): void
    {
        $context = $this->context('visitor-0', self::PREMIUM);
        $attributes = new BucketingAttributes(['locationProperties' => self::CHECKOUT]);
        $variation = $context->runExperience(attributes: $attributes, experienceKey: 'checkout-redesign');
        $this->assertSame(self::goldenCheckoutVariationId('visitor-0'), $variation->variationId);

        $all = $context->runExperiences(attributes: $attributes);
        $this->assertContains('checkout-redesign', array_map(fn ($v) => $v->experienceKey, $all));

        $feature = $context->runFeature(key: 'new-checkout', attributes: $attributes);
        $this->assertInstanceOf(BucketedFeature::class, $feature);
        $this->assertSame('new-checkout', $feature->featureKey);

        $features = $context->runFeatures(attributes: $attributes);
        $this->assertContains('new-checkout', array_map(fn ($f) => $f->featureKey, $features));
    }

    public function testRunMethodsWithoutAttributes(): void
    {
        $context = $this->context('visitor-0', self::PREMIUM);
        // no location properties: nothing is bucketed (spec §4.3 step 5, §11)
        $this->assertNull($context->runExperience('checkout-redesign'));
        $this->assertNull($context->runExperience('checkout-redesign', null));
        $this->assertSame([], $context->runExperiences());
        $this->assertSame([], $context->runExperiences(null));
        $feature = $context->runFeature('new-checkout');
        $this->assertSame('disabled', $feature->status->value);
        $features = $context->runFeatures();
        $this->assertTrue(array_is_list($features));
        $this->assertSame(['new-checkout', 'pricing-v2', 'unused-flag'], array_map(fn ($f) => $f->featureKey, $features));
    }

    public function testRunExperiencesReturnsAListOfVariations(): void
    {
        $context = $this->context('visitor-0', self::PREMIUM);
        $all = $context->runExperiences(['locationProperties' => self::CHECKOUT]);
        $this->assertTrue(array_is_list($all));
        $this->assertContainsOnlyInstancesOf(BucketedVariation::class, $all);
    }

    public function testRunFeaturesReturnsAListOfFeatures(): void
    {
        $features = $this->context('visitor-0', self::PREMIUM)->runFeatures(['locationProperties' => self::PRICING]);
        $this->assertTrue(array_is_list($features));
        $this->assertContainsOnlyInstancesOf(BucketedFeature::class, $features);
    }

    public function testContextsOfOneSdkShareStoredDecisions(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        $first = $sdk->createContext('visitor-0', self::PREMIUM)->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $this->assertNotNull($first);
        $second = $sdk->createContext('visitor-0', self::PREMIUM)->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $this->assertSame(Fixtures::summary($first), Fixtures::summary($second));
    }
}
