<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * Store keys every PSR-16 implementation accepts (spec §6.2, issue 3): e-mail addresses, `user:42`
 * ids, ids with other reserved characters and very long ids stay sticky with Symfony's Psr16Cache,
 * which rejects keys containing `{}()/\@:`.
 */
final class StoreKeyTest extends PersistenceTestCase
{
    private const IDS = [
        'jane.doe@example.com', 'user:42', 'tenant/7/user/9', '{curly}', '(paren)', 'back\\slash',
        '_leading-underscore', 'plain-visitor', 'ünïcödé-visitor',
    ];

    /** Ids of every style, including a 100-character one, each moved by the re-weighting. */
    private static function ids(): array
    {
        $ids = [...self::IDS, str_repeat('x', 100)];
        foreach (self::visitorsMovedByReweighting(6) as $moved) {
            $ids[] = $moved;
        }
        return $ids;
    }

    public function caches(): array
    {
        return ['RedisAdapter' => ['redisCache'], 'FilesystemAdapter' => ['filesystemCache']];
    }

    /** @dataProvider caches */
    public function testEveryIdStyleStaysStickyWithSymfonyPsr16Cache(string $factory): void
    {
        $log = new RecordingLogger();
        $ids = self::ids();
        $first = [];
        $sdk = $this->sdk(Scenario::specConfig(), $this->{$factory}(), $log);
        foreach ($ids as $id) {
            $first[$id] = self::variationOf($sdk, $id);
        }
        $reweighted = $this->sdk(Scenario::reweightedConfig(), $this->{$factory}(), $log);
        $fresh = $this->sdk(Scenario::reweightedConfig());
        $moved = 0;
        foreach ($ids as $id) {
            $this->assertNotNull($first[$id], $id);
            $this->assertSame($first[$id], self::variationOf($reweighted, $id), "sticky: $id");
            $moved += self::variationOf($fresh, $id) !== $first[$id] ? 1 : 0;
        }
        $this->assertGreaterThanOrEqual(6, $moved, 'the re-weighting moves visitors that have no stored decision');
        $this->assertSame([], $log->errors(), 'no key was rejected by the cache');
    }

    public function testKeysFollowTheDocumentedScheme(): void
    {
        $cache = $this->filesystemCache();
        $sdk = $this->sdk(Scenario::specConfig(), $cache);
        foreach ([...self::IDS, str_repeat('x', 100)] as $id) {
            $variation = self::variationOf($sdk, $id);
            $key = Scenario::storeKey($id);
            $this->assertLessThanOrEqual(64, strlen($key));
            $this->assertDoesNotMatchRegularExpression('~[{}()/\\\\@:]~', $key);
            $this->assertSame($variation, $cache->get($key)['bucketing'][1001] ?? null, "value under $key for $id");
        }
        $this->assertSame('100123-100456-plain-visitor', Scenario::storeKey('plain-visitor'));
        // The digest form, checked against an independent sha256: "_" + its first 40 hex digits.
        $this->assertSame('100123-100456-_' . substr(hash('sha256', 'user:42'), 0, 40), Scenario::storeKey('user:42'));
        $this->assertTrue($cache->has('100123-100456-_' . substr(hash('sha256', 'user:42'), 0, 40)));
    }

    public function testDistinctIdsNeverShareAKey(): void
    {
        $store = new CountingStore(new ArrayDataStore());
        $sdk = $this->sdk(Scenario::specConfig(), $store);
        // "_x" is digested, so it cannot collide with an id equal to some digest; a@b and a@c differ.
        $ids = ['a@b', 'a@c', '_x', 'x', substr(Scenario::storeKey('a@b'), strlen('100123-100456-'))];
        foreach ($ids as $id) {
            $sdk->createContext($id)->runExperience('checkout-redesign', Scenario::attributes());
        }
        $this->assertCount(count($ids), array_unique($store->sets), 'one key per visitor id');
    }
}
