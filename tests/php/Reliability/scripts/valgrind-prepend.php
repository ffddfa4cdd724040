<?php
/**
 * auto_prepend_file of scripts/valgrind.sh, for the traced PHPUnit process only:
 * - child processes (php scripts, php-fpm, php -S) get PHP's own allocator back: with the inherited
 *   USE_ZEND_ALLOC=0, memory_limit is not enforced and memory-exhaustion scenarios would never end;
 * - garbage cycles are collected after every other shutdown function (PHP does not at the end of a
 *   request), so valgrind's "definitely lost" counts only memory no collection can free.
 */
putenv('USE_ZEND_ALLOC');
register_shutdown_function(static function (): void {
    register_shutdown_function('gc_collect_cycles');
});
