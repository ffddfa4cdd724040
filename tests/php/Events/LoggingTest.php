<?php

namespace ConvertSdk\Tests\Events;

use ConvertSdk\Enums\LogLevel;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Support\Fixtures;
use ConvertSdk\Tests\Support\MemoryCache;
use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * The `logger` option (spec §1.9): levels, PSR-3 method mapping, per-logger levels, a bare PSR-3 logger,
 * lazy message building, and what must never be logged (the sdkKeySecret, the whole config).
 */
final class LoggingTest extends EventsTestCase
{
    /**
     * A session that logs at several levels: decisions (debug), a repeated custom-segments call (warn)
     * and a failing listener (error).
     */
    private static function session(CoreInterface $sdk): void
    {
        $sdk->on('conversion', static function (): void {
            throw new \RuntimeException('listener failure');
        });
        $case = self::goldenCase('visitor-0');
        $context = self::goldenContext($sdk, $case);
        $context->runCustomSegments(['vip'], ['ruleData' => ['vip' => true]]);
        $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $context->runExperience('staging-only', ['locationProperties' => self::CHECKOUT]);
        $context->trackConversion('purchase');
        $sdk->flush();
    }

    /** The PSR-3 calls the session makes with $option as the `logger` option. */
    private static function sessionCalls(mixed $option): array
    {
        self::session(self::sdk(['logger' => $option]));
        $logger = is_object($option) ? $option : $option['customLoggers'][0];
        return $logger->calls;
    }

    private static function methodsOf(array $calls): array
    {
        $methods = array_values(array_unique(array_column($calls, 0)));
        sort($methods);
        return $methods;
    }

    public function testLevelsMapToPsr3Methods(): void
    {
        $calls = self::sessionCalls(['logLevel' => LogLevel::Trace, 'customLoggers' => [new RecordingLogger()]]);
        $this->assertSame(['debug', 'error', 'warning'], self::methodsOf($calls), 'debug → debug(), warn → warning(), error → error()');
        foreach ($calls as [$method, $message, $context]) {
            $this->assertIsString($message);
            $this->assertNotSame('', $message);
            $this->assertSame([], $context, "context of '$message'");
        }
    }

    /** @return array<string, array{0: LogLevel, 1: list<string>}> */
    public static function levels(): array
    {
        return [
            'Trace' => [LogLevel::Trace, ['debug', 'error', 'warning']],
            'Debug' => [LogLevel::Debug, ['debug', 'error', 'warning']],
            'Info' => [LogLevel::Info, ['error', 'warning']],
            'Warn' => [LogLevel::Warn, ['error', 'warning']],
            'Error' => [LogLevel::Error, ['error']],
            'Silent' => [LogLevel::Silent, []],
        ];
    }

    /** @dataProvider levels */
    public function testAMessageReachesALoggerIffItsLevelIsHighEnough(LogLevel $level, array $methods): void
    {
        $calls = self::sessionCalls(['logLevel' => $level, 'customLoggers' => [new RecordingLogger()]]);
        $this->assertSame($methods, self::methodsOf($calls));
    }

    public function testTraceLevelReceivesEverythingDebugReceives(): void
    {
        $trace = self::sessionCalls(['logLevel' => LogLevel::Trace, 'customLoggers' => [new RecordingLogger()]]);
        $debug = self::sessionCalls(['logLevel' => LogLevel::Debug, 'customLoggers' => [new RecordingLogger()]]);
        $this->assertNotEmpty($debug);
        $this->assertSame([], array_diff(array_column($debug, 1), array_column($trace, 1)));
    }

    public function testABarePsr3LoggerGetsTheDefaultDebugLevel(): void
    {
        $bare = self::sessionCalls(new RecordingLogger());
        $explicit = self::sessionCalls(['logLevel' => LogLevel::Debug, 'customLoggers' => [new RecordingLogger()]]);
        $this->assertNotEmpty($bare);
        $this->assertSame($explicit, $bare);
        $defaulted = self::sessionCalls(['customLoggers' => [new RecordingLogger()]]);
        $this->assertSame($explicit, $defaulted, 'logLevel defaults to Debug (§1.9)');
    }

    public function testEachCustomLoggerHasItsOwnLevel(): void
    {
        $plain = new RecordingLogger();
        $errorsOnly = new RecordingLogger();
        $inheriting = new RecordingLogger();
        self::session(self::sdk(['logger' => [
            'logLevel' => LogLevel::Warn,
            'customLoggers' => [$plain, ['logger' => $errorsOnly, 'logLevel' => LogLevel::Error], ['logger' => $inheriting]],
        ]]));
        $this->assertSame(['error', 'warning'], self::methodsOf($plain->calls));
        $this->assertSame(['error'], self::methodsOf($errorsOnly->calls));
        $this->assertSame($plain->calls, $inheriting->calls, 'an entry without logLevel uses the global one');
        $this->assertSame($plain->messagesVia('error'), $errorsOnly->messagesVia('error'), 'every logger gets the same messages');
    }

    public function testALoggerMoreVerboseThanTheGlobalLevel(): void
    {
        $verbose = new RecordingLogger();
        self::session(self::sdk(['logger' => ['logLevel' => LogLevel::Silent, 'customLoggers' => [['logger' => $verbose, 'logLevel' => LogLevel::Debug]]]]));
        $this->assertSame(['debug', 'error', 'warning'], self::methodsOf($verbose->calls));
    }

    public function testInvalidCustomLoggerEntriesAreIgnored(): void
    {
        $valid = new RecordingLogger();
        $sdk = self::sdk(['logger' => ['logLevel' => LogLevel::Debug, 'customLoggers' => [
            'not a logger', 42, null, ['logLevel' => LogLevel::Error], ['logger' => 'nope'], $valid,
        ]]]);
        $this->assertTrue($sdk->isReady());
        self::session($sdk);
        $this->assertNotEmpty($valid->decisions());
    }

    public function testAFailingLoggerDoesNotBreakTheSdkNorTheOtherLoggers(): void
    {
        $failing = new class () extends \Psr\Log\AbstractLogger {
            public int $calls = 0;

            public function log($level, $message, array $context = []): void
            {
                $this->calls++;
                throw new \RuntimeException('logger failure');
            }
        };
        $recording = new RecordingLogger();
        $sdk = self::sdk(['logger' => ['logLevel' => LogLevel::Debug, 'customLoggers' => [$failing, $recording]]]);
        $case = self::goldenCase('visitor-0');
        $variation = self::goldenContext($sdk, $case)->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $this->assertSame($case['experiences']['checkout-redesign']['normative_variation']['variationKey'], $variation->variationKey);
        $this->assertGreaterThan(0, $failing->calls);
        $this->assertCount($failing->calls, $recording->calls, 'the second logger received every message');
    }

    public function testWithoutLoggerNothingIsOutput(): void
    {
        ob_start();
        self::session(self::sdk());
        $this->assertSame('', ob_get_clean());
    }

    // ---- nothing is built when nothing listens ---------------------------------------------------------

    /** Many decisions of every outcome (served, stored, each kind of null), features and segments. */
    private static function busyRequest(CoreInterface $sdk): int
    {
        $decisions = 0;
        foreach (array_slice(self::goldenCases(), 0, 10) as $case) {
            $context = self::goldenContext($sdk, $case);
            for ($i = 0; $i < 2; $i++) {
                foreach (['checkout-redesign', 'pricing-rollout', 'vip-banner', 'staging-only', 'archived-test', 'unknown'] as $key) {
                    $context->runExperience($key, ['locationProperties' => ['url' => 'https://shop.example.com/checkout/pricing']]);
                    $decisions++;
                }
                $context->runExperience('checkout-redesign');
                $context->runExperiences(['locationProperties' => self::PRICING]);
                $context->runFeatures(['locationProperties' => self::CHECKOUT]);
                $context->runFeature('new-checkout', ['locationProperties' => self::CHECKOUT]);
                $context->runCustomSegments(['vip'], ['ruleData' => ['vip' => true]]);
                $decisions += 1 + 5;
            }
        }
        return $decisions;
    }

    /** @return array<string, array{0: array}> */
    public static function disabledLogging(): array
    {
        return [
            'no logger option' => [[]],
            'no custom logger' => [['logger' => ['logLevel' => LogLevel::Trace]]],
            'level Error' => [['logger' => ['logLevel' => LogLevel::Error, 'customLoggers' => [new RecordingLogger()]]]],
            'level Silent' => [['logger' => ['logLevel' => LogLevel::Silent, 'customLoggers' => [new RecordingLogger()]]]],
            'per-logger level Error' => [['logger' => ['logLevel' => LogLevel::Trace, 'customLoggers' => [['logger' => new RecordingLogger(), 'logLevel' => LogLevel::Error]]]]],
        ];
    }

    /** @dataProvider disabledLogging */
    public function testDecidingWithLoggingDisabledFormatsNoMessage(array $options): void
    {
        $sdk = self::sdk($options);
        $before = self::formattedMessages();
        $decisions = self::busyRequest($sdk);
        $this->assertGreaterThan(100, $decisions);
        $this->assertSame($before, self::formattedMessages(), 'no log message was built');
        foreach ($options['logger']['customLoggers'] ?? [] as $entry) {
            $logger = is_array($entry) ? $entry['logger'] : $entry;
            $this->assertSame([], $logger->calls);
        }
    }

    public function testTheCounterMovesWhenMessagesAreLogged(): void
    {
        $logger = new RecordingLogger();
        $sdk = self::sdk(self::loggerOption($logger, LogLevel::Debug));
        $before = self::formattedMessages();
        $decisions = self::busyRequest($sdk);
        $formatted = self::formattedMessages() - $before;
        $this->assertGreaterThanOrEqual($decisions, $formatted, 'one explanation per decision at least');
        $this->assertSame(count($logger->calls), $formatted, 'each message is built once for all loggers');
    }

    // ---- what must never be logged --------------------------------------------------------------------

    public function testNeitherTheSecretNorTheConfigIsEverLogged(): void
    {
        $secret = 'sk-' . bin2hex(random_bytes(12));
        $marker = 'MARKER' . bin2hex(random_bytes(6));
        $config = Fixtures::specConfig();
        $config['project']['name'] = $marker;
        $config['experiences'][0]['name'] = $marker;
        $broken = $config;
        unset($broken['account_id']);
        $logger = new RecordingLogger();
        $cache = new MemoryCache();
        $options = static fn (string $sdkKey): array => [
            'sdkKey' => $sdkKey,
            'sdkKeySecret' => $secret,
            'cache' => $cache,
            'logger' => ['logLevel' => LogLevel::Trace, 'customLoggers' => [$logger]],
        ];
        // Not cached: fetched from the local sink, which answers 404.
        $this->assertFalse(self::sdk($options('missing' . bin2hex(random_bytes(6))))->isReady());
        // Cached but invalid: validation fails, then the fetch fails.
        $invalidKey = 'invalid' . bin2hex(random_bytes(6));
        $cache->entries[MemoryCache::configKey($invalidKey)] = $broken;
        $this->assertFalse(self::sdk($options($invalidKey))->isReady());
        // Valid: a whole session, tracking flushed to the sink with the secret.
        $validKey = 'valid' . bin2hex(random_bytes(6));
        $cache->entries[MemoryCache::configKey($validKey)] = $config;
        $sdk = self::sdk($options($validKey));
        $this->assertTrue($sdk->isReady());
        self::session($sdk);
        self::busyRequest($sdk);
        $sdk->flush();

        $this->assertNotEmpty($logger->messagesVia('error'), 'failures were logged');
        $this->assertNotEmpty($logger->decisions());
        foreach ($logger->allMessages() as $message) {
            $this->assertStringNotContainsString($secret, $message);
            $this->assertStringNotContainsString($marker, $message);
            $this->assertLessThan(1000, strlen($message), "no message carries a whole config: $message");
        }
    }

    public function testAnInvalidDataConfigIsNotDumpedIntoTheLog(): void
    {
        $marker = 'MARKER' . bin2hex(random_bytes(6));
        $config = Fixtures::specConfig();
        $config['project']['name'] = $marker;
        unset($config['account_id']);
        $logger = new RecordingLogger();
        $sdk = self::sdk(self::loggerOption($logger, LogLevel::Trace), $config);
        $this->assertNull($sdk->createContext('nobody'));
        $this->assertNotEmpty($logger->messagesVia('error'));
        foreach ($logger->allMessages() as $message) {
            $this->assertStringNotContainsString($marker, $message);
        }
    }
}
