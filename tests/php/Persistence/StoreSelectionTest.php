<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\RecordingLogger;

/** Which store holds visitor data (spec §6.1, §6.8) and which of its methods are called. */
final class StoreSelectionTest extends PersistenceTestCase
{
    public function testDataStoreWinsOverCache(): void
    {
        $cacheInner = $this->filesystemCache();
        $dataStore = new CountingStore(new ArrayDataStore());
        $sdk = $this->sdk(Scenario::specConfig(), null, null, ['cache' => $cacheInner, 'dataStore' => $dataStore]);
        $this->assertNotNull(self::variationOf($sdk, 'carol'));
        $this->assertSame([1, 1], $dataStore->counts());
        $this->assertFalse($cacheInner->has(Scenario::storeKey('carol')), 'visitor data not in the cache');
    }

    public function testPsr16CacheHoldsVisitorDataWithoutDataStore(): void
    {
        $cache = $this->filesystemCache();
        $variation = self::variationOf($this->sdk(Scenario::specConfig(), $cache), 'dave');
        $this->assertSame($variation, $cache->get(Scenario::storeKey('dave'))['bucketing'][1001]);
    }

    public function invalidDataStores(): array
    {
        return [
            'object without set' => [new class {
                public function get($key) { return null; }
            }],
            'private get' => [new class {
                private function get($key) { return null; }
                public function set($key, $value) { return true; }
            }],
            'string' => ['not a store'],
            'array' => [['get' => 'strlen', 'set' => 'strlen']],
        ];
    }

    /** @dataProvider invalidDataStores */
    public function testInvalidDataStoreIsLoggedAndDataStaysInMemoryOnly(mixed $invalid): void
    {
        $log = new RecordingLogger();
        $cache = $this->filesystemCache();
        $sdk = $this->sdk(Scenario::specConfig(), null, $log, ['cache' => $cache, 'dataStore' => $invalid]);
        $this->assertContains('DataStore object is not valid. It should contain get and set methods', $log->errors());

        $variation = self::variationOf($sdk, 'erin');
        $this->assertNotNull($variation);
        $this->assertFalse($cache->has(Scenario::storeKey('erin')), 'no fallback to the cache (§6.1)');
        $this->assertSame($variation, $sdk->createContext('erin')->getVisitorData()['bucketing'][1001], 'in-memory layer');
    }

    public function testCacheThatIsNotPsr16IsNeverCalled(): void
    {
        $lookalike = new CountingStore(new ArrayDataStore()); // has get/set but is no CacheInterface
        $sdk = $this->sdk(Scenario::specConfig(), null, null, ['cache' => $lookalike]);
        $this->assertNotNull(self::variationOf($sdk, 'frank'));
        $this->assertSame([0, 0], $lookalike->counts());
    }

    public function testWithoutStoreDataLivesInTheInstanceOnly(): void
    {
        $visitor = self::visitorsMovedByReweighting(1)[0];
        $sdk = $this->sdk(Scenario::specConfig());
        $variation = self::variationOf($sdk, $visitor);
        $this->assertSame($variation, $sdk->createContext($visitor)->getVisitorData()['bucketing'][1001], 'shared by the contexts of one instance (§6.8)');
        $this->assertSame([], $this->sdk(Scenario::specConfig())->createContext($visitor)->getVisitorData(), 'not by another instance');
        $this->assertNotSame($variation, self::variationOf($this->sdk(Scenario::reweightedConfig()), $visitor));
    }

    public function testOnlyGetAndSetAreCalledWithKeyAndValue(): void
    {
        $store = new class {
            public array $calls = [];

            public function __call($name, $args)
            {
                $this->calls[] = [$name, $args];
                return $name === 'set' ? true : null;
            }
        };
        $sdk = $this->sdk(Scenario::specConfig(), $store);
        $context = $sdk->createContext('gina', ['browser' => 'CH']);
        $context->runExperience('checkout-redesign', Scenario::attributes());
        $context->trackConversion('purchase');
        $this->assertNotSame([], $store->calls);
        foreach ($store->calls as [$name, $args]) {
            $this->assertContains($name, ['get', 'set']);
            $this->assertCount($name === 'get' ? 1 : 2, $args, "$name called with key (and value) only, no TTL");
            $this->assertSame(Scenario::storeKey('gina'), $args[0]);
        }
    }
}
