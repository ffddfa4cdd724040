<?php

use ConvertSdk\ConvertSDK;
use ConvertSdk\Core;
use ConvertSdk\Enums\LogLevel;
use ConvertSdk\Exception\ConfigValidationException;
use ConvertSdk\Exception\ConvertException;
use ConvertSdk\Interfaces\ContextInterface;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Support\Fixtures;
use ConvertSdk\Tests\Support\SdkAssertions;
use PHPUnit\Framework\TestCase;

/** ConvertSDK::create(): option processing order, validation errors and config validation (spec §1.2, §2.4). */
final class CreateOptionsTest extends TestCase
{
    use SdkAssertions;

    private const SDK_INVALID_ARGUMENT = 'ConvertSdk\Exception\InvalidArgumentException';
    private const NEITHER = 'Either sdkKey or data must be provided';

    public function testCreateWithoutArgumentsThrowsSdkInvalidArgument(): void
    {
        $e = self::assertThrowsExactly(self::SDK_INVALID_ARGUMENT, self::NEITHER, fn () => ConvertSDK::create());
        $this->assertInstanceOf(\InvalidArgumentException::class, $e);
    }

    public static function neitherSdkKeyNorData(): array
    {
        return [
            'empty options' => [[]],
            'empty sdkKey' => [['sdkKey' => '']],
            'null sdkKey' => [['sdkKey' => null]],
            "sdkKey '0' is empty()" => [['sdkKey' => '0']],
            'sdkKey 0 is empty()' => [['sdkKey' => 0]],
            'sdkKey false is empty()' => [['sdkKey' => false]],
            'null data' => [['data' => null]],
            'empty data' => [['data' => []]],
            'empty both' => [['sdkKey' => '', 'data' => []]],
            // step 1 runs before the type validation of step 3
            'invalid environment but no source' => [['environment' => 5]],
            'other options only' => [['environment' => 'staging', 'network' => ['tracking' => false]]],
        ];
    }

    /** @dataProvider neitherSdkKeyNorData */
    public function testNeitherSdkKeyNorDataThrowsSdkInvalidArgument(array $options): void
    {
        $e = self::assertThrowsExactly(self::SDK_INVALID_ARGUMENT, self::NEITHER, fn () => ConvertSDK::create($options));
        $this->assertInstanceOf(\InvalidArgumentException::class, $e);
    }

    public static function invalidEnvironments(): array
    {
        return [
            'null' => [null],
            'int' => [5],
            'float' => [1.5],
            'bool' => [true],
            'list' => [['production']],
        ];
    }

    /** @dataProvider invalidEnvironments */
    public function testNonStringEnvironmentThrowsNativeInvalidArgument(mixed $environment): void
    {
        self::assertThrowsExactly(
            \InvalidArgumentException::class,
            'Environment is required and must be a string',
            fn () => ConvertSDK::create(Fixtures::options(Fixtures::specConfig(), ['environment' => $environment]))
        );
    }

    public static function invalidSdkKeys(): array
    {
        return [
            'int' => [123],
            'float' => [1.5],
            'true' => [true],
            'non-empty list' => [['100123/100456']],
        ];
    }

    /** @dataProvider invalidSdkKeys */
    public function testNonStringSdkKeyThrowsNativeInvalidArgument(mixed $sdkKey): void
    {
        self::assertThrowsExactly(
            \InvalidArgumentException::class,
            'sdkKey must be a string',
            fn () => ConvertSDK::create(Fixtures::options(Fixtures::specConfig(), ['sdkKey' => $sdkKey]))
        );
    }

    public function testEnvironmentIsValidatedBeforeSdkKey(): void
    {
        self::assertThrowsExactly(
            \InvalidArgumentException::class,
            'Environment is required and must be a string',
            fn () => ConvertSDK::create(['sdkKey' => 123, 'environment' => null])
        );
    }

    public static function invalidData(): array
    {
        return [
            'string' => ['not-a-config'],
            'int' => [5],
            'float' => [2.5],
            'true' => [true],
            'stdClass' => [(object) ['account_id' => '100123', 'project' => ['id' => '100456']]],
        ];
    }

    /** @dataProvider invalidData */
    public function testNonArrayDataThrowsNativeInvalidArgument(mixed $data): void
    {
        self::assertThrowsExactly(
            \InvalidArgumentException::class,
            'data must be an array',
            fn () => ConvertSDK::create(['data' => $data])
        );
    }

    public function testValidDataGivesReadyCore(): void
    {
        $sdk = ConvertSDK::create(['data' => Fixtures::specConfig()]);
        $this->assertInstanceOf(Core::class, $sdk);
        $this->assertInstanceOf(CoreInterface::class, $sdk);
        $this->assertTrue($sdk->isReady());
        $this->assertTrue($sdk->onReady());
        $this->assertInstanceOf(ContextInterface::class, $sdk->createContext('visitor-1'));
    }

    public function testCreateAcceptsTheNamedArgumentConfig(): void
    {
        $sdk = ConvertSDK::create(config: Fixtures::options(Fixtures::specConfig()));
        $this->assertTrue($sdk->isReady());
    }

    public function testReadyEventFiresOnceWithoutErrorForValidConfig(): void
    {
        $calls = self::readyCalls(Fixtures::sdk(Fixtures::specConfig()));
        $this->assertCount(1, $calls);
        $this->assertSame([], $calls[0][0]);
        $this->assertNull($calls[0][1]);
    }

    public static function invalidConfigs(): array
    {
        $valid = ['account_id' => '100123', 'project' => ['id' => '100456'], 'experiences' => []];
        $account = "Config validation failed: missing 'account_id' field";
        $project = "Config validation failed: missing 'project' field";
        $projectId = "Config validation failed: 'project' must contain an 'id' field";
        $without = function (array $config, string $key): array {
            unset($config[$key]);
            return $config;
        };
        return [
            'account_id missing' => [$without($valid, 'account_id'), $account],
            'account_id null' => [['account_id' => null] + $valid, $account],
            'account_id empty' => [['account_id' => ''] + $valid, $account],
            'unrelated keys only' => [['foo' => 1], $account],
            'error member does not make it valid' => [['error' => 'boom'], $account],
            'account_id is checked before project' => [['experiences' => []], $account],
            'project missing' => [$without($valid, 'project'), $project],
            'project null' => [['project' => null] + $valid, $project],
            'project.id missing' => [['project' => ['name' => 'x']] + $valid, $projectId],
            'project.id null' => [['project' => ['id' => null]] + $valid, $projectId],
            'project.id empty' => [['project' => ['id' => '']] + $valid, $projectId],
        ];
    }

    /** @dataProvider invalidConfigs */
    public function testInvalidConfigLeavesSdkNotReady(array $config, string $message): void
    {
        $sdk = Fixtures::sdk($config);
        $this->assertFalse($sdk->isReady());
        $this->assertFalse($sdk->onReady());
        $this->assertNull($sdk->createContext('visitor-1'));

        $calls = self::readyCalls($sdk);
        $this->assertCount(1, $calls);
        $this->assertSame([], $calls[0][0]);
        $err = $calls[0][1];
        $this->assertInstanceOf(ConfigValidationException::class, $err);
        $this->assertInstanceOf(ConvertException::class, $err);
        $this->assertSame($message, $err->getMessage());
    }

    public function testFalsyAccountIdPassesValidationButIsNotReady(): void
    {
        // §2.4 only rejects missing/null/''; §1.3 isReady() additionally needs a truthy account_id.
        $sdk = Fixtures::sdk(['account_id' => '0', 'project' => ['id' => '100456']]);
        $this->assertFalse($sdk->isReady());
        $this->assertNull(self::readyCalls($sdk)[0][1]);
    }

    public function testIntegerIdsInConfigAreAccepted(): void
    {
        $sdk = Fixtures::sdk(['account_id' => 100123, 'project' => ['id' => 100456]]);
        $this->assertTrue($sdk->isReady());
    }

    public function testSdkKeyIsOptionalWhenDataIsGiven(): void
    {
        foreach (['', null, '0'] as $sdkKey) {
            $this->assertTrue(Fixtures::sdk(Fixtures::specConfig(), ['sdkKey' => $sdkKey])->isReady());
        }
    }

    public static function acceptedOptionValues(): array
    {
        return [
            'unknown key' => [['fooBar' => ['x' => 1]]],
            'cache that is not PSR-16 (string)' => [['cache' => 'not a cache']],
            'cache that is not PSR-16 (object)' => [['cache' => new \stdClass()]],
            'null dataStore' => [['dataStore' => null]],
            'sdkKeySecret' => [['sdkKeySecret' => 'secret']],
            'dataRefreshInterval' => [['dataRefreshInterval' => 1000]],
            'logger with level' => [['logger' => ['logLevel' => LogLevel::Silent, 'customLoggers' => []]]],
            'events' => [['events' => ['batch_size' => 5, 'release_interval' => 1000]]],
            'network' => [['network' => ['tracking' => false, 'cacheLevel' => 'low', 'source' => 'tests']]],
            'rules' => [['rules' => ['keys_case_sensitive' => true, 'comparisonProcessor' => null, 'negation' => '!']]],
            'default bucketing' => [['bucketing' => ['max_traffic' => 10000, 'hash_seed' => 9999, 'excludeExperienceIdHash' => false]]],
            'excludeExperienceIdHash is ignored' => [['bucketing' => ['excludeExperienceIdHash' => true]]],
            'explicit production environment' => [['environment' => 'production']],
        ];
    }

    /**
     * Documented options and unknown keys are accepted and, with the default values (or ignored options),
     * decisions are those of an SDK created without them.
     *
     * @dataProvider acceptedOptionValues
     */
    public function testOptionsAreAcceptedAndDefaultsDecideAlike(array $extra): void
    {
        $config = Fixtures::specConfig();
        $plain = Fixtures::sdk($config);
        $custom = Fixtures::sdk($config, $extra);
        $this->assertTrue($custom->isReady());
        $location = ['locationProperties' => ['url' => 'https://shop.example.com/pricing']];
        for ($i = 0; $i < 20; $i++) {
            $expected = $plain->createContext("opt-$i")->runExperience('pricing-rollout', $location);
            $actual = $custom->createContext("opt-$i")->runExperience('pricing-rollout', $location);
            $this->assertSame(Fixtures::summary($expected), Fixtures::summary($actual), "visitor opt-$i");
        }
    }

    public function testConvertSdkIsAFinalStaticFactory(): void
    {
        $class = new \ReflectionClass(ConvertSDK::class);
        $this->assertTrue($class->isFinal());
        $this->assertFalse($class->isInstantiable());
        $this->assertTrue($class->getMethod('create')->isStatic());
        $this->expectException(\Error::class);
        new ConvertSDK();
    }

    public function testEveryCreateGivesAnIndependentInstance(): void
    {
        $a = Fixtures::sdk(Fixtures::specConfig());
        $b = Fixtures::sdk(['account_id' => '1']);
        $this->assertNotSame($a, $b);
        $this->assertTrue($a->isReady());
        $this->assertFalse($b->isReady());
    }
}
