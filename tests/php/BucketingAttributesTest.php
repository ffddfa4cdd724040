<?php

use OpenAPI\Client\BucketingAttributes;
use PHPUnit\Framework\TestCase;

/** OpenAPI\Client\BucketingAttributes (spec §1.5). */
final class BucketingAttributesTest extends TestCase
{
    /** property => [getter, setter, sample value] */
    private const PROPERTIES = [
        'environment' => ['getEnvironment', 'setEnvironment', 'staging'],
        'locationProperties' => ['getLocationProperties', 'setLocationProperties', ['url' => 'https://example.com/']],
        'visitorProperties' => ['getVisitorProperties', 'setVisitorProperties', ['plan' => 'premium', 'tags' => ['a', 'b']]],
        'typeCasting' => ['getTypeCasting', 'setTypeCasting', false],
        'experienceKeys' => ['getExperienceKeys', 'setExperienceKeys', ['checkout-redesign']],
        'updateVisitorProperties' => ['getUpdateVisitorProperties', 'setUpdateVisitorProperties', true],
        'forceVariationId' => ['getForceVariationId', 'setForceVariationId', '10012'],
        'enableTracking' => ['getEnableTracking', 'setEnableTracking', false],
        'ignoreLocationProperties' => ['getIgnoreLocationProperties', 'setIgnoreLocationProperties', true],
    ];

    public static function properties(): array
    {
        $rows = [];
        foreach (self::PROPERTIES as $property => [$getter, $setter, $value]) {
            $rows[$property] = [$property, $getter, $setter, $value];
        }
        return $rows;
    }

    public function testClassLivesInTheOpenApiNamespace(): void
    {
        $this->assertTrue(class_exists(BucketingAttributes::class));
        // PHP class names are case-insensitive: the PHP SDK's OpenApi\Client spelling resolves too
        $this->assertTrue(class_exists('OpenApi\Client\BucketingAttributes'));
    }

    /** @dataProvider properties */
    public function testDefaultsAreNull(string $property, string $getter): void
    {
        $attributes = new BucketingAttributes();
        $this->assertNull($attributes->$property);
        $this->assertNull($attributes->$getter());
        $this->assertNull((new BucketingAttributes([]))->$getter());
    }

    /** @dataProvider properties */
    public function testConstructorTakesSameNamedKeys(string $property, string $getter, string $setter, mixed $value): void
    {
        $attributes = new BucketingAttributes([$property => $value]);
        $this->assertSame($value, $attributes->$property);
        $this->assertSame($value, $attributes->$getter());
    }

    /** @dataProvider properties */
    public function testSettersAreFluentAndUpdateThePublicProperty(string $property, string $getter, string $setter, mixed $value): void
    {
        $attributes = new BucketingAttributes();
        $this->assertSame($attributes, $attributes->$setter($value));
        $this->assertSame($value, $attributes->$property);
        $this->assertSame($value, $attributes->$getter());
        $attributes->$setter(null);
        $this->assertNull($attributes->$getter());
    }

    /** @dataProvider properties */
    public function testPublicPropertiesAreWritable(string $property, string $getter, string $setter, mixed $value): void
    {
        $attributes = new BucketingAttributes();
        $attributes->$property = $value;
        $this->assertSame($value, $attributes->$getter());
    }

    public function testAllPropertiesAtOnceAndUnknownKeysIgnored(): void
    {
        $data = [];
        foreach (self::PROPERTIES as $property => [, , $value]) {
            $data[$property] = $value;
        }
        $attributes = new BucketingAttributes($data + ['unknownKey' => 1]);
        foreach (self::PROPERTIES as $property => [$getter, , $value]) {
            $this->assertSame($value, $attributes->$getter(), $property);
        }
    }

    public function testChainedSetters(): void
    {
        $attributes = (new BucketingAttributes())
            ->setLocationProperties(['url' => '/'])
            ->setVisitorProperties(['a' => 1])
            ->setEnvironment('staging');
        $this->assertSame(['url' => '/'], $attributes->locationProperties);
        $this->assertSame(['a' => 1], $attributes->visitorProperties);
        $this->assertSame('staging', $attributes->environment);
    }
}
