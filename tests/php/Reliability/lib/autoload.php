<?php
/**
 * Loads what the reliability tests and their child scripts need: the persistence helpers (Symfony
 * Cache, PSR-3/PSR-16 autoloaders, ArrayDataStore, RecordingLogger, RedisDataStore), the shared test
 * servers of ../../Support and the classes of this directory. Safe to include more than once.
 */

require_once __DIR__ . '/../../Persistence/lib/autoload.php';
require_once __DIR__ . '/../../Support/RedisServer.php';
require_once __DIR__ . '/../../Support/PhpFpmPool.php';
require_once __DIR__ . '/../../Support/ConfigServer.php';
require_once __DIR__ . '/Configs.php';
require_once __DIR__ . '/PhpProcess.php';
require_once __DIR__ . '/FastCgi.php';
require_once __DIR__ . '/HttpServer.php';
require_once __DIR__ . '/TimedRedisStore.php';
require_once __DIR__ . '/HookCache.php';
require_once __DIR__ . '/FpmLoad.php';
