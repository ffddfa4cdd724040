<?php

namespace ConvertSdk\Tests\Support;

use ConvertSdk\Interfaces\CoreInterface;

/** Assertions shared by the test cases. */
trait SdkAssertions
{
    /** Runs $fn and asserts it throws exactly $class (neither a parent nor a subclass), with $message if given. */
    protected static function assertThrowsExactly(string $class, ?string $message, callable $fn): \Throwable
    {
        try {
            $fn();
        } catch (\Throwable $e) {
            self::assertSame($class, get_class($e), 'exception class (message: ' . $e->getMessage() . ')');
            if ($message !== null) {
                self::assertSame($message, $e->getMessage());
            }
            return $e;
        }
        self::fail("expected $class to be thrown");
    }

    /** Subscribes to `ready` and returns every [args, err] pair received (ready is deferred, spec §9.2). */
    protected static function readyCalls(CoreInterface $sdk): array
    {
        $calls = [];
        $sdk->on('ready', function ($args, $err) use (&$calls): void {
            $calls[] = [$args, $err];
        });
        return $calls;
    }
}
