<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Support\RecordingLogger;
use ConvertSdk\Tests\Support\RedisDataStore;
use ConvertSdk\Tests\Support\RedisServer;
use ConvertSdk\Tests\Support\TemporaryDirectories;
use PHPUnit\Framework\TestCase;
use Symfony\Component\Cache\Adapter\FilesystemAdapter;
use Symfony\Component\Cache\Adapter\RedisAdapter;
use Symfony\Component\Cache\Psr16Cache;

/**
 * Base of the persistence tests (spec §6): a temporary directory per test, a redis-server per test
 * class (started on first use, stopped by pid after the class), real Symfony caches and a
 * recording PSR-3 logger.
 */
abstract class PersistenceTestCase extends TestCase
{
    use TemporaryDirectories;

    private static ?RedisServer $redis = null;

    public static function tearDownAfterClass(): void
    {
        self::$redis?->stop();
        self::$redis = null;
        self::removeClassDir();
    }

    protected function setUp(): void
    {
        self::$redis?->start(); // a test that stopped Redis and failed before restarting it
    }

    protected function tearDown(): void
    {
        $this->removeTempDirs();
    }

    /** The redis-server of this test class, started on first use (a test may stop and restart it). */
    protected static function redis(): RedisServer
    {
        if (self::$redis === null) {
            self::$redis = RedisServer::launch(self::classDir() . '/redis');
        }
        return self::$redis;
    }

    /** Symfony Psr16Cache over a FilesystemAdapter in this test's directory. */
    protected function filesystemCache(): Psr16Cache
    {
        return new Psr16Cache(new FilesystemAdapter('convert', 0, $this->dir() . '/cache'));
    }

    /**
     * Symfony Psr16Cache over a RedisAdapter on a new connection (as each PHP request opens one);
     * a unique namespace per test keeps tests apart on the shared server.
     */
    protected function redisCache(?string $namespace = null): Psr16Cache
    {
        $connection = RedisAdapter::createConnection(self::redis()->dsn(), ['lazy' => true]);
        return new Psr16Cache(new RedisAdapter($connection, $namespace ?? $this->namespace()));
    }

    /** A plain user dataStore over phpredis, on a new connection. */
    protected function redisDataStore(?string $namespace = null): RedisDataStore
    {
        return new RedisDataStore(self::redis()->port(), ($namespace ?? $this->namespace()) . ':');
    }

    /** A namespace unique to this test (method and data set). */
    protected function namespace(): string
    {
        return substr(hash('sha256', static::class . '::' . $this->getName(true)), 0, 12);
    }

    /**
     * An SDK instance in data mode. $store goes to `dataStore` unless it is a PSR-16 cache (then
     * `cache`); $logger receives every level.
     */
    protected function sdk(array $config, ?object $store = null, ?RecordingLogger $logger = null, array $extra = []): CoreInterface
    {
        if ($store instanceof \Psr\SimpleCache\CacheInterface) {
            $extra += ['cache' => $store];
        } elseif ($store !== null) {
            $extra += ['dataStore' => $store];
        }
        if ($logger !== null) {
            $extra += ['logger' => $logger->option()];
        }
        $sdk = Scenario::sdk($config, $extra);
        $this->assertTrue($sdk->isReady(), 'SDK initialised');
        return $sdk;
    }

    /** Variation id chosen for one experience in a new context, or null. */
    protected static function variationOf(CoreInterface $sdk, string $visitorId, string $key = 'checkout-redesign', ?array $visitorProperties = null): ?string
    {
        return $sdk->createContext($visitorId)->runExperience($key, Scenario::attributes($visitorProperties))?->variationId;
    }

    /**
     * Visitors of Scenario::visitorIds() whose checkout-redesign decision under the spec config
     * differs from the one under Scenario::reweightedConfig() (computed without any store): the
     * visitors for which stickiness is observable.
     */
    protected static function visitorsMovedByReweighting(int $count, string $tag = 'v'): array
    {
        $before = Scenario::sdk(Scenario::specConfig());
        $after = Scenario::sdk(Scenario::reweightedConfig());
        $moved = [];
        foreach (Scenario::visitorIds(400, $tag) as $id) {
            $old = self::variationOf($before, $id);
            if ($old !== null && $old !== self::variationOf($after, $id)) {
                $moved[] = $id;
                if (count($moved) === $count) {
                    return $moved;
                }
            }
        }
        throw new \LogicException("fewer than $count visitors change variation when re-weighted");
    }

    /** A visitor (with the VIP report segment) that each of Scenario::EXPERIENCES buckets. */
    protected static function visitorInAllExperiences(string $tag = 'all'): string
    {
        $sdk = Scenario::sdk(Scenario::specConfig());
        foreach (Scenario::visitorIds(200, $tag) as $id) {
            if (!in_array(null, Scenario::decisions($sdk, [$id])[$id], true)) {
                return $id;
            }
        }
        throw new \LogicException('no visitor in every experience');
    }

    /** The first visitor of Scenario::visitorIds(…, $tag) whose fresh checkout-redesign decision is $variationId. */
    protected static function visitorFreshlyIn(string $variationId, string $tag = 'v'): string
    {
        $sdk = Scenario::sdk(Scenario::specConfig());
        foreach (Scenario::visitorIds(100, $tag) as $id) {
            if (self::variationOf($sdk, $id) === $variationId) {
                return $id;
            }
        }
        throw new \LogicException("no visitor freshly in $variationId");
    }
}
