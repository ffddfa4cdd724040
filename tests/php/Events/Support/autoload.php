<?php
/**
 * Loads what the event, logging and QA-override tests need: Debian's PSR-3 and PSR-16 autoloaders
 * (packages php-psr-log, php-psr-simple-cache) and the helpers of this directory. Safe to include more
 * than once, also from the subprocess scripts of ../scripts.
 */

foreach (['Psr/Log/autoload.php', 'Psr/SimpleCache/autoload.php'] as $relative) {
    $path = stream_resolve_include_path($relative) ?: '/usr/share/php/' . $relative;
    if (!is_file($path)) {
        throw new \RuntimeException("missing $relative: install the Debian packages listed in scripts/deps.sh");
    }
    require_once $path;
}
require_once __DIR__ . '/RecordingLogger.php';
require_once __DIR__ . '/SpyStore.php';
require_once __DIR__ . '/MemoryCache.php';
