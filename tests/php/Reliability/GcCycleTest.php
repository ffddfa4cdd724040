<?php

namespace ConvertSdk\Tests\Reliability;

use ConvertSdk\Tests\Support\PhpProcess;
use ConvertSdk\Cache\ArrayCache;
use ConvertSdk\ConvertSDK;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\MemoryCache;
use ConvertSdk\Tests\Support\RecordingLogger;
use ConvertSdk\Tests\Support\HttpSink;

require_once __DIR__ . '/lib/ReliabilityTestCase.php';

/**
 * Reference cycles through values the SDK keeps in Rust (listeners, cache, dataStore, logger, the Core
 * of a Context) are freed by PHP's cycle collector (the get_gc handler of src/php/gc.rs), while the
 * objects of a cycle that is still referenced keep working.
 */
final class GcCycleTest extends ReliabilityTestCase
{
    private const NO_TRACKING = ['locationProperties' => Configs::LOCATION, 'enableTracking' => false];

    private static function sdk(array $extra = []): CoreInterface
    {
        return ConvertSDK::create(Configs::options(Configs::split(), HttpSink::url(), $extra));
    }

    /**
     * Builds one cycle of kind $kind in a scope of its own and returns weak references to the objects
     * in it (after the scope only the cycle references them).
     *
     * @return array<string, \WeakReference>
     */
    private static function cycle(string $kind, array $attributes = self::NO_TRACKING): array
    {
        $refs = [];
        switch ($kind) {
            case 'listener capturing $sdk':
                $sdk = self::sdk();
                $sdk->on('bucketing', static function () use ($sdk): void {
                });
                break;
            case 'listener capturing $context':
                $sdk = self::sdk();
                $context = $sdk->createContext('gc-visitor');
                $sdk->on('bucketing', static function () use ($context): void {
                });
                $refs['context'] = \WeakReference::create($context);
                break;
            case 'PSR-16 cache holding $sdk':
                $cache = new MemoryCache();
                $sdk = self::sdk(['cache' => $cache]);
                $cache->entries['sdk'] = $sdk;
                $refs['cache'] = \WeakReference::create($cache);
                break;
            case 'dataStore holding $sdk':
                $store = new ArrayDataStore();
                $sdk = self::sdk(['dataStore' => $store]);
                $store->values['sdk'] = $sdk;
                $refs['store'] = \WeakReference::create($store);
                break;
            case 'logger holding $context':
                $logger = new RecordingLogger();
                $sdk = self::sdk(['logger' => $logger->option()]);
                $context = $sdk->createContext('gc-visitor');
                $logger->records[] = ['context', $context];
                $refs['logger'] = \WeakReference::create($logger);
                $refs['context'] = \WeakReference::create($context);
                break;
            case 'ArrayCache holding itself':
                $cache = new ArrayCache();
                $cache->set('self', $cache);
                return ['cache' => \WeakReference::create($cache)];
            default:
                throw new \LogicException($kind);
        }
        $context ??= $sdk->createContext('gc-visitor');
        $context->runExperience('split', $attributes);
        $refs['sdk'] = \WeakReference::create($sdk);
        return $refs;
    }

    public static function kinds(): array
    {
        $kinds = ['listener capturing $sdk', 'listener capturing $context', 'PSR-16 cache holding $sdk',
            'dataStore holding $sdk', 'logger holding $context', 'ArrayCache holding itself'];
        return array_combine($kinds, array_map(static fn (string $k): array => [$k], $kinds));
    }

    /** @dataProvider kinds */
    public function testCycleIsCollected(string $kind): void
    {
        $refs = self::cycle($kind);
        foreach ($refs as $name => $ref) {
            $this->assertNotNull($ref->get(), "$name is kept alive by the cycle until the collector runs");
        }
        $this->assertGreaterThan(0, gc_collect_cycles(), 'the collector found garbage');
        foreach ($refs as $name => $ref) {
            $this->assertNull($ref->get(), "$name collected");
        }
    }

    /**
     * 20,000 cycles (listeners capturing $sdk and $context, a dataStore holding $sdk) left to the
     * automatic collector: none survives and PHP's memory stays flat.
     */
    public function testMemoryStaysFlatOver20000Cycles(): void
    {
        $iterations = 20000;
        $alive = [];
        $baseline = 0;
        for ($i = 0; $i < $iterations; $i++) {
            $store = new ArrayDataStore();
            $sdk = self::sdk(['dataStore' => $store]);
            $store->values['sdk'] = $sdk;
            $context = $sdk->createContext('v' . ($i % 100));
            $sdk->on('bucketing', static function () use ($sdk, $context): void {
            });
            $context->runExperience('split', self::NO_TRACKING);
            if ($i % 1000 === 0) {
                $alive[] = \WeakReference::create($sdk);
            }
            unset($store, $sdk, $context);
            if ($i === 2000) {
                gc_collect_cycles();
                $baseline = memory_get_usage();
            }
        }
        gc_collect_cycles();
        $growth = memory_get_usage() - $baseline;
        $this->assertSame([], array_filter($alive, static fn (\WeakReference $r): bool => $r->get() !== null), 'every SDK collected');
        // Without collection each iteration retains more than 1 KiB (about 18 MiB in all).
        $this->assertLessThan(256 * 1024, $growth, "PHP memory grew by $growth bytes over " . ($iterations - 2000) . ' iterations');
    }

    /** While the cycle is referenced, collections leave it intact and its listeners keep firing. */
    public function testSdkInALiveCycleKeepsWorking(): void
    {
        $fired = new \ArrayObject();
        $sdk = self::sdk();
        $sdk->on('bucketing', static function (array $args) use ($sdk, $fired): void {
            $fired[] = [$args['visitorId'], $sdk->isReady()];
        });
        $context = $sdk->createContext('first');
        $sdk->on('bucketing', static function () use ($context): void {
        });
        gc_collect_cycles();
        $context->runExperience('split', self::NO_TRACKING);
        gc_collect_cycles();
        $sdk->createContext('second')->runExperience('split', self::NO_TRACKING);
        $this->assertSame([['first', true], ['second', true]], $fired->getArrayCopy());

        // A context alone keeps its SDK (and its listeners) alive through collections.
        $sdkRef = \WeakReference::create($sdk);
        unset($sdk);
        gc_collect_cycles();
        $this->assertNotNull($sdkRef->get(), 'a live Context keeps its Core');
        $context->runExperience('all-in', self::NO_TRACKING);
        $this->assertSame(['first', true], $fired[2] ?? null, 'listener fired after the collection');
        $this->assertSame('first', $context->getVisitorId());

        unset($context);
        $this->assertGreaterThan(0, gc_collect_cycles());
        $this->assertNull($sdkRef->get(), 'collected once nothing references the cycle');
    }

    /**
     * An SDK with queued tracking events is kept for the request-end release (its listeners are called
     * then), even in a cycle; once the queue is released the cycle is collected.
     */
    public function testQueuedEventsKeepTheSdkUntilReleased(): void
    {
        $released = new \ArrayObject();
        $sdk = self::sdk();
        $sdk->on('api.queue.released', static function (array $args) use ($sdk, $released): void {
            $released[] = $args['reason'];
        });
        $context = $sdk->createContext('queued');
        $this->assertNotNull($context->runExperience('split', ['locationProperties' => Configs::LOCATION]));
        $ref = \WeakReference::create($sdk);
        unset($sdk, $context);
        gc_collect_cycles();
        $this->assertNotNull($ref->get(), 'kept while events wait for release');

        $ref->get()->flush();
        $this->assertSame(['flush'], $released->getArrayCopy());
        $this->assertGreaterThan(0, gc_collect_cycles());
        $this->assertNull($ref->get(), 'Core collected after the release');
    }

    /** The request-end release still reaches an SDK that only a cycle references; the cycle is garbage after it. */
    public function testShutdownReleaseReachesAnUnreferencedCycle(): void
    {
        $script = $this->tempDir('gc') . '/shutdown.php';
        file_put_contents($script, '<?php
            require ' . var_export(__DIR__ . '/lib/autoload.php', true) . ';
            use ConvertSdk\Tests\Reliability\Configs;
            $ref = (function () {
                $sdk = \ConvertSdk\ConvertSDK::create(Configs::options(Configs::split(), $GLOBALS["argv"][1]));
                $sdk->on("api.queue.released", function (array $args) use ($sdk) {
                    echo "released:", $args["reason"], ":", count($args["visitors"] ?? []), "\n";
                });
                $sdk->createContext("v1")->runExperience("split", ["locationProperties" => Configs::LOCATION]);
                return \WeakReference::create($sdk);
            })();
            gc_collect_cycles();
            echo "alive:", $ref->get() === null ? "no" : "yes", "\n";
            register_shutdown_function(function () use ($ref) {
                register_shutdown_function(function () use ($ref) { // after the SDK\'s own release
                    gc_collect_cycles();
                    echo "after release:", $ref->get() === null ? "collected" : "alive", "\n";
                });
            });
        ');
        $sink = HttpServer::launch($this->tempDir('gc-sink'));
        try {
            $run = PhpProcess::run($script, [$sink->url()]);
        } finally {
            $sink->stop();
        }
        $this->assertNoCrash($run);
        $this->assertSame(['alive:yes', 'released:shutdown:1', 'after release:collected'], $run->lines(), $run->describe());
        $this->assertCount(1, $sink->requests(), 'one tracking request at shutdown');
    }
}
