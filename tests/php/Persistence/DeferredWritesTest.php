<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\Bench;
use ConvertSdk\Context;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\PhpProcess;
use Symfony\Component\Cache\Adapter\FilesystemAdapter;
use Symfony\Component\Cache\Psr16Cache;

require_once __DIR__ . '/../../../bench/lib.php';

/**
 * `deferStoreWrites` (default true, issue 7): a Context keeps the visitor's changes in memory and
 * the store gets one `set` per visitor and request: when the Context is destroyed, when another
 * Context of the visitor is created on the same SDK instance, or in the SDK's shutdown function (also after exit() and fatal
 * errors). `'deferStoreWrites' => false` writes at every changing call. Real stores: Symfony
 * Psr16Cache over Redis and over the filesystem, and an in-memory counting store.
 */
final class DeferredWritesTest extends PersistenceTestCase
{
    private const EXPERIENCES = 10;

    /**
     * The request of the benchmark's W1 workload (bench/lib.php simulatedRequest, without flush()):
     * a Context with the bench visitor's attributes, each of the 10 experiences, 2 features, 1
     * conversion. $served receives experience id => variation id of the served experiences. The
     * Context is returned alive.
     */
    private static function benchRequest(CoreInterface $sdk, string $visitor, ?array &$served = null, ?CountingStore $store = null, ?array &$setsPerCall = null): Context
    {
        $attrs = Bench\attributes();
        $context = $sdk->createContext($visitor, Bench\VISITOR);
        $served = [];
        $setsPerCall = [];
        $sets = static fn (): int => $store === null ? 0 : count($store->sets);
        foreach (Bench\experienceKeys(self::EXPERIENCES) as $key) {
            $before = $sets();
            $variation = $context->runExperience($key, $attrs);
            if ($variation !== null) {
                $served[(int) $variation->experienceId] = $variation->variationId;
            }
            $setsPerCall[] = [$key, $variation !== null, $sets() - $before];
        }
        foreach (['feature-0', 'feature-1'] as $feature) {
            $before = $sets();
            $context->runFeature($feature, $attrs);
            $setsPerCall[] = [$feature, false, $sets() - $before];
        }
        $before = $sets();
        $context->trackConversion('purchase');
        $setsPerCall[] = ['purchase', true, $sets() - $before];
        return $context;
    }

    private function benchSdk(CountingStore $store, array $extra = []): CoreInterface
    {
        return $this->sdk(Bench\generateConfig(self::EXPERIENCES), $store, null, $extra);
    }

    public function testNewVisitorRequestCostsOneGetAndOneSetWhenTheContextEnds(): void
    {
        $store = new CountingStore($this->redisCache());
        $context = self::benchRequest($this->benchSdk($store), 'w1-new', $served);
        $this->assertGreaterThanOrEqual(5, count($served), 'most of the 10 experiences serve the bench visitor');
        $this->assertSame([1, 0], $store->counts(), 'one lazy get; no set while the Context lives');

        unset($context);
        $this->assertSame([1, 1], $store->counts(), 'one set, when the Context ends');
        $this->assertSame([Scenario::storeKey('w1-new')], $store->sets);
        $this->assertSame($served, $store->setValues[0]['bucketing']);
        $this->assertSame(['purchase' => true], $store->setValues[0]['goals']);
        $this->assertSame($store->setValues[0], $this->redisCache()->get(Scenario::storeKey('w1-new')), 'what Redis holds');
    }

    public function testReturningVisitorRequestCostsOneGetAndNoSet(): void
    {
        $first = self::benchRequest($this->benchSdk(new CountingStore($this->redisCache())), 'w1-returning', $servedFirst);
        unset($first);

        $store = new CountingStore($this->redisCache());
        $context = self::benchRequest($this->benchSdk($store), 'w1-returning', $served);
        $this->assertSame($servedFirst, $served, 'stored decisions served');
        unset($context);
        $this->assertSame([1, 0], $store->counts(), 'one get, no set: nothing changed');
    }

    public function testWithoutDeferralEveryChangingCallWritesAndTheRecordIsTheSame(): void
    {
        $store = new CountingStore($this->redisCache());
        $context = self::benchRequest($this->benchSdk($store, ['deferStoreWrites' => false]), 'w1-immediate', $served, $store, $perCall);
        foreach ($perCall as [$call, $changes, $sets]) {
            $this->assertSame($changes ? 1 : 0, $sets, "$call: one set per changing call, none otherwise");
        }
        $this->assertSame([1, count($served) + 1], $store->counts(), 'one get; a set per new decision and for the conversion');
        $this->assertSame(array_fill(0, count($served) + 1, Scenario::storeKey('w1-immediate')), $store->sets);
        unset($context);
        $this->assertSame([1, count($served) + 1], $store->counts(), 'nothing left to write when the Context ends');

        $deferred = new CountingStore($this->redisCache($this->namespace() . '-deferred'));
        $context = self::benchRequest($this->benchSdk($deferred), 'w1-immediate', $servedDeferred);
        unset($context);
        $this->assertSame($served, $servedDeferred);
        $this->assertSame(end($store->setValues), $deferred->setValues[0], 'both modes store the same record');
    }

    public function testASecondContextOfTheVisitorReadsWhatTheFirstDecided(): void
    {
        $natural = self::variationOf(Scenario::sdk(Scenario::specConfig()), 'sue');
        $forced = $natural === '10011' ? '10012' : '10011';
        $key = Scenario::storeKey('sue');
        $store = new CountingStore(new ArrayDataStore());
        $sdk = $this->sdk(Scenario::specConfig(), $store);

        $first = $sdk->createContext('sue');
        $this->assertSame($forced, $first->runExperience('checkout-redesign', Scenario::attributes(null, ['forceVariationId' => $forced]))?->variationId);
        $other = $sdk->createContext('someone-else');
        $this->assertSame(["get $key"], $store->calls, 'a Context of another visitor does not make it write');

        $second = $sdk->createContext('sue');
        $this->assertSame(["get $key", "set $key"], $store->calls, 'the first Context wrote before the second exists');
        $this->assertSame($forced, $second->runExperience('checkout-redesign', Scenario::attributes())?->variationId, "the first Context's bucketing, not the hash ($natural)");
        $this->assertSame(["get $key", "set $key", "get $key"], $store->calls);
        $this->assertSame($first->getVisitorData(), $second->getVisitorData());

        unset($first, $second, $other);
        $this->assertSame(["get $key", "set $key", "get $key"], $store->calls, 'neither has anything left to write');
    }

    public function testUpdateVisitorPropertiesOfAVisitorWithALiveContextChangesThatContextsData(): void
    {
        $store = new CountingStore(new ArrayDataStore());
        $sdk = $this->sdk(Scenario::specConfig(), $store);
        $ann = $sdk->createContext('ann');
        $variation = $ann->runExperience('checkout-redesign', Scenario::attributes())?->variationId;
        $this->assertNotNull($variation);

        $sdk->createContext('bea')->updateVisitorProperties('ann', ['tier' => 'gold']);
        $this->assertSame([], $store->sets, "ann's Context holds the change; nothing is written yet");
        $this->assertSame(['tier' => 'gold'], $ann->getVisitorData()['segments']);

        unset($ann);
        $key = Scenario::storeKey('ann');
        $this->assertSame([$key], $store->sets, 'one write with the decision and the properties');
        $this->assertSame([1001 => $variation], $store->setValues[0]['bucketing']);
        $this->assertSame(['tier' => 'gold'], $store->setValues[0]['segments']);
    }

    /**
     * A returning visitor's Context has read its data and changed nothing; properties set for that
     * visitor through another Context are not lost when it later writes its own change.
     *
     * @dataProvider writeModes
     */
    public function testPropertiesSetThroughAnotherContextSurviveTheLiveContextsWrite(bool $deferred): void
    {
        $store = new CountingStore(new ArrayDataStore());
        $sdk = $this->sdk(Scenario::specConfig(), $store, null, ['deferStoreWrites' => $deferred]);
        $first = $sdk->createContext('cal');
        $variation = $first->runExperience('checkout-redesign', Scenario::attributes())?->variationId;
        unset($first);

        $cal = $sdk->createContext('cal');
        $this->assertSame($variation, $cal->runExperience('checkout-redesign', Scenario::attributes())?->variationId);
        $sdk->createContext('dee')->updateVisitorProperties('cal', ['tier' => 'gold']);
        $cal->trackConversion('purchase');
        unset($cal);

        $last = end($store->setValues);
        $this->assertSame(['tier' => 'gold'], $last['segments'], 'the properties are in the last write');
        $this->assertArrayHasKey('purchase', $last['goals']);
        $this->assertSame([1001 => $variation], $last['bucketing']);
    }

    /** @return array<string, array{0: bool}> */
    public static function writeModes(): array
    {
        return ['deferStoreWrites (default)' => [true], 'deferStoreWrites off' => [false]];
    }

    public function testAContextWithoutChangesWritesNothingAndOneWithChangesWritesOnce(): void
    {
        $store = new CountingStore(new ArrayDataStore());
        $sdk = $this->sdk(Scenario::specConfig(), $store);
        $context = $sdk->createContext('ned');
        $context->getVisitorData();
        $context->runExperience('checkout-redesign'); // no location properties: not decided
        unset($context);
        $this->assertSame([1, 0], $store->counts());

        $context = $sdk->createContext('ned');
        $context->runExperiences(Scenario::attributes());
        $context->trackConversion('purchase');
        $context->setDefaultSegments(['country' => 'DE']);
        $context->updateVisitorProperties('ned', ['plan' => 'premium']);
        $context->runCustomSegments(['vip'], ['ruleData' => ['vip' => true]]);
        $this->assertSame(0, $store->counts()[1]);
        unset($context);
        $this->assertSame(1, $store->counts()[1], 'five changing calls, one set');
        $this->assertSame(['country' => 'DE', 'plan' => 'premium', 'custom_segments' => ['4001']], $store->setValues[0]['segments']);
        $this->assertSame(['purchase' => true], $store->setValues[0]['goals']);
    }

    // ---- request shutdown (child processes, scripts/deferred-shutdown.php) -------------------------------

    /** @return iterable<string, array{0: string, 1: int, 2: string}> */
    public function scriptEndings(): iterable
    {
        $endings = [
            'ends normally' => ['end', 0],
            'exit()' => ['exit', 3],
            'memory_limit exhausted' => ['fatal-memory', 255],
            'call to an undefined function (uncaught Error)' => ['fatal-undefined', 255],
            'memory_limit exhausted in the function holding the Context' => ['fatal-in-function', 255],
            'a later shutdown function decides more' => ['late-shutdown', 0],
        ];
        foreach ($endings as $label => [$mode, $code]) {
            foreach (['Psr16Cache over FilesystemAdapter' => 'fs', 'Psr16Cache over RedisAdapter' => 'redis'] as $storeLabel => $store) {
                yield "$label, $storeLabel" => [$mode, $code, $store];
            }
        }
    }

    /**
     * A Context alive until the end of the script is written by the SDK's shutdown function: after
     * the shutdown functions registered before create(), before the tracking release, also after
     * exit() and fatal errors. Changes made by a later shutdown function are written when the
     * Context is destroyed.
     *
     * @dataProvider scriptEndings
     */
    public function testAContextAliveAtTheEndOfTheScriptIsWrittenAtShutdown(string $mode, int $exitCode, string $storeKind): void
    {
        $visitor = "script-$mode";
        $namespace = $this->namespace();
        $store = $storeKind === 'fs' ? 'fs:' . $this->dir() . '/cache' : 'redis:' . self::redis()->port() . ':' . $namespace;
        $run = self::runScript([$mode, $store, $visitor]);
        [$stdout, $stderr] = [$run->stdout, $run->stderr];
        $this->assertFalse($run->crashed(), $run->describe());
        $this->assertSame($exitCode, $run->exitCode, $run->describe());
        $this->assertSame($exitCode === 255, str_contains($stdout, 'Fatal error'), $stdout);

        $lines = explode("\n", trim($stdout));
        $decided = preg_grep('/^decided:/', $lines);
        $this->assertCount(1, $decided, $stdout);
        $variation = substr((string) reset($decided), strlen('decided:'));
        $this->assertContains($variation, ['10011', '10012']);
        $set = 'store:set ' . Scenario::storeKey($visitor);
        $shutdownUser = array_search('shutdown:user', $lines, true);
        $firstSet = array_search($set, $lines, true);
        $released = array_search('released:shutdown', $lines, true);
        $this->assertIsInt($shutdownUser, $stdout);
        $this->assertIsInt($firstSet, "the decision was written: $stdout");
        $this->assertIsInt($released, $stdout);
        $this->assertGreaterThan($shutdownUser, $firstSet, "after the earlier shutdown function: $stdout");
        $this->assertLessThan($released, $firstSet, "before the tracking release: $stdout");
        $this->assertLessThan($shutdownUser, key($decided), "decided while the script ran: $stdout");
        $this->assertSame([], array_filter(array_slice($lines, 0, $shutdownUser), static fn (string $l): bool => str_starts_with($l, 'store:set')), "nothing written while the script ran: $stdout");

        $expected = [
            'bucketing' => [1001 => $variation],
            'locations' => ['checkout-page'],
            'segments' => ['custom_segments' => ['4001']],
            'goals' => ['purchase' => true],
        ];
        if ($mode === 'late-shutdown') {
            $late = preg_grep('/^late:/', $lines);
            $this->assertCount(1, $late, $stdout);
            $ids = explode(',', substr((string) reset($late), strlen('late:')));
            $this->assertSame($variation, $ids[0], 'runExperiences serves the stored checkout-redesign decision first');
            $this->assertGreaterThan(1, count($ids), 'and decides more experiences');
            $this->assertSame([$set, $set], array_values(preg_grep('/^store:set /', $lines)), "one set at shutdown, one when the Context is destroyed: $stdout");
            $this->assertGreaterThan(key($late), max(array_keys($lines, $set, true)), "the second set follows the late decisions: $stdout");
            $stored = $this->storedRecord($storeKind, $namespace, $visitor);
            $this->assertSame($ids, array_values($stored['bucketing'] ?? []), 'the late decisions were stored');
            $this->assertSame(1001, array_key_first($stored['bucketing']));
            $expected['bucketing'] = $stored['bucketing'];
        } else {
            $this->assertSame([$set], array_values(preg_grep('/^store:set /', $lines)), "exactly one set: $stdout");
        }

        $this->assertSame($expected, $this->storedRecord($storeKind, $namespace, $visitor), 'the next request finds the decision');
    }

    /** The record of $visitor as a new request reads it from the store the script used. */
    private function storedRecord(string $storeKind, string $namespace, string $visitor): mixed
    {
        $cache = $storeKind === 'fs'
            ? new Psr16Cache(new FilesystemAdapter('convert', 0, $this->dir() . '/cache'))
            : $this->redisCache($namespace);
        return $cache->get(Scenario::storeKey($visitor));
    }

    /** Runs scripts/deferred-shutdown.php with the php.ini of the CLI (for phpredis) and the extension. */
    private static function runScript(array $args): PhpProcess
    {
        return PhpProcess::run(__DIR__ . '/scripts/deferred-shutdown.php', $args,
            ['memory_limit' => '64M', 'log_errors' => '0'], phpIni: true);
    }
}
