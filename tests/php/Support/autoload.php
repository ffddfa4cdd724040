<?php
/**
 * The one loader of the test helpers, registered by ../bootstrap.php and required by the php-fpm and CLI
 * scripts the tests start: Debian's autoloaders of PSR-3, PSR-16 and Symfony Cache (packages php-psr-log,
 * php-psr-simple-cache, php-symfony-cache), then a class autoloader mapping each test namespace to its
 * helper directory (one class per file, named after the class). Safe to include more than once.
 */

foreach (['Psr/Log/autoload.php', 'Psr/SimpleCache/autoload.php', 'Symfony/Component/Cache/autoload.php'] as $relative) {
    $path = stream_resolve_include_path($relative) ?: '/usr/share/php/' . $relative;
    if (!is_file($path)) {
        throw new \RuntimeException("missing $relative: install the Debian packages listed in scripts/deps.sh");
    }
    require_once $path;
}

if (!defined('CONVERT_SDK_TEST_AUTOLOADER')) {
    define('CONVERT_SDK_TEST_AUTOLOADER', true);

    spl_autoload_register(static function (string $class): void {
        $directories = [
            'ConvertSdk\\Tests\\Support\\' => __DIR__,
            'ConvertSdk\\Tests\\Events\\' => __DIR__ . '/../Events/Support',
            'ConvertSdk\\Tests\\Packaging\\Support\\' => __DIR__ . '/../Packaging/Support',
            'ConvertSdk\\Tests\\Persistence\\' => __DIR__ . '/../Persistence/lib',
            'ConvertSdk\\Tests\\Reliability\\' => __DIR__ . '/../Reliability/lib',
            'ConvertSdk\\Tests\\RemoteConfig\\' => __DIR__ . '/../RemoteConfig/Support',
            'ConvertSdk\\Tests\\Tracking\\' => __DIR__ . '/../Tracking/Support',
        ];
        foreach ($directories as $prefix => $directory) {
            if (str_starts_with($class, $prefix)) {
                $file = $directory . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
                if (is_file($file)) {
                    require_once $file;
                }
                return;
            }
        }
    });
}
