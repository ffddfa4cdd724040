<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * A dead store must not cost a failure on every call (issue 8): after `failures` consecutive failed
 * store calls the store is skipped for `seconds`, kept across SDK instances (and requests) per store
 * class and project; one log line when the circuit opens, one when it closes again.
 */
final class CircuitBreakerTest extends PersistenceTestCase
{
    /** A store whose availability the test switches; counts the calls it receives. */
    private static function switchableStore(): object
    {
        return new class () {
            public bool $down = true;
            public int $calls = 0;
            public array $data = [];

            public function get($key)
            {
                $this->calls++;
                if ($this->down) {
                    throw new \RuntimeException('store unreachable');
                }
                return $this->data[$key] ?? null;
            }

            public function set($key, $value)
            {
                $this->calls++;
                if ($this->down) {
                    throw new \RuntimeException('store unreachable');
                }
                $this->data[$key] = $value;
                return true;
            }
        };
    }

    private function decide(object $store, RecordingLogger $logger, string $visitor, int $failures, int $seconds): ?string
    {
        $sdk = $this->sdk(Scenario::specConfig(), $store, $logger, [
            'storeCircuitBreaker' => ['failures' => $failures, 'seconds' => $seconds],
        ]);
        return self::variationOf($sdk, $visitor);
    }

    public function testOpensAfterRepeatedFailuresThenClosesAfterTheCoolDown(): void
    {
        $store = self::switchableStore();
        $logger = new RecordingLogger();
        $expected = [];
        // each request costs one get and one set while the store is called
        for ($i = 0; $i < 20; $i++) {
            $expected[$i] = $this->decide($store, $logger, "cb-$i", 3, 1);
        }
        $this->assertSame(3, $store->calls, 'two failed calls, then the third opens the circuit: no more calls');
        $opened = array_filter($logger->errors(), static fn (string $m): bool => str_contains($m, 'skipped for 1 s'));
        $this->assertCount(1, $opened, 'logged once when it opens');
        $this->assertNotContains(null, $expected, 'every request still decided (in memory)');

        usleep(1_100_000);
        $store->down = false;
        $callsBefore = $store->calls;
        $this->assertSame($expected[0], $this->decide($store, $logger, 'cb-0', 3, 1), 'same deterministic decision');
        $this->assertSame($callsBefore + 2, $store->calls, 'after the cool-down the store is called again (get + set)');
        $closed = array_filter($logger->records, static fn (array $r): bool => str_contains($r[1], 'circuit closed'));
        $this->assertCount(1, $closed, 'logged once when it closes');
        $this->assertNotEmpty($store->data, 'persistence resumed');
    }

    public function testZeroFailuresDisablesTheBreaker(): void
    {
        $store = self::switchableStore();
        $logger = new RecordingLogger();
        for ($i = 0; $i < 5; $i++) {
            $this->decide($store, $logger, "off-$i", 0, 30);
        }
        $this->assertSame(10, $store->calls, 'every request calls get and set');
    }
}
