<?php
/**
 * Child process of HostileUserObjectsTest: `hostile-callback.php <scenario> <sink url>`. A user object
 * (store, PSR-16 config cache, PSR-3 logger or event listener) exhausts memory_limit, re-enters the
 * SDK a bounded number of times, or re-enters it without end. Prints markers:
 *   before                      the SDK call is about to run
 *   after:<variationId>         control came back (depth:<n> = how often the hook ran)
 *   shutdown:start              shutdown functions ran
 *   shutdown:same-context:<id>  the context that was deciding when the hook failed still decides
 *   shutdown:new-sdk:<id>       a new SDK instance decides
 *   nested-create:ready         a create() run from inside the config cache's get() got a ready SDK
 * The config is Configs::split(); visitor `alice` is decided for experience `split`. The
 * store-set-reenter* scenarios run the store's set() inside runExperience() (deferStoreWrites off),
 * in the destructor of the Context (unset) or in createContext() of the same visitor.
 */

require __DIR__ . '/../../Support/autoload.php';

use ConvertSdk\ConvertSDK;
use ConvertSdk\Tests\Reliability\Configs;
use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\MemoryCache;

[, $scenario, $sink] = $argv + [2 => 'http://127.0.0.1:9'];

$attributes = ['locationProperties' => Configs::LOCATION];
$store = new ArrayDataStore();
$logger = new class () extends \Psr\Log\AbstractLogger {
    /** @var (callable(): void)|null */
    public $hook = null;

    public function log($level, $message, array $context = []): void
    {
        if ($this->hook !== null) {
            ($this->hook)();
        }
    }
};
$cache = new MemoryCache();
$depth = 0;

/** Exhausts memory_limit the first time it runs (a fatal error, not an exception). */
$hog = static function (): void {
    static $done = false;
    if ($done) {
        return;
    }
    $done = true;
    $hog = [];
    while (true) {
        $hog[] = str_repeat('x', 1 << 20);
    }
};
/** Decides another visitor through the SDK; at most once unless $unbounded. */
$reenter = static function (bool $unbounded = false) use (&$sdk, &$depth, $attributes): void {
    if (!$unbounded && $depth > 0) {
        return;
    }
    $depth++;
    $sdk->createContext("nested-$depth")->runExperience('split', $attributes);
};

$options = Configs::options(Configs::split(), $sink, [
    'dataStore' => $store,
    'logger' => ['logLevel' => \ConvertSdk\Enums\LogLevel::Debug, 'customLoggers' => [$logger]],
]);
match ($scenario) {
    'logger-oom' => $logger->hook = $hog,
    'store-get-reenter' => $store->onGet = static function (string $key) use ($reenter, $store) {
        $reenter();
        return $store->values[$key] ?? null;
    },
    'store-set-reenter', 'store-set-reenter-destruct', 'store-set-reenter-recreate' => $store->onSet = static function (string $key, $value) use ($reenter, $store) {
        $reenter();
        $store->values[$key] = $value;
        return true;
    },
    'logger-reenter' => $logger->hook = static fn () => $reenter(),
    'logger-recursion' => $logger->hook = static fn () => $reenter(true),
    'store-recursion' => $store->onGet = static function () use ($reenter) {
        $reenter(true);
        return null;
    },
    default => null,
};
if ($scenario === 'store-set-reenter') {
    $options['deferStoreWrites'] = false; // the set runs inside runExperience()
}
if (in_array($scenario, ['cache-get-oom', 'cache-get-reenter'], true)) {
    $cache->onGet = $scenario === 'cache-get-oom' ? $hog : static function () use (&$depth, $sink) {
        $depth++;
        $inner = ConvertSDK::create(Configs::options(Configs::split(), $sink));
        echo 'nested-create:' . ($inner->isReady() ? 'ready' : 'not-ready') . "\n";
        return null;
    };
    $options = ['sdkKey' => Configs::ACCOUNT . '/' . Configs::PROJECT, 'cache' => $cache,
        'api' => ['endpoint' => ['config' => $sink . '/ok', 'track' => $sink . '/track']]] + $options;
    unset($options['data']);
}

// Registered before create(), so it runs before the SDK's own shutdown release of the queue (which
// fails in `shutdown-release-oom`: the queue is left for it there).
register_shutdown_function(static function () use (&$sdk, &$context, $attributes, $sink, $store, $logger, $cache, $scenario): void {
    echo "shutdown:start\n";
    $store->onGet = $store->onSet = $logger->hook = $cache->onGet = null;
    if ($context !== null) {
        echo 'shutdown:same-context:' . $context->runExperience('split', $attributes)?->variationId . "\n";
        if ($scenario !== 'shutdown-release-oom') {
            $sdk->flush();
        }
    }
    $fresh = ConvertSDK::create(Configs::options(Configs::split(), $sink));
    echo 'shutdown:new-sdk:' . $fresh->createContext('fresh')->runExperience('split', $attributes)?->variationId . "\n";
});

echo "before\n";
$context = null;
$sdk = ConvertSDK::create($options);
echo 'ready:' . ($sdk->isReady() ? 'yes' : 'no') . "\n";
if (in_array($scenario, ['listener-oom', 'listener-recursion'], true)) {
    $sdk->on('bucketing', $scenario === 'listener-oom' ? $hog : static fn () => $reenter(true));
}
if ($scenario === 'ready-replay-oom') {
    $sdk->on('ready', $hog); // the deferred `ready` is replayed inside on()
}
if (in_array($scenario, ['queue-listener-oom', 'shutdown-release-oom'], true)) {
    $sdk->on('api.queue.released', $hog);
}
$context = $sdk->createContext('alice');
$variation = $context->runExperience('split', $attributes);
if ($scenario === 'queue-listener-oom') {
    $sdk->flush();
}
if ($scenario === 'store-set-reenter-destruct') {
    unset($context); // the deferred set runs in the destructor
    $context = $sdk->createContext('alice');
}
if ($scenario === 'store-set-reenter-recreate') {
    $context = $sdk->createContext('alice'); // the first Context writes before this one reads
}
echo 'after:' . $variation?->variationId . " depth:$depth\n";
