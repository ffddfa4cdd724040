<?php

namespace ConvertSdk\Tests\Support;

/**
 * Temporary directories of a test case, under sys_get_temp_dir() and named
 * `convert-sdk-<name>-<pid>-<random>`: `dir()` (one per test, made on first use), `tempDir()` (a new one
 * per call) and `classDir()` (one per test class, for servers started once per class). The using class
 * calls removeTempDirs() from tearDown() and removeClassDir() from tearDownAfterClass(); a class whose
 * children may still be writing while it cleans up overrides cleanupIgnoresErrors().
 */
trait TemporaryDirectories
{
    /** @var list<string> */
    private array $tempDirs = [];
    private ?string $testDir = null;
    private static ?string $classTempDir = null;

    /** This test's directory, made on first use and removed after the test. */
    protected function dir(): string
    {
        return $this->testDir ??= $this->tempDir(self::tempDirLabel('test'));
    }

    /** A fresh temporary directory, removed after the test. */
    protected function tempDir(string $name): string
    {
        return $this->tempDirs[] = self::makeTempDir($name);
    }

    /** The directory of this test class, made on first use and removed after the class. */
    protected static function classDir(): string
    {
        return self::$classTempDir ??= self::makeTempDir(self::tempDirLabel('class'));
    }

    /** Removes the directories of this test (tearDown). */
    protected function removeTempDirs(): void
    {
        foreach ($this->tempDirs as $dir) {
            self::removeTree($dir);
        }
        $this->tempDirs = [];
        $this->testDir = null;
    }

    /** Removes the directory of this test class (tearDownAfterClass). */
    protected static function removeClassDir(): void
    {
        if (self::$classTempDir !== null) {
            self::removeTree(self::$classTempDir);
            self::$classTempDir = null;
        }
    }

    /** Whether removeTree() skips what it cannot remove (files still being written by children) silently. */
    protected static function cleanupIgnoresErrors(): bool
    {
        return false;
    }

    /** Removes $dir and everything below it (links are removed, never followed); a missing $dir is fine. */
    protected static function removeTree(string $dir): void
    {
        if (!is_dir($dir)) {
            return;
        }
        $quiet = static::cleanupIgnoresErrors();
        $items = new \RecursiveIteratorIterator(
            new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS),
            \RecursiveIteratorIterator::CHILD_FIRST,
        );
        foreach ($items as $item) {
            $path = $item->getPathname();
            $removed = $item->isDir() && !$item->isLink() ? @rmdir($path) : @unlink($path);
            if (!$removed && !$quiet) {
                throw new \RuntimeException("cannot remove $path: " . (error_get_last()['message'] ?? 'unknown error'));
            }
        }
        if (!@rmdir($dir) && !$quiet) {
            throw new \RuntimeException("cannot remove $dir: " . (error_get_last()['message'] ?? 'unknown error'));
        }
    }

    private static function makeTempDir(string $name): string
    {
        $dir = sys_get_temp_dir() . '/convert-sdk-' . $name . '-' . getmypid() . '-' . bin2hex(random_bytes(4));
        if (!mkdir($dir, 0700, true)) {
            throw new \RuntimeException("cannot create $dir");
        }
        return $dir;
    }

    /** `<suite>-<kind>`, e.g. `persistence-test`: the last part of the using class's namespace, then $kind. */
    private static function tempDirLabel(string $kind): string
    {
        $namespace = explode('\\', self::class);
        return strtolower($namespace[count($namespace) - 2] ?? 'tests') . '-' . $kind;
    }
}
