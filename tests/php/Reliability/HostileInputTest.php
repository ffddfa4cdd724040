<?php

namespace ConvertSdk\Tests\Reliability;

use ConvertSdk\ConvertSDK;
use ConvertSdk\Exception\ConfigValidationException;
use ConvertSdk\Exception\InvalidArgumentException as SdkInvalidArgumentException;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Support\HttpSink;

/**
 * Hostile PHP input (issue 8): visitor ids, attributes, configs and options that are empty, huge, deeply
 * nested, of the wrong type or not representable in JSON. Each gets a clear exception or the documented
 * graceful result, never a crash; the risky ones run in a child process (scripts/hostile-input.php).
 * Documented graceful results: objects (other than enum cases), resources, closures, NAN and INF read as
 * null; arrays nested deeper than 64 levels are cut there (deeper values read as null); recursive arrays
 * are cut the same way.
 */
final class HostileInputTest extends ReliabilityTestCase
{
    private static ?HttpServer $sink = null;

    public static function setUpBeforeClass(): void
    {
        self::$sink = HttpServer::launch(self::classDir() . '/sink');
    }

    public static function tearDownAfterClass(): void
    {
        self::$sink?->stop();
        self::$sink = null;
        self::removeClassDir();
    }

    /** An SDK tracking to the suite's HttpSink, which outlives the shutdown releases of every instance. */
    private static function sdk(array $config, array $extra = []): CoreInterface
    {
        return ConvertSDK::create(Configs::options($config, HttpSink::url(), $extra));
    }

    private static function split(CoreInterface $sdk, string $visitor): ?string
    {
        return $sdk->createContext($visitor)?->runExperience('split', ['locationProperties' => Configs::LOCATION])?->variationId;
    }

    // ---- visitor ids --------------------------------------------------------------------------------

    public function testEmptyAndNullVisitorIdsThrowTheSdkException(): void
    {
        $sdk = self::sdk(Configs::split());
        foreach (['', null] as $id) {
            try {
                @$sdk->createContext($id);
                $this->fail('no exception for ' . var_export($id, true));
            } catch (SdkInvalidArgumentException $e) {
                $this->assertSame('Visitor ID must not be empty', $e->getMessage());
            }
        }
    }

    public function testScalarVisitorIdsAreCoercedLikeAPhpStringParameter(): void
    {
        $sdk = self::sdk(Configs::split());
        foreach ([42 => '42', '1.5' => '1.5', 'true' => '1', 'nan' => 'NAN'] as $label => $string) {
            $value = match ($label) { 42 => 42, '1.5' => 1.5, 'true' => true, 'nan' => NAN };
            $context = $sdk->createContext($value);
            $this->assertSame($string, $context->getVisitorId(), "id from $label");
            $this->assertSame(Configs::expectedSplit($string), $context->runExperience('split', ['locationProperties' => Configs::LOCATION])?->variationId);
        }
    }

    public function testArrayAndObjectVisitorIdsAreATypeError(): void
    {
        $sdk = self::sdk(Configs::split());
        foreach ([['a'], new \stdClass(), fopen('php://memory', 'r'), static fn () => 'x'] as $value) {
            try {
                $sdk->createContext($value);
                $this->fail('no TypeError for ' . get_debug_type($value));
            } catch (\TypeError $e) {
                $this->assertStringContainsString('visitorId', $e->getMessage());
            }
        }
    }

    public function testOneMegabyteVisitorIdIsDecidedStoredUnderAShortKeyAndTracked(): void
    {
        $r = $this->jsonResult(self::php('hostile-input.php', ['long-id', self::$sink->url()]));
        $this->assertSame($r['expectedSplit'], $r['split']);
        $this->assertSame('70031', $r['gatedPremium']);
        $this->assertSame([55], $r['keys'], 'one store key, in the 55-byte digest form');
        $this->assertLessThan(5.0, $r['seconds']);
    }

    /** Ids from malformed cookies: hashed and stored as the bytes PHP holds, as the PHP SDK does (§4.1). */
    public function testInvalidUtf8VisitorIdsKeepTheirBytes(): void
    {
        $sdk = self::sdk(Configs::split());
        foreach (["\xff\xfe", "abc\xc3", "caf\xe9", "\xc3\xa9t\xe9"] as $id) {
            $context = $sdk->createContext($id);
            $this->assertSame(bin2hex($id), bin2hex($context->getVisitorId()), 'getVisitorId() returns the given id');
            $this->assertSame(
                Configs::expectedSplit($id),
                $context->runExperience('split', ['locationProperties' => Configs::LOCATION])?->variationId,
                'bucketed on the raw bytes, like hash("murmur3a", experienceId . visitorId): ' . bin2hex($id),
            );
        }
    }

    // ---- attributes ----------------------------------------------------------------------------------

    public static function hostileValues(): array
    {
        // [case of scripts/hostile-input.php, what a stored property reads back as]
        return [
            'array nested 10,000 deep' => ['deep', 'array'],
            'recursive array (reference to itself)' => ['recursive', 'array'],
            'object (ArrayObject)' => ['object', 'null'],
            'Stringable object' => ['stringable', 'null'],
            'resource' => ['resource', 'null'],
            'closure' => ['closure', 'null'],
            'generator' => ['generator', 'null'],
            'NAN' => ['nan', 'null'],
            'INF' => ['inf', 'null'],
            '-INF' => ['-inf', 'null'],
            'list of 100,000 ints' => ['huge-list', 'array'],
            'map of 100,000 entries' => ['huge-map', 'array'],
        ];
    }

    /**
     * The hostile value goes everywhere (creation attributes, call attributes, location properties,
     * setAttribute, ruleData, goal data, stored properties, default segments): the decision of the
     * untargeted experience equals the hash, a rule on the hostile key never matches, a rule on a
     * normal key next to it still does, and nothing takes long.
     *
     * @dataProvider hostileValues
     */
    public function testHostileAttributeValues(string $case, string $storedType): void
    {
        $r = $this->jsonResult(self::php('hostile-input.php', [$case, self::$sink->url()], ['memory_limit' => '1G']));
        $this->assertSame($r['expectedSplit'], $r['split'], 'untargeted decision unchanged');
        $this->assertNull($r['gatedHostile'], 'plan equals "premium" does not match the hostile value');
        $this->assertSame('70031', $r['gatedPremium'], 'a matching key next to the hostile value still matches');
        $this->assertSame(2, $r['experiences']);
        $this->assertSame('false', $r['conversion'], 'goal rule on the hostile value does not match');
        $this->assertNull($r['segments']);
        $this->assertSame($storedType, $r['storedType']);
        $this->assertLessThanOrEqual(64, $r['storedDepth'], 'nesting is cut at 64 levels');
        if (str_starts_with($case, 'huge')) {
            $this->assertSame(100000, $r['storedCount'], 'huge arrays are kept whole');
        }
        $this->assertLessThan(5.0, $r['seconds'], 'bounded time (lists are merged in linear time)');
    }

    // ---- configs -------------------------------------------------------------------------------------

    public static function invalidConfigs(): array
    {
        $missing = "Config validation failed: missing 'account_id' field";
        return [
            'empty array' => [['x' => 1], $missing],
            'no project' => [['account_id' => '1'], "Config validation failed: missing 'project' field"],
            'project is a string' => [['account_id' => '1', 'project' => 'p'], "Config validation failed: 'project' must contain an 'id' field"],
            'account id is an object' => [['account_id' => new \stdClass(), 'project' => ['id' => '2']], $missing],
            'account id is NAN' => [['account_id' => NAN, 'project' => ['id' => '2']], $missing],
            'project id is a resource' => [['account_id' => '1', 'project' => ['id' => fopen('php://memory', 'r')]], "Config validation failed: 'project' must contain an 'id' field"],
        ];
    }

    /** @dataProvider invalidConfigs */
    public function testInvalidConfigIsAValidationErrorAndANotReadySdk(array $config, string $message): void
    {
        $sdk = self::sdk($config);
        $error = null;
        $sdk->on('ready', static function ($args, $err) use (&$error): void {
            $error = $err;
        });
        $this->assertInstanceOf(ConfigValidationException::class, $error);
        $this->assertSame($message, $error->getMessage());
        $this->assertFalse($sdk->isReady());
        $this->assertNull($sdk->createContext('v'));
    }

    public function testEntitiesOfTheWrongTypeAreToleratedAndNeverServed(): void
    {
        $config = Configs::split();
        $config['experiences'] = [5, 'x', null, ['id' => [1], 'key' => ['k'], 'variations' => 'v'],
            ['key' => 'broken', 'variations' => [null, 5, ['traffic_allocation' => 'abc']], 'audiences' => 'a', 'locations' => 7],
            ...$config['experiences']];
        $config += ['audiences' => 'x', 'locations' => [1, null], 'goals' => [[], 'g'], 'segments' => 5,
            'features' => [['variables' => 7], null], 'archived_experiences' => 5];
        $sdk = self::sdk($config);
        $this->assertTrue($sdk->isReady());
        $context = $sdk->createContext('tolerant');
        $attributes = ['locationProperties' => Configs::LOCATION];
        $this->assertNull($context->runExperience('broken', $attributes));
        $this->assertSame(Configs::expectedSplit('tolerant'), $context->runExperience('split', $attributes)?->variationId);
        $this->assertSame(['7001', '7002'], array_map(static fn ($v) => $v->experienceId, $context->runExperiences($attributes)));
        $this->assertContainsOnly('object', $context->runFeatures($attributes));
        $this->assertFalse($context->trackConversion('g'));
        $this->assertNull($context->runCustomSegments(['x']));
        $this->assertNull($context->getConfigEntity('broken-key', 'audience'));
    }

    public function testDuplicateKeysServeTheFirstAndDuplicateIdsStayDeterministic(): void
    {
        $config = Configs::split();
        $config['experiences'][] = ['id' => '7009', 'key' => 'split', 'variations' => [['id' => '70091', 'key' => 'dup', 'traffic_allocation' => 100]]];
        $config['experiences'][] = ['id' => '7001', 'key' => 'same-id', 'variations' => [['id' => '70099', 'key' => 'x', 'traffic_allocation' => 100]]];
        $sdk = self::sdk($config);
        $context = $sdk->createContext('dup');
        $attributes = ['locationProperties' => Configs::LOCATION];
        $expected = Configs::expectedSplit('dup');
        $this->assertSame($expected, $context->runExperience('split', $attributes)?->variationId, 'first experience with the key (§4.3 step 1)');
        $this->assertSame('70099', $context->runExperience('same-id', $attributes)?->variationId);
        $this->assertSame($expected, $context->runExperience('split', $attributes)?->variationId, 'overwritten stored id: decided again, same hash');
    }

    public function testUnicodeKeysAndValues(): void
    {
        $config = Configs::gated('страна', 'equals', 'Россия 🎉');
        $config['experiences'][1]['key'] = 'ключ-🎉';
        $config['experiences'][1]['variations'][0]['changes'] = [['type' => 'customCode', 'data' => ['ü' => 'ß', '😀' => ['ñ' => 1.5]]]];
        $sdk = self::sdk($config);
        $context = $sdk->createContext('ユーザー', ['страна' => 'Россия 🎉']);
        $variation = $context->runExperience('ключ-🎉', ['locationProperties' => ['ключ' => 'значение']]);
        $this->assertSame('70021', $variation?->variationId);
        $this->assertSame($config['experiences'][1]['variations'][0]['changes'], $variation->changes, 'returned unmodified');
        $this->assertSame('70031', $context->runExperience('gated', ['locationProperties' => Configs::LOCATION])?->variationId);
        $this->assertSame(Configs::expectedSplit('ユーザー'), $context->runExperience('split', ['locationProperties' => Configs::LOCATION])?->variationId);
    }

    public function testFiftyMegabyteConfig(): void
    {
        $r = $this->jsonResult(self::php('hostile-input.php', ['big-config'], ['memory_limit' => '1G'], 120.0));
        $this->assertGreaterThan(45 << 20, $r['bytes']);
        $this->assertTrue($r['ready']);
        $this->assertSame($r['expectedSplit'], $r['split']);
        $this->assertSame('v', $r['lastPad'], 'the last experiences are reachable');
        $this->assertLessThan(10.0, $r['createSeconds']);
        $this->assertLessThan(800, $r['peakMb']);
    }

    public function testConfigValuesNestedBeyond64LevelsAreCut(): void
    {
        $r = $this->jsonResult(self::php('hostile-input.php', ['deep-config']));
        $this->assertTrue($r['ready']);
        $this->assertSame('70021', $r['variation']);
        $this->assertGreaterThan(40, $r['changesDepth']);
        $this->assertLessThanOrEqual(64, $r['changesDepth']);
    }

    // ---- options -------------------------------------------------------------------------------------

    /** @return array<string, mixed> */
    private static function wrongValues(): array
    {
        return ['null' => null, 'int' => 5, 'negative' => -1, 'max int' => PHP_INT_MAX, 'string' => 'str', 'empty array' => [],
            'list' => [1, 2], 'object' => new \stdClass(), 'NAN' => NAN, 'INF' => INF, 'true' => true, 'closure' => static fn () => 1];
    }

    /**
     * Options of the wrong type that the spec does not reject (§1.2) are ignored or replaced by their
     * default: the SDK is ready and decides exactly as with defaults. Nested keys are tried too.
     */
    public function testOptionsOfTheWrongTypeFallBackToDefaults(): void
    {
        $keys = ['sdkKeySecret', 'cache', 'dataStore', 'dataRefreshInterval', 'logger', 'network', 'api', 'events', 'rules',
            'legacyStoreKeys', 'storeCircuitBreaker', 'deferStoreWrites', 'network.tracking', 'network.cacheLevel', 'network.source', 'network.timeout',
            'network.connectTimeout', 'api.endpoint', 'events.batch_size', 'rules.keys_case_sensitive', 'rules.comparisonProcessor',
            'logger.logLevel', 'logger.customLoggers', 'bucketing.excludeExperienceIdHash'];
        $expected = Configs::expectedSplit('opt');
        $failures = [];
        foreach ($keys as $key) {
            foreach (self::wrongValues() as $label => $value) {
                [$top, $sub] = explode('.', $key) + [1 => null];
                $option = $sub === null ? [$top => $value] : [$top => [$sub => $value]];
                try {
                    $sdk = ConvertSDK::create(['data' => Configs::split(), 'api' => ['endpoint' => ['track' => HttpSink::url()]]] + $option);
                    $got = self::split($sdk, 'opt');
                    if ($got !== $expected) {
                        $failures[] = "$key = $label: decided " . var_export($got, true);
                    }
                } catch (\Throwable $e) {
                    $failures[] = "$key = $label: " . get_class($e) . ': ' . $e->getMessage();
                }
            }
        }
        $this->assertSame([], $failures);
    }

    /** bucketing.hash_seed / max_traffic change decisions legitimately; wrong types must not break anything. */
    public function testBucketingNumbersOfTheWrongTypeNeverThrow(): void
    {
        foreach (['hash_seed', 'max_traffic'] as $key) {
            foreach (self::wrongValues() as $value) {
                $sdk = ConvertSDK::create(['data' => Configs::split(), 'bucketing' => [$key => $value]]);
                $this->assertContains(self::split($sdk, 'opt'), [null, '70011', '70012', '70013']);
            }
        }
    }

    /** §1.2 step 3: a non-string environment, and a non-empty non-string sdkKey, are native InvalidArgumentExceptions. */
    public function testEnvironmentAndSdkKeyOfTheWrongTypeAreInvalidArgumentExceptions(): void
    {
        $thrown = [];
        foreach (self::wrongValues() as $label => $value) {
            if ($label !== 'string') {
                $thrown["environment = $label"] = self::createError(['data' => Configs::split(), 'environment' => $value]);
            }
            // empty() values (null, [], '0', 0, false) mean "no sdkKey": data mode.
            if (!empty($value) && !is_string($value)) {
                $thrown["sdkKey = $label"] = self::createError(['data' => Configs::split(), 'sdkKey' => $value]);
            }
        }
        foreach ($thrown as $label => $message) {
            $expected = str_starts_with($label, 'environment') ? 'Environment is required and must be a string' : 'sdkKey must be a string';
            $this->assertSame(\InvalidArgumentException::class . ': ' . $expected, $message, $label);
        }
    }

    private static function createError(array $options): string
    {
        try {
            ConvertSDK::create($options);
            return 'no exception';
        } catch (\Throwable $e) {
            return get_class($e) . ': ' . $e->getMessage();
        }
    }
}
