<?php

use ConvertSdk\ConvertSDK;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\RemoteConfig\ConfigServerTestCase;
use ConvertSdk\Tests\RemoteConfig\RemoteConfigs;
use ConvertSdk\Tests\Support\ConfigServer;
use ConvertSdk\Tests\Support\MemoryCache;
use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * The config cache levels inside one PHP process (spec §3.2, issue 4): the process-wide parsed config
 * (keyed by endpoint + sdkKey + environment, refreshed after dataRefreshInterval), the PSR-16 `cache`
 * option (key, TTL, consulted before HTTP), stale-if-error and `config.updated`. Every test uses its
 * own endpoint path so that process-wide entries of other tests never answer.
 */
final class ConfigCacheTest extends ConfigServerTestCase
{
    /** Interval of the refresh tests: TTL = max(1, trunc(1000 / 1000)) = 1 s. */
    private const INTERVAL_MS = 1000;
    /** PSR-16 keys of configs (§3.2); the cache also holds visitor data under other keys. */
    private const CONFIG_KEY_PREFIX = 'convert_sdk.config.';

    /** create() with dataRefreshInterval INTERVAL_MS; $extra is merged recursively on top. */
    protected function create(array $extra = []): CoreInterface
    {
        return parent::create(array_replace_recursive(['dataRefreshInterval' => self::INTERVAL_MS], $extra));
    }

    /** Calls to `config.updated` listeners of $sdk, as [args, err] (the event is deferred). */
    private static function configUpdatedCalls(CoreInterface $sdk): array
    {
        $calls = [];
        $sdk->on('config.updated', function ($args, $err) use (&$calls): void {
            $calls[] = [$args, $err];
        });
        return $calls;
    }

    /** Sleeps until the 1 s TTL of entries written now has passed. */
    private static function waitPastTtl(): void
    {
        usleep(1_150_000);
    }

    private static function psr16Key(string $sdkKey): string
    {
        return 'convert_sdk.config.' . substr(hash('sha256', $sdkKey), 0, 16);
    }

    // -----------------------------------------------------------------------------------------
    // process-wide cache

    public function testOneFetchPerProcessWithinTheTtlThenExactlyOneRefetch(): void
    {
        $started = microtime(true);
        for ($i = 0; $i < 20; $i++) {
            $sdk = $this->create();
            $this->assertTrue($sdk->isReady());
            $this->assertSame('v1', self::decide($sdk));
        }
        $this->assertLessThan(1.0, microtime(true) - $started, 'the 20 creates ran within one TTL');
        $this->assertSame(1, $this->fetches());

        self::waitPastTtl();
        $refreshed = $this->create();
        for ($i = 0; $i < 10; $i++) {
            $this->assertTrue($this->create()->isReady());
        }
        $this->assertSame(2, $this->fetches(), 'one refetch after the TTL, then served from the process again');
        $this->assertSame('v1', self::decide($refreshed));
        $this->assertSame([], self::configUpdatedCalls($refreshed), 'an unchanged config is no update');
    }

    public function testProcessCacheIsKeyedByEndpointSdkKeyAndEnvironment(): void
    {
        $this->create();
        $this->create();
        $this->create(['environment' => 'staging']);
        $this->create(['environment' => 'staging']);
        $this->create(['sdkKey' => '100123/100999']);
        $this->create(['sdkKeySecret' => 'another-secret']);
        $this->create(['api' => ['endpoint' => ['config' => $this->endpoint . '/other']]]);

        $this->assertSame(
            [
                ['/config/100123/100456', 'environment=production'],
                ['/config/100123/100456', 'environment=staging'],
                ['/config/100123/100999', 'environment=production'],
                ['/other/config/100123/100456', 'environment=production'],
            ],
            array_map(
                fn (array $r): array => [substr($r['path'], strlen($this->prefix . '/api/v1')), $r['query']],
                self::$server->requests($this->prefix)
            )
        );
    }

    public function testChangedConfigIsPickedUpAfterTheTtlAndFiresConfigUpdatedOnThatInstance(): void
    {
        $first = $this->create();
        $firstUpdates = self::configUpdatedCalls($first);
        self::$server->serve(RemoteConfigs::withVariation('v2'));
        $withinTtl = $this->create();
        $withinTtlUpdates = self::configUpdatedCalls($withinTtl);
        $this->assertSame('v1', self::decide($withinTtl), 'within the TTL the process entry is served');

        self::waitPastTtl();
        $refreshed = $this->create();
        $refreshedUpdates = self::configUpdatedCalls($refreshed);
        $later = $this->create();
        $laterUpdates = self::configUpdatedCalls($later);

        $this->assertSame(2, $this->fetches());
        $this->assertSame('v2', self::decide($refreshed));
        $this->assertSame('v2', self::decide($later));
        $this->assertSame([[[], null]], $refreshedUpdates, 'config.updated fires once, on the instance that installed the change');
        $this->assertSame([], $firstUpdates);
        $this->assertSame([], $withinTtlUpdates);
        $this->assertSame([], $laterUpdates);
        $this->assertSame('v1', self::decide($first), 'an instance keeps the config it was created with');
    }

    public function testFailedRefreshServesTheLastGoodConfigLogsAndRetriesAfterAnotherInterval(): void
    {
        $this->create();
        self::$server->setMode('status:500');
        self::waitPastTtl();

        $logger = new RecordingLogger();
        $stale = $this->create(['logger' => $logger->option()]);
        $this->assertTrue($stale->isReady(), 'stale-if-error');
        $this->assertSame('v1', self::decide($stale));
        $this->assertSame([], self::configUpdatedCalls($stale));
        $this->assertSame(2, $this->fetches());
        $this->assertNotEmpty($logger->messages('warning'), 'serving a stale config is logged');
        $this->assertNotEmpty(
            array_filter($logger->messages('error'), fn (string $m): bool => str_contains($m, 'HTTP 500')),
            'the failed fetch is logged'
        );

        for ($i = 0; $i < 5; $i++) {
            $this->assertSame('v1', self::decide($this->create()));
        }
        $this->assertSame(2, $this->fetches(), 'no retry on every request');

        self::waitPastTtl();
        $this->assertSame('v1', self::decide($this->create()));
        $this->assertSame(3, $this->fetches(), 'retried after another interval');

        self::$server->setMode('ok');
        self::$server->serve(RemoteConfigs::withVariation('v2'));
        self::waitPastTtl();
        $recovered = $this->create();
        $this->assertSame('v2', self::decide($recovered));
        $this->assertCount(1, self::configUpdatedCalls($recovered));
        $this->assertSame(4, $this->fetches());
    }

    public function testServerGoneAfterWarmUpStillServesTheLastGoodConfig(): void
    {
        $server = ConfigServer::launch(sys_get_temp_dir() . '/convert-sdk-cache-gone-' . getmypid());
        $this->endpoint = $server->url() . '/api/v1';
        try {
            $server->serve(RemoteConfigs::withVariation('v1'));
            $this->assertTrue($this->create()->isReady());
            $server->stop();
            self::waitPastTtl();
            for ($i = 0; $i < 5; $i++) {
                $sdk = $this->create();
                $this->assertTrue($sdk->isReady());
                $this->assertSame('v1', self::decide($sdk));
            }
        } finally {
            $server->destroy();
        }
    }

    // -----------------------------------------------------------------------------------------
    // PSR-16 level

    public static function ttlCases(): array
    {
        return ['999 ms' => [999, 1], '1000 ms' => [1000, 1], '2500 ms' => [2500, 2], 'default 300000 ms' => [null, 300]];
    }

    /** @dataProvider ttlCases */
    public function testFetchedConfigIsStoredInThePsr16CacheWithKeyAndTtl(?int $intervalMs, int $ttl): void
    {
        $cache = new MemoryCache();
        $options = ['cache' => $cache];
        if ($intervalMs !== null) {
            $options['dataRefreshInterval'] = $intervalMs;
        }
        $sdk = ConvertSDK::create(array_replace_recursive([
            'sdkKey' => self::SDK_KEY,
            'network' => ['tracking' => false],
            'api' => ['endpoint' => ['config' => $this->endpoint]],
        ], $options));

        $key = self::psr16Key(self::SDK_KEY);
        $this->assertSame('convert_sdk.config.3c56f20931870aab', self::psr16Key('abc/def'), 'spec §3.2 example');
        $this->assertTrue($sdk->isReady());
        $this->assertSame(1, $this->fetches());
        $this->assertSame([$key, null], $cache->callsTo('get', self::CONFIG_KEY_PREFIX)[0] ?? null, 'the cache is read before HTTP');
        $this->assertSame([[$key, $ttl]], $cache->callsTo('set', self::CONFIG_KEY_PREFIX));
        $this->assertEquals(RemoteConfigs::withVariation('v1'), $cache->entries[$key], 'the decoded config is stored as an array');
    }

    public function testPlainSdkKeyIsUsedVerbatimInThePsr16Key(): void
    {
        $cache = new MemoryCache();
        $this->create(['sdkKey' => 'abc_1.2', 'cache' => $cache]);

        $this->assertSame([['convert_sdk.config.abc_1.2', 1]], $cache->callsTo('set', self::CONFIG_KEY_PREFIX));
        $this->assertSame($this->prefix . '/api/v1/config/abc_1.2', self::$server->requests($this->prefix)[0]['path']);
    }

    public function testWarmPsr16CacheMeansNoFetch(): void
    {
        $key = self::psr16Key(self::SDK_KEY);
        $cache = new MemoryCache([$key => RemoteConfigs::withVariation('from-cache')]);
        $sdk = $this->create(['cache' => $cache]);

        $this->assertTrue($sdk->isReady());
        $this->assertSame('from-cache', self::decide($sdk));
        $this->assertSame(0, $this->fetches());
        $this->assertSame([], $cache->callsTo('set', self::CONFIG_KEY_PREFIX));
    }

    public function testRefreshConsultsThePsr16CacheBeforeHttp(): void
    {
        $key = self::psr16Key(self::SDK_KEY);
        $cache = new MemoryCache();
        $this->create(['cache' => $cache]);
        $this->assertSame(1, $this->fetches());

        // Another worker refreshed the shared cache meanwhile.
        $cache->entries[$key] = RemoteConfigs::withVariation('v2');
        self::waitPastTtl();
        $refreshed = $this->create(['cache' => $cache]);

        $this->assertSame(1, $this->fetches(), 'the refresh was answered by the PSR-16 cache');
        $this->assertSame('v2', self::decide($refreshed));
        $this->assertCount(1, self::configUpdatedCalls($refreshed));
    }

    public static function unusableCachedValues(): array
    {
        return [
            'string' => ['{"account_id":"100123","project":{"id":"100456"}}', false],
            'object' => [new \ArrayObject(['account_id' => '100123', 'project' => ['id' => '100456']]), false],
            'incomplete class' => [unserialize('O:18:"ConfigResponseData":1:{s:1:"a";i:1;}'), false],
            'invalid config array' => [['project' => ['id' => '100456']], true],
        ];
    }

    /** @dataProvider unusableCachedValues */
    public function testUnusableCachedValueIsAMiss(mixed $cached, bool $deleted): void
    {
        $key = self::psr16Key(self::SDK_KEY);
        $cache = new MemoryCache([$key => $cached]);
        $sdk = $this->create(['cache' => $cache]);

        $this->assertTrue($sdk->isReady());
        $this->assertSame('v1', self::decide($sdk));
        $this->assertSame(1, $this->fetches());
        $this->assertSame($deleted ? [[$key, null]] : [], $cache->callsTo('delete', self::CONFIG_KEY_PREFIX), 'an invalid config is deleted (§3.2)');
        $this->assertSame([[$key, 1]], $cache->callsTo('set', self::CONFIG_KEY_PREFIX));
        $this->assertEquals(RemoteConfigs::withVariation('v1'), $cache->entries[$key]);
    }

    public function testObjectThatIsNotAPsr16CacheIsNotConsulted(): void
    {
        $lookalike = new class () {
            public array $calls = [];

            public function get($key, $default = null)
            {
                $this->calls[] = "get $key";
                return RemoteConfigs::withVariation('lookalike');
            }

            public function set($key, $value, $ttl = null)
            {
                $this->calls[] = "set $key";
                return true;
            }
        };
        $sdk = $this->create(['cache' => $lookalike]);

        $this->assertSame('v1', self::decide($sdk));
        $this->assertSame(1, $this->fetches());
        $this->assertNotContains('get ' . self::psr16Key(self::SDK_KEY), $lookalike->calls);
    }
}
