<?php
/**
 * Loads what the persistence tests and their php-fpm / CLI scripts need: the Debian autoloaders of
 * Symfony Cache, PSR-16 and PSR-3 (packages php-symfony-cache, php-psr-simple-cache, php-psr-log)
 * and the helper classes of this directory. Safe to include more than once.
 */

foreach ([
    'Psr/SimpleCache/autoload.php',
    'Psr/Log/autoload.php',
    'Symfony/Component/Cache/autoload.php',
] as $relative) {
    $path = stream_resolve_include_path($relative) ?: '/usr/share/php/' . $relative;
    if (!is_file($path)) {
        throw new \RuntimeException("missing $relative: install the Debian packages listed in scripts/deps.sh");
    }
    require_once $path;
}

require_once __DIR__ . '/RecordingLogger.php';
require_once __DIR__ . '/CountingStore.php';
require_once __DIR__ . '/ArrayDataStore.php';
require_once __DIR__ . '/RedisDataStore.php';
require_once __DIR__ . '/Scenario.php';
