<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\PhpProcess;
use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * Store failures (spec §6.7, §14 row 36): any \Throwable from get/set is caught and logged, the
 * decision is still made from the in-memory layer, nothing reaches PHP code; exit() or a fatal error
 * inside the store lets PHP unwind normally (checked in a child process: no segfault).
 */
final class StoreFailureTest extends PersistenceTestCase
{
    public function throwables(): array
    {
        return [
            'Exception' => [new \Exception('store down')],
            'RuntimeException' => [new \RuntimeException('store down')],
            'Error' => [new \Error('store broken')],
            'TypeError' => [new \TypeError('bad type')],
            'DivisionByZeroError' => [new \DivisionByZeroError('boom')],
        ];
    }

    /** @dataProvider throwables */
    public function testThrowingGetIsLoggedAndTreatedAsNoData(\Throwable $thrown): void
    {
        $visitor = self::visitorFreshlyIn('10011', 'get');
        $inner = new ArrayDataStore();
        $inner->values[Scenario::storeKey($visitor)] = ['bucketing' => [1001 => '10012'], 'locations' => [], 'segments' => [], 'goals' => []];
        $inner->onGet = static fn () => throw $thrown;
        $store = new CountingStore($inner);
        $log = new RecordingLogger();
        $sdk = $this->sdk(Scenario::specConfig(), $store, $log);

        $this->assertSame('10011', self::variationOf($sdk, $visitor), 'fresh decision, as if nothing were stored');
        $this->assertSame([1, 1], $store->counts());
        $this->assertCount(1, $log->errors(), 'one error per failed call');
        $this->assertStringContainsString($thrown->getMessage(), $log->errors()[0]);

        $this->assertSame('10011', self::variationOf($sdk, $visitor), 'same instance: in-memory layer keeps the decision');
        $this->assertCount(2, $log->errors());
    }

    /** @dataProvider throwables */
    public function testThrowingSetIsLoggedAndTheDecisionKeptInMemory(\Throwable $thrown): void
    {
        $inner = new ArrayDataStore();
        $inner->onSet = static fn () => throw $thrown;
        $log = new RecordingLogger();
        $sdk = $this->sdk(Scenario::specConfig(), $inner, $log);

        $visitor = self::visitorsMovedByReweighting(1, 'set')[0];
        $variation = self::variationOf($sdk, $visitor);
        $this->assertSame(self::variationOf(Scenario::sdk(Scenario::specConfig()), $visitor), $variation);
        $this->assertCount(1, $log->errors());
        $this->assertStringContainsString($thrown->getMessage(), $log->errors()[0]);
        $this->assertSame([], $inner->values);
        $this->assertSame($variation, $sdk->createContext($visitor)->getVisitorData()['bucketing'][1001], 'in-memory copy updated');
    }

    public function testRealTypeErrorFromAStoreSignatureIsCaught(): void
    {
        $store = new class {
            public function get(int $key): mixed { return null; }
            public function set(string $key, int $value): bool { return true; }
        };
        $log = new RecordingLogger();
        $this->assertNotNull(self::variationOf($this->sdk(Scenario::specConfig(), $store, $log), 'xena'));
        $this->assertCount(2, $log->errors(), 'TypeError from get() and from set()');
        foreach ($log->errors() as $message) {
            $this->assertStringContainsString('TypeError', $message);
        }
    }

    public function testSetReturningFalseIsLogged(): void
    {
        $inner = new ArrayDataStore();
        $inner->onSet = static fn (): bool => false;
        $log = new RecordingLogger();
        $this->assertNotNull(self::variationOf($this->sdk(Scenario::specConfig(), $inner, $log), 'yves'));
        $this->assertCount(1, $log->errors());
    }

    public function testBarePsr3LoggerReceivesStoreErrors(): void
    {
        $inner = new ArrayDataStore();
        $inner->onGet = static fn () => throw new \RuntimeException('get failed');
        $inner->onSet = static fn () => throw new \RuntimeException('set failed');
        $log = new RecordingLogger();
        $sdk = $this->sdk(Scenario::specConfig(), $inner, null, ['logger' => $log]);
        $this->assertNotNull(self::variationOf($sdk, 'zoe'));
        $this->assertCount(2, $log->errors());
        $this->assertStringContainsString('get failed', $log->errors()[0]);
        $this->assertStringContainsString('set failed', $log->errors()[1]);
    }

    public function endings(): array
    {
        // [mode of scripts/store-exit.php, exit code, control returns to the script (the set runs at shutdown)]
        return [
            'exit() in get' => ['get-exit', 42, false],
            'exit() in get at createContext' => ['construct-exit', 42, false],
            'exit() in set (deferStoreWrites off)' => ['set-exit', 42, false],
            'exit() in set when the Context is destroyed' => ['set-exit-destruct', 42, false],
            'exit() in set at request shutdown' => ['set-exit-shutdown', 42, true],
            'fatal error in get' => ['get-fatal', 255, false],
            'fatal error in set (deferStoreWrites off)' => ['set-fatal', 255, false],
            'fatal error in set when the Context is destroyed' => ['set-fatal-destruct', 255, false],
            'fatal error in set at request shutdown' => ['set-fatal-shutdown', 255, true],
        ];
    }

    /** @dataProvider endings */
    public function testScriptEndingInsideTheStoreUnwindsNormally(string $mode, int $exitCode, bool $returns): void
    {
        $run = PhpProcess::run(__DIR__ . '/scripts/store-exit.php', [$mode], ['memory_limit' => '64M']);
        [$stdout, $stderr] = [$run->stdout, $run->stderr];

        $this->assertFalse($run->crashed(), $run->describe());
        $this->assertSame($exitCode, $run->exitCode, $run->describe());
        $this->assertStringContainsString("before\n", $stdout);
        if ($returns) {
            $this->assertStringContainsString("before\nafter\nshutdown\n", $stdout, 'the set runs after the script and the earlier shutdown function');
        } else {
            $this->assertStringNotContainsString("after\n", $stdout, 'control never returns to the script');
        }
        $this->assertStringContainsString("shutdown\n", $stdout, 'shutdown functions still run');
        $fatal = str_contains($stdout . $stderr, 'Allowed memory size');
        $this->assertSame($exitCode === 255, $fatal, 'a fatal error is reported by PHP as usual, exit() is silent');
    }
}
