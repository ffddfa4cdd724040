<?php
/**
 * Run in a subprocess by ListenerFailureTest: `php -n -d extension=<so> exit-in-callback.php <scenario>`.
 * A user callback (event listener or PSR-3 logger) calls exit(7) in the middle of an SDK call. Expected:
 * nothing after the exit runs (no "after:" line before "shutdown:start"), shutdown functions still run and
 * can use the SDK (the other "shutdown:" lines; listeners run again there), exit code 7 (0 for die(string)),
 * no crash.
 */

use ConvertSdk\ConvertSDK;
use ConvertSdk\Enums\LogLevel;
use ConvertSdk\Tests\Support\RecordingLogger;

require __DIR__ . '/../../Support/autoload.php';

$scenario = $argv[1] ?? '';
$config = json_decode(file_get_contents(__DIR__ . '/../../../fixtures/spec-example-config.json'), true, 512, JSON_THROW_ON_ERROR);
$checkout = ['locationProperties' => ['url' => 'https://shop.example.com/checkout']];

/** A PSR-3 logger that exits on its first error() call. */
final class ExitingLogger extends \Psr\Log\AbstractLogger
{
    private bool $exited = false;

    public function log($level, $message, array $context = []): void
    {
        if ($level === 'error' && !$this->exited) {
            $this->exited = true;
            echo "logger:exit\n";
            exit(7);
        }
    }
}

$logger = $scenario === 'logger' ? new ExitingLogger() : new RecordingLogger();
$sdk = ConvertSDK::create([
    'data' => $config,
    'network' => ['tracking' => false],
    'logger' => ['logLevel' => LogLevel::Debug, 'customLoggers' => [$logger]],
]);
$context = $sdk->createContext('exit-visitor', ['plan' => 'premium', 'age' => 30]);

/** A listener that exits the first time it is called. */
$exitOnce = static function () {
    static $exited = false;
    if (!$exited) {
        $exited = true;
        echo "listener:exit\n";
        exit(7);
    }
};
$after = static function (string $where): \Closure {
    return static function () use ($where): void {
        echo "after:$where\n";
    };
};

register_shutdown_function(static function () use ($sdk, $context): void {
    echo "shutdown:start\n";
    $variation = $sdk->createContext('shutdown-visitor', ['plan' => 'premium', 'age' => 30])
        ->runExperience('checkout-redesign', ['locationProperties' => ['url' => 'https://shop.example.com/checkout']]);
    echo 'shutdown:decided:', $variation?->variationKey ?? 'null', "\n";
    echo 'shutdown:stored:', implode(',', array_keys($context->getVisitorData()['bucketing'] ?? [])), "\n";
});

switch ($scenario) {
    case 'ready-replay':
        $sdk->on('ready', $exitOnce);
        echo "after:on\n";
        break;
    case 'bucketing':
        $sdk->on('bucketing', $exitOnce);
        $sdk->on('bucketing', $after('second-listener'));
        $context->runExperience('checkout-redesign', $checkout);
        echo "after:runExperience\n";
        break;
    case 'location':
        $sdk->on('location.activated', $exitOnce);
        $sdk->on('location.activated', $after('second-listener'));
        $context->runExperience('checkout-redesign', $checkout);
        echo "after:runExperience\n";
        break;
    case 'nested':
        // The exit happens inside a decision made by a listener of another decision.
        $sdk->on('location.activated', static function () use ($context): void {
            $context->runExperience('pricing-rollout', ['locationProperties' => ['url' => '/pricing']]);
            echo "after:nested-run\n";
        });
        $sdk->on('bucketing', $exitOnce);
        $context->runExperience('checkout-redesign', $checkout);
        echo "after:runExperience\n";
        break;
    case 'logger':
        // The failing listener makes the SDK log an error; the logger exits.
        $sdk->on('conversion', static function (): void {
            throw new \RuntimeException('listener failure');
        });
        $sdk->on('conversion', $after('second-listener'));
        $context->trackConversion('purchase');
        echo "after:trackConversion\n";
        break;
    case 'die-string':
        $sdk->on('bucketing', static function (): void {
            static $died = false;
            if (!$died) {
                $died = true;
                die("listener:die\n");
            }
        });
        $context->runExperiences($checkout);
        echo "after:runExperiences\n";
        break;
    default:
        fwrite(STDERR, "unknown scenario '$scenario'\n");
        exit(2);
}
echo "after:end\n";
