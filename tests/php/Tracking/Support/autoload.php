<?php
/**
 * Loads what the tracking tests and their php-fpm / CLI scripts need: Debian's autoloaders of PSR-3,
 * PSR-16 and Symfony Cache (packages php-psr-log, php-psr-simple-cache, php-symfony-cache), the shared
 * servers of tests/php/Support and the helpers of this directory. Safe to include more than once.
 */

foreach (['Psr/Log/autoload.php', 'Psr/SimpleCache/autoload.php', 'Symfony/Component/Cache/autoload.php'] as $relative) {
    $path = stream_resolve_include_path($relative) ?: '/usr/share/php/' . $relative;
    if (!is_file($path)) {
        throw new \RuntimeException("missing $relative: install the Debian packages listed in scripts/deps.sh");
    }
    require_once $path;
}
require_once __DIR__ . '/../../Support/CaptureServer.php';
require_once __DIR__ . '/../../Support/PhpFpmPool.php';
require_once __DIR__ . '/../../Support/RedisServer.php';
require_once __DIR__ . '/../../Support/ConfigServer.php';
require_once __DIR__ . '/RecordingLogger.php';
require_once __DIR__ . '/EventLog.php';
require_once __DIR__ . '/ArrayDataStore.php';
require_once __DIR__ . '/TrackingJob.php';
