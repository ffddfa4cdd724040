<?php
/**
 * PHPUnit bootstrap: refuses to run without the extension, registers the autoloader of the test helpers
 * (Support/autoload.php) and starts a local HTTP sink so that no test ever sends tracking or config
 * requests to Convert's servers.
 */

if (!extension_loaded('convert_sdk')) {
    fwrite(STDERR, "The convert_sdk extension is not loaded.\n"
        . "Run the suite with the built shared object, e.g. from the repository root:\n"
        . "  php -d extension=\$PWD/target/release/libconvert_sdk.so /usr/bin/phpunit -c tests/php/phpunit.xml\n");
    exit(1);
}

require __DIR__ . '/Support/autoload.php';

ConvertSdk\Tests\Support\HttpSink::start();
