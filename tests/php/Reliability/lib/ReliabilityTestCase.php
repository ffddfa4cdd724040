<?php

namespace ConvertSdk\Tests\Reliability;

use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/autoload.php';

/**
 * Base of the reliability tests: temporary directories, child PHP processes with crash detection,
 * and the RELIABILITY_LONG switch (long runs only when the environment variable is `1`).
 */
abstract class ReliabilityTestCase extends TestCase
{
    protected const SCRIPTS = __DIR__ . '/../scripts';

    /** @var list<string> */
    private array $dirs = [];

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
        foreach ($this->dirs as $dir) {
            self::removeTree($dir);
        }
        $this->dirs = [];
    }

    /** True when the long variants run (RELIABILITY_LONG=1). */
    protected static function long(): bool
    {
        return getenv('RELIABILITY_LONG') === '1';
    }

    /** A fresh temporary directory, removed after the test. */
    protected function tempDir(string $name = 'rel'): string
    {
        $dir = sys_get_temp_dir() . '/convert-sdk-' . $name . '-' . getmypid() . '-' . bin2hex(random_bytes(4));
        if (!mkdir($dir, 0700, true)) {
            throw new \RuntimeException("cannot create $dir");
        }
        return $this->dirs[] = $dir;
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

    protected static function removeTree(string $dir): void
    {
        if (!is_dir($dir)) {
            return;
        }
        $items = new \RecursiveIteratorIterator(
            new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS),
            \RecursiveIteratorIterator::CHILD_FIRST,
        );
        foreach ($items as $item) {
            $item->isDir() && !$item->isLink() ? @rmdir($item->getPathname()) : @unlink($item->getPathname());
        }
        @rmdir($dir);
    }
}
