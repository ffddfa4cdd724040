<?php

namespace ConvertSdk\Tests\Reliability;

use ConvertSdk\Tests\Support\PhpProcess;
use ConvertSdk\ConvertSDK;
use ConvertSdk\Enums\LogLevel;
use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\HttpSink;
use ConvertSdk\Tests\Support\MemoryCache;
use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * Hostile user objects (issue 8) not covered by the Persistence and Events suites: loggers, listeners and
 * PSR-16 config caches that exhaust memory_limit (a fatal error that unwinds through the extension), user
 * objects re-entering the SDK (bounded and without end), stores and config caches returning values PHP
 * arrays cannot hold as JSON, loggers and config caches throwing \Error. Child processes for the fatal
 * ones (scripts/hostile-callback.php).
 */
final class HostileUserObjectsTest extends ReliabilityTestCase
{
    private static ?HttpServer $server = null;

    public static function setUpBeforeClass(): void
    {
        self::$server = HttpServer::launch(self::classDir() . '/server');
    }

    public static function tearDownAfterClass(): void
    {
        self::$server?->stop();
        self::$server = null;
        self::removeClassDir();
    }

    private static function runScenario(string $scenario): PhpProcess
    {
        return self::php('hostile-callback.php', [$scenario, self::$server->url()], ['memory_limit' => '64M'], 60.0);
    }

    // ---- memory_limit exhausted inside a user object --------------------------------------------------

    public static function exhaustion(): array
    {
        // [scenario, a context existed when the fatal error happened, control returned to the script]
        return [
            'PSR-3 logger' => ['logger-oom', true, false],
            'bucketing listener' => ['listener-oom', true, false],
            'ready listener replayed by on()' => ['ready-replay-oom', false, false],
            'api.queue.released listener during flush()' => ['queue-listener-oom', true, false],
            'api.queue.released listener during the shutdown release' => ['shutdown-release-oom', true, true],
            'PSR-16 config cache get() during create() (sdkKey mode)' => ['cache-get-oom', false, false],
        ];
    }

    /**
     * The fatal error is reported by PHP as usual (exit code 255), shutdown functions run, and the
     * extension's state survived the unwinding: the context that was deciding and a new SDK decide.
     *
     * @dataProvider exhaustion
     */
    public function testMemoryExhaustedInAUserObject(string $scenario, bool $hadContext, bool $returned): void
    {
        $run = self::runScenario($scenario);
        $this->assertNoCrash($run);
        $this->assertSame(255, $run->exitCode, $run->describe());
        $this->assertStringContainsString('Allowed memory size', $run->stdout . $run->stderr);
        $lines = $run->lines();
        $this->assertContains('shutdown:start', $lines, $run->describe());
        $this->assertSame($returned, in_array('after:' . Configs::expectedSplit('alice') . ' depth:0', $lines, true), $run->describe());
        if ($hadContext) {
            $this->assertContains('shutdown:same-context:' . Configs::expectedSplit('alice'), $lines, $run->describe());
        }
        $this->assertContains('shutdown:new-sdk:' . Configs::expectedSplit('fresh'), $lines, $run->describe());
    }

    /**
     * In php-fpm a worker outlives the fatal error: after more fatal errors inside user callbacks than
     * the re-entry depth limit (32), the same worker still calls the store, the logger and listeners.
     */
    public function testFatalErrorsInCallbacksDoNotDisableCallbacksForTheWorker(): void
    {
        $dir = $this->tempDir('fatal');
        $pool = \ConvertSdk\Tests\Support\PhpFpmPool::launch("$dir/fpm", [], 1);
        try {
            preg_match('/^listen = 127\.0\.0\.1:(\d+)$/m', (string) file_get_contents("$dir/fpm/php-fpm.conf"), $m);
            $port = (int) $m[1];
            $params = ['SINK_URL' => self::$server->url()];
            $script = __DIR__ . '/www/fatal.php';
            $before = json_decode(FastCgi::request($port, $script, $params + ['MODE' => 'check'])['body'], true);
            $fatal = FastCgi::run($port, array_fill(0, 40, ['script' => $script, 'params' => $params + ['MODE' => 'oom']]), 1);
            $after = json_decode(FastCgi::request($port, $script, $params + ['MODE' => 'check'])['body'], true);
        } finally {
            $pool->stop();
        }
        foreach ($fatal as $r) {
            $this->assertStringContainsString('Allowed memory size', $r['body'] . $r['stderr']);
        }
        $this->assertSame($before['pid'], $after['pid'], 'the same worker served every request');
        $this->assertSame(Configs::expectedSplit('worker-' . $after['pid']), $after['variation']);
        $this->assertSame([1, 1], [$before['storeGets'], $before['listenerCalls']]);
        $this->assertSame([1, 1], [$after['storeGets'], $after['listenerCalls']], 'store and listener still called after 40 fatal errors');
        $this->assertSame($before['logged'], $after['logged'], 'the logger still gets every message');
    }

    // ---- re-entering the SDK ----------------------------------------------------------------------------

    public static function reentry(): array
    {
        return [
            'store get() decides another visitor' => ['store-get-reenter'],
            'store set() decides another visitor (deferStoreWrites off)' => ['store-set-reenter'],
            'store set() at Context destruction decides another visitor' => ['store-set-reenter-destruct'],
            'store set() in createContext() of the same visitor decides another visitor' => ['store-set-reenter-recreate'],
            'logger decides another visitor' => ['logger-reenter'],
            'PSR-16 config cache get() runs create()' => ['cache-get-reenter'],
        ];
    }

    /** @dataProvider reentry */
    public function testUserObjectReenteringTheSdkOnce(string $scenario): void
    {
        $run = self::runScenario($scenario);
        $this->assertNoCrash($run);
        $this->assertSame(0, $run->exitCode, $run->describe());
        $this->assertSame('', $run->stderr);
        $lines = $run->lines();
        $this->assertContains('after:' . Configs::expectedSplit('alice') . ' depth:1', $lines, 're-entered once, decision unchanged: ' . $run->describe());
        $this->assertContains('shutdown:same-context:' . Configs::expectedSplit('alice'), $lines);
        $this->assertContains('shutdown:new-sdk:' . Configs::expectedSplit('fresh'), $lines);
        if ($scenario === 'cache-get-reenter') {
            $this->assertContains('nested-create:ready', $lines);
        }
    }

    public static function recursion(): array
    {
        return [
            'logger calling the SDK, which logs' => ['logger-recursion'],
            'store get() calling the SDK, which reads the store' => ['store-recursion'],
            'bucketing listener deciding, which fires bucketing' => ['listener-recursion'],
        ];
    }

    /**
     * Endless re-entry is a bug of the user's code; the pure-PHP SDK ends it with a memory_limit fatal
     * error. The extension must not crash the process either (each nested call into user code uses C
     * stack): a depth limit refuses the innermost call, logs it, and the outer call finishes.
     *
     * @dataProvider recursion
     */
    public function testEndlessReentryDoesNotCrashTheProcess(string $scenario): void
    {
        $run = self::runScenario($scenario);
        $this->assertNoCrash($run);
        $this->assertSame(0, $run->exitCode, 'stopped by the re-entry depth limit: ' . $run->describe());
        $this->assertMatchesRegularExpression('/^after:' . Configs::expectedSplit('alice') . ' depth:\d+$/m', $run->stdout, 'the outer call finished');
        $this->assertContains('shutdown:new-sdk:' . Configs::expectedSplit('fresh'), $run->lines());
    }

    // ---- values a store or a config cache should never return ----------------------------------------

    /** @return array<string, array{0: \Closure(): mixed}> */
    public static function unrepresentable(): array
    {
        $deep = ['bucketing' => ['7001' => '70012']];
        for ($i = 0; $i < 10000; $i++) {
            $deep = [$deep];
        }
        $recursive = ['bucketing' => ['7002' => '70021']];
        $recursive['segments'] = &$recursive;
        return [
            'resource' => [static fn () => fopen('php://memory', 'r')],
            'closure' => [static fn () => static fn () => ['bucketing' => ['7001' => '70012']]],
            'generator' => [static fn () => (static function () { yield 'bucketing' => ['7001' => '70012']; })()],
            'NAN' => [static fn () => NAN],
            'INF' => [static fn () => INF],
            'list nested 10,000 deep' => [static fn () => $deep],
            'recursive array' => [static fn () => $recursive],
            'variation ids of the wrong type' => [static fn () => ['bucketing' => ['7001' => fopen('php://memory', 'r'), '7002' => NAN, '7003' => static fn () => 1]]],
            'segments nested 10,000 deep' => [static fn () => ['segments' => ['country' => $deep]]],
            '100,000 stored locations' => [static fn () => ['locations' => range(1, 100000)]],
        ];
    }

    /**
     * Such a value is no data (§6.3): the visitor is decided by the hash and the value is replaced by a
     * proper StoreData write.
     *
     * @dataProvider unrepresentable
     */
    public function testStoreGetReturningUnrepresentableValues(\Closure $value): void
    {
        $store = new ArrayDataStore();
        $store->onGet = static fn () => $value();
        $written = [];
        $store->onSet = static function (string $key, $data) use (&$written): bool {
            $written[$key] = $data;
            return true;
        };
        $sdk = ConvertSDK::create(Configs::options(Configs::split(), HttpSink::url(), ['dataStore' => $store]));
        $context = $sdk->createContext('wrong-types');
        $variation = $context->runExperience('split', ['locationProperties' => Configs::LOCATION]);
        $this->assertSame(Configs::expectedSplit('wrong-types'), $variation?->variationId);
        $this->assertIsArray($context->getVisitorData());
        unset($context); // written when the Context ends (deferStoreWrites)
        $this->assertCount(1, $written);
        $record = reset($written);
        $this->assertSame(['bucketing', 'locations', 'segments', 'goals'], array_keys($record));
        $this->assertSame($variation->variationId, $record['bucketing'][7001]);
    }

    /** @dataProvider unrepresentable */
    public function testConfigCacheGetReturningUnrepresentableValuesIsAMiss(\Closure $value): void
    {
        $cache = new MemoryCache();
        $cache->onGet = static fn () => $value();
        self::$server->reset();
        $sdk = ConvertSDK::create(['sdkKey' => 'a' . bin2hex(random_bytes(4)), 'cache' => $cache,
            'api' => ['endpoint' => ['config' => self::$server->url() . '/ok', 'track' => HttpSink::url()]]]);
        $this->assertTrue($sdk->isReady());
        $this->assertCount(1, self::$server->requests(), 'fetched from the endpoint');
        $this->assertSame(Configs::expectedSplit('c'), $sdk->createContext('c')->runExperience('split', ['locationProperties' => Configs::LOCATION])?->variationId);
    }

    // ---- \Error from loggers and config caches -----------------------------------------------------------

    public static function errors(): array
    {
        return [
            'Error' => [static fn () => throw new \Error('broken')],
            'TypeError' => [static fn () => throw new \TypeError('bad type')],
            'ArithmeticError' => [static fn () => intdiv(PHP_INT_MIN, -1)],
            'DivisionByZeroError' => [static fn () => 1 % 0],
        ];
    }

    /** @dataProvider errors */
    public function testLoggerThrowingAnErrorIsSurvivedAndTheOtherLoggersGetEverything(\Closure $throw): void
    {
        $failing = new class ($throw) extends \Psr\Log\AbstractLogger {
            public int $calls = 0;

            public function __construct(private readonly \Closure $throw)
            {
            }

            public function log($level, $message, array $context = []): void
            {
                $this->calls++;
                ($this->throw)();
            }
        };
        $recording = new RecordingLogger();
        $sdk = ConvertSDK::create(Configs::options(Configs::split(), HttpSink::url(),
            ['logger' => ['logLevel' => LogLevel::Debug, 'customLoggers' => [$failing, $recording]]]));
        $variation = $sdk->createContext('logged')->runExperience('split', ['locationProperties' => Configs::LOCATION]);
        $this->assertSame(Configs::expectedSplit('logged'), $variation?->variationId);
        $this->assertGreaterThan(0, $failing->calls);
        $this->assertCount($failing->calls, $recording->records);
    }

    /** @dataProvider errors */
    public function testConfigCacheThrowingAnErrorIsLoggedAndTheConfigIsFetched(\Closure $throw): void
    {
        $cache = new MemoryCache();
        $cache->onGet = $throw;
        $logger = new RecordingLogger();
        self::$server->reset();
        $sdk = ConvertSDK::create(['sdkKey' => 'e' . bin2hex(random_bytes(4)), 'cache' => $cache, 'logger' => $logger->option(),
            'api' => ['endpoint' => ['config' => self::$server->url() . '/ok', 'track' => HttpSink::url()]]]);
        $this->assertTrue($sdk->isReady());
        $this->assertNotEmpty($logger->errors());
        $this->assertCount(1, self::$server->requests());
        $this->assertNotEmpty($cache->entries, 'the fetched config was cached');
    }
}
