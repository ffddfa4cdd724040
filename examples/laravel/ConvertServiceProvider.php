<?php

declare(strict_types=1);

namespace App\Providers;

use ConvertSdk\ConvertSDK;
use ConvertSdk\Interfaces\CoreInterface;
use Illuminate\Support\Facades\Cache;
use Illuminate\Support\Facades\Log;
use Illuminate\Support\ServiceProvider;

/**
 * Binds the SDK for the Laravel application (needs Laravel; not runnable on its own). Laravel's cache
 * repository implements PSR-16, so any configured store (redis, memcached, file, database) keeps the
 * config and the visitors' decisions; Laravel's logger is a PSR-3 logger.
 *
 * config/services.php: 'convert' => ['sdk_key' => env('CONVERT_SDK_KEY'), 'cache_store' => env('CONVERT_CACHE_STORE', 'redis')]
 */
final class ConvertServiceProvider extends ServiceProvider
{
    public function register(): void
    {
        // One SDK instance per request (scoped): it is cheap to create, and Octane workers get a fresh one.
        $this->app->scoped(CoreInterface::class, static fn (): CoreInterface => ConvertSDK::create([
            'sdkKey' => (string) config('services.convert.sdk_key'),
            'cache' => Cache::store(config('services.convert.cache_store')),
            'logger' => ['customLoggers' => [Log::channel()]],
        ]));
    }
}
