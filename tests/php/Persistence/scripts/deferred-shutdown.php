<?php
/**
 * Child process of DeferredWritesTest: `deferred-shutdown.php <mode> <store> <visitorId>`, where
 * <store> is `fs:<directory>` (Symfony Psr16Cache over FilesystemAdapter, namespace "convert") or
 * `redis:<port>:<namespace>` (Psr16Cache over RedisAdapter), wrapped in a dataStore that prints
 * "store:set <key>" on each set. The visitor is decided for checkout-redesign and converts on
 * "purchase" with the default `deferStoreWrites`, so nothing is written while the script runs; the
 * Context is a global variable (or, in `fatal-in-function`, a local of the function that fails).
 * Modes: end (the script ends normally), exit (exit(3)), fatal-memory (memory_limit exhausted),
 * fatal-undefined (call to an undefined function: uncaught Error), fatal-in-function, and
 * late-shutdown (ends normally; a shutdown function registered after create(), so run after the
 * SDK's, decides more experiences on the Context, printing "late:<variationIds>").
 * Markers: "decided:<variationId>", "end", "shutdown:user" (a shutdown function registered before
 * create()), "released:<reason>" (api.queue.released, the tracking release at shutdown).
 */

require __DIR__ . '/../../Support/autoload.php';

use ConvertSdk\Context;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Persistence\Scenario;
use Symfony\Component\Cache\Adapter\FilesystemAdapter;
use Symfony\Component\Cache\Adapter\RedisAdapter;
use Symfony\Component\Cache\Psr16Cache;

[, $mode, $storeSpec, $visitor] = $argv + [1 => '', 2 => '', 3 => 'zed'];

$parts = explode(':', $storeSpec, 3);
$cache = match ($parts[0]) {
    'fs' => new Psr16Cache(new FilesystemAdapter('convert', 0, $parts[1])),
    'redis' => new Psr16Cache(new RedisAdapter(RedisAdapter::createConnection("redis://127.0.0.1:{$parts[1]}"), $parts[2])),
};
$store = new class ($cache) {
    public function __construct(private readonly Psr16Cache $inner)
    {
    }

    public function get($key)
    {
        return $this->inner->get($key);
    }

    public function set($key, $value)
    {
        echo "store:set $key\n";
        return $this->inner->set($key, $value);
    }
};

function exhaustMemory(): void
{
    $hog = [];
    while (true) {
        $hog[] = str_repeat('x', 1 << 20);
    }
}

function decide(CoreInterface $sdk, string $visitor, string $mode): Context
{
    $context = $sdk->createContext($visitor, Scenario::VIP);
    $variation = $context->runExperience('checkout-redesign', Scenario::attributes());
    $context->trackConversion('purchase');
    echo 'decided:', $variation?->variationId ?? 'null', "\n";
    if ($mode === 'fatal-in-function') {
        exhaustMemory();
    }
    return $context;
}

register_shutdown_function(static function (): void {
    echo "shutdown:user\n";
});
$sdk = Scenario::sdk(Scenario::specConfig(), ['dataStore' => $store], 'http://127.0.0.1:9');
$sdk->on('api.queue.released', static function ($args): void {
    echo 'released:', $args['reason'] ?? '?', "\n";
});

$context = decide($sdk, $visitor, $mode);
if ($mode === 'late-shutdown') {
    register_shutdown_function(static function () use ($context): void {
        $ids = array_map(static fn ($v): string => $v->variationId, $context->runExperiences(Scenario::attributes()));
        echo 'late:', implode(',', $ids), "\n";
    });
}
match ($mode) {
    'end', 'late-shutdown', 'fatal-in-function' => null,
    'exit' => exit(3),
    'fatal-memory' => exhaustMemory(),
    'fatal-undefined' => convert_sdk_test_undefined_function(),
};
echo "end\n";
