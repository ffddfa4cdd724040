<?php

/**
 * Class loading for the examples and the web demo.
 *
 * The convert_sdk classes come from the extension and need no autoloader. The PSR interfaces and the
 * Symfony components the examples use come from Composer's vendor/autoload.php when the project has one
 * (`composer require symfony/cache symfony/dependency-injection symfony/yaml symfony/http-foundation`),
 * else from the Debian packages installed under /usr/share/php (php-symfony-cache, php-psr-simple-cache…).
 */

declare(strict_types=1);

$composerAutoload = dirname(__DIR__) . '/vendor/autoload.php';
if (is_file($composerAutoload)) {
    require_once $composerAutoload;
    return;
}

foreach ([
    'Psr/SimpleCache/autoload.php',
    'Psr/Log/autoload.php',
    'Symfony/Component/Cache/autoload.php',
    'Symfony/Component/DependencyInjection/autoload.php',
    'Symfony/Component/Config/autoload.php',
    'Symfony/Component/Yaml/autoload.php',
    'Symfony/Component/HttpFoundation/autoload.php',
] as $debianAutoload) {
    if (is_file('/usr/share/php/' . $debianAutoload)) {
        require_once '/usr/share/php/' . $debianAutoload;
    }
}
