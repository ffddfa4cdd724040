<?php

use ConvertSdk\DTO\BucketedFeature;
use ConvertSdk\DTO\BucketedVariation;
use ConvertSdk\DTO\ConversionAttributes;
use ConvertSdk\DTO\GoalData;
use ConvertSdk\Enums\FeatureStatus;
use ConvertSdk\Enums\GoalDataKey;
use ConvertSdk\Tests\Support\Fixtures;
use PHPUnit\Framework\TestCase;

/** The read-only DTOs of spec §1.6. */
final class DtoTest extends TestCase
{
    private static function variation(): BucketedVariation
    {
        $context = Fixtures::sdk(Fixtures::specConfig())->createContext('visitor-0', ['plan' => 'premium', 'age' => 30]);
        return $context->runExperience('checkout-redesign', ['locationProperties' => ['url' => 'https://shop.example.com/checkout']]);
    }

    private static function enabledFeature(): BucketedFeature
    {
        $context = Fixtures::sdk(Fixtures::specConfig())->createContext('visitor-0', ['plan' => 'premium', 'age' => 30]);
        return $context->runFeature('new-checkout', ['locationProperties' => ['url' => 'https://shop.example.com/checkout']]);
    }

    private static function disabledFeature(): BucketedFeature
    {
        return Fixtures::sdk(Fixtures::specConfig())->createContext('visitor-0')->runFeature('unused-flag');
    }

    /** Output and input DTOs with the name of one of their properties and a value of the right type. */
    public static function dtos(): array
    {
        return [
            'BucketedVariation' => [fn () => self::variation(), 'variationKey', 'other'],
            'BucketedFeature enabled' => [fn () => self::enabledFeature(), 'featureKey', 'other'],
            'BucketedFeature disabled' => [fn () => self::disabledFeature(), 'variables', ['a' => 1]],
            'ConversionAttributes' => [fn () => new ConversionAttributes(ruleData: ['a' => 1]), 'ruleData', ['b' => 2]],
            'GoalData' => [fn () => new GoalData(GoalDataKey::Amount, 10), 'value', 20],
        ];
    }

    /** @dataProvider dtos */
    public function testWritingAPropertyFails(callable $make, string $property, mixed $value): void
    {
        $dto = $make();
        $before = $dto->$property;
        try {
            $dto->$property = $value;
            $this->fail("writing $property succeeded");
        } catch (\Throwable $e) {
            $this->assertNotInstanceOf(\PHPUnit\Framework\AssertionFailedError::class, $e);
        }
        $this->assertSame($before, $dto->$property);
    }

    /** @dataProvider dtos */
    public function testDynamicPropertiesAreRejected(callable $make): void
    {
        $dto = $make();
        try {
            $dto->somethingElse = 1;
            $this->fail('dynamic property accepted');
        } catch (\Throwable $e) {
            $this->assertNotInstanceOf(\PHPUnit\Framework\AssertionFailedError::class, $e);
        }
        $this->assertFalse(isset($dto->somethingElse));
    }

    public function testBucketedVariationProperties(): void
    {
        $dto = self::variation();
        $this->assertSame('1001', $dto->experienceId);
        $this->assertSame('checkout-redesign', $dto->experienceKey);
        $this->assertIsString($dto->variationId);
        $this->assertIsString($dto->variationKey);
        $this->assertIsArray($dto->changes);
        foreach (['experienceId', 'experienceKey', 'variationId', 'variationKey', 'changes'] as $property) {
            $this->assertTrue(property_exists($dto, $property), $property);
            $this->assertTrue(isset($dto->$property), $property);
        }
    }

    public function testBucketedVariationJsonShape(): void
    {
        $dto = self::variation();
        $json = json_decode(json_encode($dto), true);
        $this->assertSame(['experienceId', 'experienceKey', 'variationId', 'variationKey', 'changes'], array_keys($json));
        $this->assertSame([
            'experienceId' => $dto->experienceId, 'experienceKey' => $dto->experienceKey,
            'variationId' => $dto->variationId, 'variationKey' => $dto->variationKey, 'changes' => $dto->changes,
        ], $json);
    }

    public function testBucketedFeatureJsonShape(): void
    {
        $enabled = self::enabledFeature();
        $this->assertSame(
            ['featureId' => '6001', 'featureKey' => 'new-checkout', 'status' => 'enabled', 'variables' => $enabled->variables],
            json_decode(json_encode($enabled), true)
        );
        $this->assertSame(
            '{"featureId":"6003","featureKey":"unused-flag","status":"disabled","variables":[]}',
            json_encode(self::disabledFeature())
        );
    }

    public function testBucketedFeatureStatusIsTheEnumCase(): void
    {
        $this->assertSame(FeatureStatus::Enabled, self::enabledFeature()->status);
        $this->assertTrue(self::enabledFeature()->status === FeatureStatus::Enabled);
        $this->assertSame('disabled', self::disabledFeature()->status->value);
    }

    public function testConversionAttributesDefaults(): void
    {
        $attributes = new ConversionAttributes();
        $this->assertNull($attributes->ruleData);
        $this->assertNull($attributes->conversionData);
        $this->assertNull($attributes->conversionSetting);
    }

    public function testConversionAttributesNamedArguments(): void
    {
        $goal = new GoalData(key: GoalDataKey::TransactionId, value: 'T-1');
        $attributes = new ConversionAttributes(
            conversionSetting: ['forceMultipleTransactions' => true],
            ruleData: ['action' => 'add'],
            conversionData: [$goal, ['key' => 'amount', 'value' => 49.99]],
        );
        $this->assertSame(['action' => 'add'], $attributes->ruleData);
        $this->assertSame($goal, $attributes->conversionData[0]);
        $this->assertSame(['key' => 'amount', 'value' => 49.99], $attributes->conversionData[1]);
        $this->assertSame(['forceMultipleTransactions' => true], $attributes->conversionSetting);
    }

    public function testConversionAttributesPositionalArguments(): void
    {
        $attributes = new ConversionAttributes(['a' => 1], [], ['b' => true]);
        $this->assertSame(['a' => 1], $attributes->ruleData);
        $this->assertSame([], $attributes->conversionData);
        $this->assertSame(['b' => true], $attributes->conversionSetting);
    }

    public function testGoalDataKeepsValueTypes(): void
    {
        $this->assertSame(49, (new GoalData(GoalDataKey::Amount, 49))->value);
        $this->assertSame(49.99, (new GoalData(GoalDataKey::Amount, 49.99))->value);
        $this->assertSame('49.99', (new GoalData(GoalDataKey::Amount, '49.99'))->value);
        $this->assertSame(GoalDataKey::ProductsCount, (new GoalData(value: 2, key: GoalDataKey::ProductsCount))->key);
    }

    public function testGoalDataRejectsAKeyThatIsNotTheEnum(): void
    {
        $this->expectException(\TypeError::class);
        new GoalData('amount', 10);
    }
}
