<?php

use ConvertSdk\Cache\ArrayCache;
use ConvertSdk\Tests\Support\Fixtures;
use PHPUnit\Framework\TestCase;

/** ConvertSdk\Cache\ArrayCache, the default in-memory PSR-16 cache (spec §1.10). */
final class ArrayCacheTest extends TestCase
{
    /**
     * ArrayCache has every PSR-16 method but does not declare Psr\SimpleCache\CacheInterface: the
     * interface is a userland class that is not loaded when the extension registers its classes
     * (documented in README). The SDK never needs it: without a PSR-16 `cache` it keeps visitor data
     * in its own in-memory layer.
     */
    public function testHasEveryPsr16Method(): void
    {
        $cache = new ArrayCache();
        foreach (['get', 'set', 'delete', 'clear', 'getMultiple', 'setMultiple', 'deleteMultiple', 'has'] as $method) {
            $this->assertTrue(method_exists($cache, $method), $method);
        }
        $this->assertNotContains('Psr\SimpleCache\CacheInterface', class_implements($cache));
    }

    public function testGetSetHasDelete(): void
    {
        $cache = new ArrayCache();
        $this->assertNull($cache->get('k'));
        $this->assertSame('fallback', $cache->get('k', 'fallback'));
        $this->assertFalse($cache->has('k'));
        $this->assertTrue($cache->set('k', ['bucketing' => [1001 => '10011'], 'n' => 1.5]));
        $this->assertTrue($cache->has('k'));
        $this->assertSame(['bucketing' => [1001 => '10011'], 'n' => 1.5], $cache->get('k'));
        $this->assertTrue($cache->delete('k'));
        $this->assertFalse($cache->has('k'));
        $this->assertSame('fallback', $cache->get('k', 'fallback'));
    }

    public function testFalsyValuesAreStoredValues(): void
    {
        $cache = new ArrayCache();
        $cache->set('false', false);
        $cache->set('zero', 0);
        $this->assertTrue($cache->has('false'));
        $this->assertFalse($cache->get('false', 'fallback'));
        $this->assertSame(0, $cache->get('zero', 'fallback'));
    }

    public function testNonPositiveTtlDeletesTheKey(): void
    {
        $cache = new ArrayCache();
        $cache->set('a', 1);
        $cache->set('a', 2, 0);
        $this->assertFalse($cache->has('a'));
        $cache->set('b', 1);
        $cache->set('b', 2, -5);
        $this->assertNull($cache->get('b'));
    }

    public function testPositiveTtlAndDateIntervalExpire(): void
    {
        $cache = new ArrayCache();
        $cache->set('int', 'x', 1);
        $cache->set('interval', 'y', new \DateInterval('PT1S'));
        $cache->set('forever', 'z', null);
        $cache->set('long', 'w', 3600);
        $this->assertSame('x', $cache->get('int'));
        $this->assertSame('y', $cache->get('interval'));
        sleep(2);
        $this->assertFalse($cache->has('int'));
        $this->assertNull($cache->get('int'));
        $this->assertFalse($cache->has('interval'));
        $this->assertSame('z', $cache->get('forever'));
        $this->assertSame('w', $cache->get('long'));
    }

    public function testMultipleOperationsAndClear(): void
    {
        $cache = new ArrayCache();
        $this->assertTrue($cache->setMultiple(['a' => 1, 'b' => [2]]));
        $this->assertSame(['a' => 1, 'b' => [2], 'c' => 'd'], $this->iterableToArray($cache->getMultiple(['a', 'b', 'c'], 'd')));
        $this->assertTrue($cache->deleteMultiple(['a']));
        $this->assertFalse($cache->has('a'));
        $this->assertTrue($cache->has('b'));
        $this->assertTrue($cache->clear());
        $this->assertFalse($cache->has('b'));
    }

    public function testInstancesAreIndependent(): void
    {
        $first = new ArrayCache();
        $second = new ArrayCache();
        $first->set('k', 1);
        $this->assertFalse($second->has('k'));
    }

    public function testCanBeGivenAsTheSdkCache(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig(), ['cache' => new ArrayCache()]);
        $this->assertTrue($sdk->isReady());
        $this->assertNotNull($sdk->createContext('cache-visitor')->runExperience('checkout-redesign', [
            'locationProperties' => ['url' => 'https://shop.example.com/checkout'],
            'visitorProperties' => ['plan' => 'premium', 'age' => 30],
        ]));
    }

    private function iterableToArray(iterable $values): array
    {
        $result = [];
        foreach ($values as $key => $value) {
            $result[$key] = $value;
        }
        return $result;
    }
}
