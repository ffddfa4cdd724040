<?php

namespace ConvertSdk\Tests\Events;

use ConvertSdk\DTO\BucketedVariation;
use ConvertSdk\Enums\LogLevel;
use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * Listeners that fail or re-enter the SDK (spec §9.2 "catch+log any Throwable", §1.8): the SDK call
 * completes, the other listeners still run, the failure is logged at error level; exit() unwinds PHP
 * normally (checked in subprocesses).
 */
final class ListenerFailureTest extends EventsTestCase
{
    private const SCRIPT = __DIR__ . '/scripts/exit-in-callback.php';

    /** @return array<string, array{0: \Closure}> */
    public static function failingListeners(): array
    {
        return [
            'Exception' => [static function (): void {
                throw new \RuntimeException('listener-failure-marker');
            }],
            'Error' => [static function (): void {
                throw new \Error('listener-failure-marker');
            }],
            'TypeError from a too narrow signature' => [static function (string $args, \Throwable $err): void {
            }],
            'ArgumentCountError' => [static function ($args, $err, $third): void {
            }],
            'exception with a previous one' => [static function (): void {
                throw new \LogicException('listener-failure-marker', 3, new \RuntimeException('inner'));
            }],
        ];
    }

    /** @dataProvider failingListeners */
    public function testAFailingBucketingListenerIsLoggedAndTheOthersStillRun(\Closure $failing): void
    {
        $logger = new RecordingLogger();
        $sdk = self::sdk(self::loggerOption($logger, LogLevel::Error));
        $before = self::record($sdk, 'bucketing');
        $sdk->on('bucketing', $failing);
        $after = self::record($sdk, 'bucketing');
        $case = self::firstGoldenCase(static fn (array $c): bool => $c['experiences']['pricing-rollout']['normative_variation'] !== null);
        $context = self::goldenContext($sdk, $case);

        $variation = $context->runExperience('pricing-rollout', ['locationProperties' => self::PRICING]);

        $this->assertInstanceOf(BucketedVariation::class, $variation);
        $this->assertSame($case['experiences']['pricing-rollout']['normative_variation']['variationKey'], $variation->variationKey);
        $this->assertCount(1, $before);
        $this->assertSame($before->getArrayCopy(), $after->getArrayCopy());
        $errors = $logger->messagesVia('error');
        $this->assertCount(1, $errors, 'one error logged for the failing listener');
        $this->assertStringContainsString('bucketing', $errors[0]);
    }

    public function testTheFailureMessageIsLogged(): void
    {
        $logger = new RecordingLogger();
        $sdk = self::sdk(self::loggerOption($logger, LogLevel::Error));
        $sdk->on('conversion', static function (): void {
            throw new \DomainException('listener-failure-marker');
        });
        $this->assertNull($sdk->createContext('failing-conversion')->trackConversion('purchase'));
        $this->assertCount(1, $logger->messagesVia('error'));
        $this->assertStringContainsString('listener-failure-marker', $logger->messagesVia('error')[0]);
        $this->assertSame([[]], array_column($logger->calls, 2), 'PSR-3 context is always []');
    }

    public function testAFailingListenerDuringReplayDoesNotBreakOn(): void
    {
        $logger = new RecordingLogger();
        $sdk = self::sdk(self::loggerOption($logger, LogLevel::Error));
        $sdk->on('ready', static function (): void {
            throw new \RuntimeException('ready listener failed');
        });
        $log = self::record($sdk, 'ready');
        $this->assertSame([['ready', [], null]], $log->getArrayCopy());
        $this->assertCount(2, $logger->messagesVia('error'), 'the failing listener ran at each of the two subscriptions');
        $this->assertTrue($sdk->isReady());
    }

    public function testAFailingLocationListenerDoesNotLoseTheDecisionOrItsWrite(): void
    {
        $store = new ArrayDataStore(recordSets: true);
        $sdk = self::sdk(['dataStore' => $store]);
        $sdk->on('location.activated', static function (): void {
            throw new \RuntimeException('location listener failed');
        });
        $log = self::record($sdk, 'bucketing');
        $case = self::firstGoldenCase(static fn (array $c): bool => $c['experiences']['checkout-redesign']['normative_variation'] !== null);
        $context = self::goldenContext($sdk, $case);
        $variation = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $expected = $case['experiences']['checkout-redesign']['normative_variation'];
        $this->assertSame($expected['variationKey'], $variation->variationKey);
        $data = $context->getVisitorData();
        $this->assertSame($expected['variationId'], $data['bucketing'][(int) $expected['experienceId']]);
        $this->assertSame(['checkout-page'], $data['locations']);
        unset($context); // written when the Context ends (deferStoreWrites)
        $this->assertSame($data, end($store->sets)[1], 'the store holds the same data');
        $this->assertCount(1, $log);
    }

    public function testNoExceptionIsLeftPendingAfterAListenerFailure(): void
    {
        $sdk = self::sdk();
        $sdk->on('bucketing', static function (): void {
            throw new \RuntimeException('listener failed');
        });
        $context = $sdk->createContext('pending-check', ['plan' => 'premium', 'age' => 30]);
        error_clear_last();
        for ($i = 0; $i < 3; $i++) {
            $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        }
        try {
            throw new \RuntimeException('own');
        } catch (\RuntimeException $e) {
            $this->assertSame('own', $e->getMessage());
            $this->assertNull($e->getPrevious(), 'the swallowed listener exception is not chained to later ones');
        }
        $this->assertNull(error_get_last());
    }

    // ---- re-entrancy ----------------------------------------------------------------------------------

    public function testAReadyListenerSubscribingAnotherListener(): void
    {
        $sdk = self::sdk();
        $calls = [];
        $second = static function ($args, $err) use (&$calls): void {
            $calls[] = 'second';
        };
        $first = static function ($args, $err) use (&$calls, $sdk, $second): void {
            $calls[] = 'first';
            static $subscribed = false;
            if (!$subscribed) {
                $subscribed = true;
                $sdk->on('ready', $second);
            }
        };
        $sdk->on('ready', $first);
        // on(first) replays to [first]; inside, on(second) replays to [first, second].
        $this->assertSame(['first', 'first', 'second'], $calls);
    }

    public function testABucketingListenerSubscribingToTheSameEvent(): void
    {
        $sdk = self::sdk();
        $late = new \ArrayObject();
        $sdk->on('bucketing', static function ($args) use ($sdk, $late): void {
            static $subscribed = false;
            if (!$subscribed) {
                $subscribed = true;
                $sdk->on('bucketing', static function ($args) use ($late): void {
                    $late[] = $args['experienceKey'];
                });
            }
        });
        $context = $sdk->createContext('visitor-0', ['plan' => 'premium', 'age' => 30]);
        $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $context->runExperience('pricing-rollout', ['locationProperties' => self::PRICING]);
        $this->assertNotEmpty($late);
        $this->assertSame('pricing-rollout', $late[count($late) - 1], 'the listener added during dispatch gets later firings');
    }

    public function testAListenerMakingDecisionsForAnotherVisitor(): void
    {
        $sdk = self::sdk();
        $seen = new \ArrayObject();
        $nested = self::goldenCase('visitor-1');
        $outer = self::goldenCase('visitor-0');
        $nestedResult = new \ArrayObject();
        $sdk->on('bucketing', static function ($args) use ($sdk, $seen, $nested, $nestedResult): void {
            $seen[] = $args['visitorId'];
            if ($args['visitorId'] !== $nested['visitorId']) {
                $context = self::goldenContext($sdk, $nested);
                $nestedResult[] = $context->runExperience('pricing-rollout', ['locationProperties' => self::PRICING]);
            }
        });
        $context = self::goldenContext($sdk, $outer);
        $variation = $context->runExperience('pricing-rollout', ['locationProperties' => self::PRICING]);
        $this->assertSame($outer['experiences']['pricing-rollout']['normative_variation']['variationKey'], $variation->variationKey);
        $this->assertSame($nested['experiences']['pricing-rollout']['normative_variation']['variationKey'], $nestedResult[0]->variationKey);
        $this->assertSame([$outer['visitorId'], $nested['visitorId']], $seen->getArrayCopy());
    }

    /** @return array<string, array{0: bool}> */
    public static function writeModes(): array
    {
        return ['deferStoreWrites off: a write per changing call' => [false], 'deferStoreWrites (default)' => [true]];
    }

    /** @dataProvider writeModes */
    public function testAListenerUsingTheSameContextWhileItDecides(bool $deferred): void
    {
        $store = new ArrayDataStore(recordSets: true);
        $sdk = self::sdk(['dataStore' => $store, 'deferStoreWrites' => $deferred]);
        $case = self::firstGoldenCase(static fn (array $c): bool => $c['experiences']['checkout-redesign']['normative_variation'] !== null
            && $c['experiences']['pricing-rollout']['normative_variation'] !== null);
        $context = self::goldenContext($sdk, $case);
        $inner = new \ArrayObject();
        // location.activated is fired while checkout-redesign is being decided for this very context.
        $sdk->on('location.activated', static function () use ($context, $inner): void {
            $inner[] = $context->runExperience('pricing-rollout', ['locationProperties' => self::PRICING]);
            $inner[] = $context->trackConversion('purchase');
            $inner[] = $context->getVisitorData();
        });
        $conversions = self::record($sdk, 'conversion');
        $outer = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);

        $expected = $case['experiences'];
        $this->assertSame($expected['checkout-redesign']['normative_variation']['variationKey'], $outer->variationKey);
        $this->assertSame($expected['pricing-rollout']['normative_variation']['variationKey'], $inner[0]->variationKey);
        $this->assertNull($inner[1]);
        $this->assertCount(1, $conversions);
        $data = $context->getVisitorData();
        $this->assertSame([
            1001 => $expected['checkout-redesign']['normative_variation']['variationId'],
            1002 => $expected['pricing-rollout']['normative_variation']['variationId'],
        ], $data['bucketing']);
        $this->assertSame(['purchase' => true], $data['goals']);
        $this->assertSame($outer->variationKey, $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT])->variationKey);
        $this->assertSame($inner[0]->variationKey, $context->runExperience('pricing-rollout', ['locationProperties' => self::PRICING])->variationKey);
        if ($deferred) {
            // The listener keeps $context alive; a new Context of the visitor makes it write first.
            $this->assertSame([], $store->sets, 'nothing written while the Context lives');
            $this->assertSame($data, $sdk->createContext($case['visitorId'])->getVisitorData(), 'the new Context reads what the first decided');
            $this->assertCount(1, $store->sets, 'one write for the whole request');
        }
        $this->assertSame($data, end($store->sets)[1], 'the last write holds everything');
    }

    public function testAListenerCreatingContextsAndSubscribingDuringReplay(): void
    {
        $sdk = self::sdk();
        $bucketing = self::record($sdk, 'bucketing');
        $sdk->on('ready', static function () use ($sdk): void {
            static $runs = 0;
            if ($runs++ === 0) {
                $sdk->createContext('from-ready', ['plan' => 'premium', 'age' => 30])
                    ->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
                $sdk->on('ready', static function (): void {
                });
            }
        });
        $this->assertSame(['from-ready'], array_column(self::argsOf($bucketing, 'bucketing'), 'visitorId'));
    }

    public function testAListenerKeepsItsObjectAlive(): void
    {
        $sdk = self::sdk();
        $listener = new class () {
            public int $calls = 0;

            public function onBucketing($args, $err): void
            {
                $this->calls++;
            }
        };
        $probe = \WeakReference::create($listener);
        $sdk->on('bucketing', [$listener, 'onBucketing']);
        unset($listener);
        gc_collect_cycles();
        $sdk->createContext('alive', ['plan' => 'premium', 'age' => 30])
            ->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $this->assertNotNull($probe->get(), 'the SDK holds the listener');
        $this->assertSame(1, $probe->get()->calls);
    }

    public function testListenersGetTheirOwnCopyOfThePayload(): void
    {
        $sdk = self::sdk();
        $sdk->on('bucketing', static function ($args): void {
            $args['variationKey'] = 'tampered';
        });
        $sdk->on('bucketing', static function (&$args): void {
            $args['experienceKey'] = 'tampered';
        });
        $log = self::record($sdk, 'bucketing');
        $variation = $sdk->createContext('copy', ['plan' => 'premium', 'age' => 30])
            ->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $this->assertSame(['visitorId' => 'copy', 'experienceKey' => 'checkout-redesign', 'variationKey' => $variation->variationKey], $log[0][1]);
        $replay = self::record($sdk, 'bucketing');
        $this->assertSame($log[0][1], $replay[0][1], 'the remembered payload is unchanged');
    }

    // ---- exit() ---------------------------------------------------------------------------------------

    /** @return array<string, array{0: string, 1: int, 2: string, 3: list<string>}> */
    public static function exitScenarios(): array
    {
        return [
            'exit in a ready listener replayed by on()' => ['ready-replay', 7, 'listener:exit', []],
            'exit in a bucketing listener' => ['bucketing', 7, 'listener:exit', ['1001']],
            'exit in a location listener, fired mid-decision' => ['location', 7, 'listener:exit', ['1001']],
            'exit in a listener of a nested decision' => ['nested', 7, 'listener:exit', ['1001', '1002']],
            'exit in a PSR-3 logger logging a listener failure' => ['logger', 7, 'logger:exit', []],
            'die(string) in a listener of runExperiences' => ['die-string', 0, 'listener:die', ['1001']],
        ];
    }

    /** @dataProvider exitScenarios */
    public function testExitInAUserCallbackUnwindsNormally(string $scenario, int $code, string $exitLine, array $stored): void
    {
        [$rc, $stdout, $stderr] = self::runScript($scenario);
        $this->assertNotSame(139, $rc, "segfault\n$stderr");
        $this->assertSame($code, $rc, "stdout:\n$stdout\nstderr:\n$stderr");
        $this->assertSame('', $stderr);
        $lines = explode("\n", trim($stdout));
        $start = array_search('shutdown:start', $lines, true);
        $this->assertIsInt($start, "shutdown functions ran:\n$stdout");
        $this->assertSame([$exitLine], array_slice($lines, 0, $start), 'nothing ran between the exit and shutdown');
        $this->assertSame('shutdown:decided:' . self::expectedCheckoutKey('shutdown-visitor'), $lines[count($lines) - 2], 'the SDK still decides at shutdown');
        $this->assertSame('shutdown:stored:' . implode(',', $stored), $lines[count($lines) - 1], 'writes before the exit were kept');
    }

    /** checkout-redesign (50/50, ids 10011/10012) for a visitor with the premium attributes, from the hash of §4.1. */
    private static function expectedCheckoutKey(string $visitorId): string
    {
        $hash = hexdec(hash('murmur3a', '1001' . $visitorId, false, ['seed' => 9999]));
        return intdiv((int) $hash * 10000, 4294967296) < 5000 ? 'control' : 'treatment';
    }

    /** Runs the exit script with only the extension loaded: [exit code, stdout, stderr]. */
    private static function runScript(string $scenario): array
    {
        $cmd = [PHP_BINARY, '-n', '-d', 'extension=' . self::extensionPath(), self::SCRIPT, $scenario];
        $process = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start ' . implode(' ', $cmd));
        }
        $stdout = stream_get_contents($pipes[1]);
        $stderr = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($process), $stdout, $stderr];
    }

    /**
     * The shared object loaded in this process: $CONVERT_SDK_SO when set, else the mapping of this process
     * (/proc/self/maps), else the release build of this checkout.
     */
    private static function extensionPath(): string
    {
        $env = getenv('CONVERT_SDK_SO');
        if (is_string($env) && $env !== '') {
            return $env;
        }
        foreach (@file('/proc/self/maps', FILE_IGNORE_NEW_LINES) ?: [] as $line) {
            if (preg_match('~\s(/\S*convert_sdk[^/\s]*\.so)$~', $line, $m) && is_file($m[1])) {
                return $m[1];
            }
        }
        return dirname(__DIR__, 3) . '/target/release/libconvert_sdk.so';
    }
}
