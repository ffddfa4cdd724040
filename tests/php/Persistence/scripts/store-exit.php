<?php
/**
 * Child process of StoreFailureTest: an SDK whose user dataStore ends the script from inside get()
 * or set() (exit() or a fatal error), per argv[1]. Prints markers so the test can tell how far the
 * script got: "before", then "after" only if control came back, and "shutdown" from a shutdown
 * function (PHP must unwind normally).
 * set-exit / set-fatal: `'deferStoreWrites' => false`, the set runs inside runExperience();
 * *-destruct: the (deferred) set runs when the Context is destroyed by unset(), before "after";
 * *-shutdown: the Context lives to the end of the script, the set runs in the SDK's shutdown
 * function (after the one printing "shutdown", registered first).
 */

require __DIR__ . '/../../Support/autoload.php';

use ConvertSdk\Tests\Persistence\Scenario;
use ConvertSdk\Tests\Support\ArrayDataStore;

$mode = $argv[1] ?? '';
$store = new ArrayDataStore();
$end = static function () use ($mode): void {
    if (str_contains($mode, 'fatal')) {
        $hog = [];
        while (true) {
            $hog[] = str_repeat('x', 1 << 20); // exhausts memory_limit: fatal error, no exception
        }
    }
    exit(42);
};
match ($mode) {
    'get-exit', 'get-fatal', 'construct-exit' => $store->onGet = static fn () => $end(),
    'set-exit', 'set-fatal', 'set-exit-destruct', 'set-fatal-destruct', 'set-exit-shutdown', 'set-fatal-shutdown'
        => $store->onSet = static fn () => $end(),
};
$deferred = !in_array($mode, ['set-exit', 'set-fatal'], true);

register_shutdown_function(static function (): void {
    echo "shutdown\n";
});
$sdk = Scenario::sdk(Scenario::specConfig(), ['dataStore' => $store, 'deferStoreWrites' => $deferred]);
echo "before\n";
$context = $sdk->createContext('zed', $mode === 'construct-exit' ? ['country' => 'DE'] : null);
$context->runExperience('checkout-redesign', Scenario::attributes());
if (str_ends_with($mode, '-destruct')) {
    unset($context);
}
echo "after\n";
