<?php
/**
 * Loads what the remote-config tests and their php-fpm scripts need: the Debian autoloaders of PSR-16,
 * PSR-3 and Symfony Cache (packages php-psr-simple-cache, php-psr-log, php-symfony-cache), the shared
 * ConfigServer / RedisServer / PhpFpmPool helpers and the classes of this directory. Safe to include twice.
 */

foreach (['Psr/SimpleCache/autoload.php', 'Psr/Log/autoload.php', 'Symfony/Component/Cache/autoload.php'] as $relative) {
    $path = stream_resolve_include_path($relative) ?: '/usr/share/php/' . $relative;
    if (!is_file($path)) {
        throw new \RuntimeException("missing $relative: install the Debian packages listed in scripts/deps.sh");
    }
    require_once $path;
}

require_once __DIR__ . '/../../Support/ConfigServer.php';
require_once __DIR__ . '/../../Support/RedisServer.php';
require_once __DIR__ . '/../../Support/PhpFpmPool.php';
require_once __DIR__ . '/RecordingLogger.php';
require_once __DIR__ . '/RecordingCache.php';
require_once __DIR__ . '/RemoteConfigs.php';
