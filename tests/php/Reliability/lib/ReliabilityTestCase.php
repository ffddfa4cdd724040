<?php

namespace ConvertSdk\Tests\Reliability;

use ConvertSdk\Tests\Support\PhpProcess;
use ConvertSdk\Tests\Support\TemporaryDirectories;
use PHPUnit\Framework\TestCase;

/**
 * Base of the reliability tests: temporary directories, child PHP processes with crash detection,
 * and the RELIABILITY_LONG switch (long runs only when the environment variable is `1`).
 */
abstract class ReliabilityTestCase extends TestCase
{
    use TemporaryDirectories;

    protected const SCRIPTS = __DIR__ . '/../scripts';

    /**
     * Child processes (php scripts, php-fpm pools) use PHP's own allocator even when this process runs
     * under valgrind with USE_ZEND_ALLOC=0: without it memory_limit is not enforced and the memory
     * exhaustion scenarios would run until the kernel stops them.
     */
    protected function setUp(): void
    {
        putenv('USE_ZEND_ALLOC');
    }

    protected function tearDown(): void
    {
        $this->removeTempDirs();
    }

    /** True when the long variants run (RELIABILITY_LONG=1). */
    protected static function long(): bool
    {
        return getenv('RELIABILITY_LONG') === '1';
    }

    /** Runs scripts/$script in a child process (see PhpProcess::run). */
    protected static function php(string $script, array $args = [], array $ini = [], float $timeout = 60.0): PhpProcess
    {
        return PhpProcess::run(self::SCRIPTS . '/' . $script, $args, $ini, $timeout);
    }

    /** The child neither crashed (signal, segfault, Rust panic) nor hung. */
    protected function assertNoCrash(PhpProcess $run): void
    {
        $this->assertFalse($run->crashed(), 'the process crashed: ' . $run->describe());
        $this->assertFalse($run->timedOut, 'the process hung: ' . $run->describe());
    }

    /** The last JSON line printed by a child script, decoded. */
    protected function jsonResult(PhpProcess $run): array
    {
        $this->assertNoCrash($run);
        $lines = $run->lines();
        $this->assertNotEmpty($lines, 'no output: ' . $run->describe());
        $decoded = json_decode((string) end($lines), true);
        $this->assertIsArray($decoded, 'last line is not JSON: ' . $run->describe());
        return $decoded;
    }

    /** Child processes (php-fpm workers, servers) may still be writing while a test cleans up. */
    protected static function cleanupIgnoresErrors(): bool
    {
        return true;
    }
}
