<?php
/**
 * auto_prepend_file of scripts/valgrind.sh: collects garbage cycles after every other shutdown
 * function (PHP does not at the end of a request), so that valgrind's "definitely lost" counts only
 * memory that no collection can free: leaked references and cycles the collector cannot see through.
 */
register_shutdown_function(static function (): void {
    register_shutdown_function('gc_collect_cycles');
});
