<?php

/**
 * Runs the AssignExperiments middleware on one request outside Laravel, with a Symfony filesystem PSR-16
 * cache standing in for Laravel's cache store.
 *
 *   php -d extension=convert_sdk examples/laravel/run.php [visitor cookie value]
 *
 * Without a cookie the middleware creates a visitor id and sets the cookie; pass that id on the next run
 * to come back as the same (returning) visitor. The cache directory is CONVERT_CACHE_DIR (default: temp).
 */

declare(strict_types=1);

use App\Http\Middleware\AssignExperiments;
use ConvertSdk\ConvertSDK;
use Symfony\Component\Cache\Adapter\FilesystemAdapter;
use Symfony\Component\Cache\Psr16Cache;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

require __DIR__ . '/../autoload.php';
require_once __DIR__ . '/AssignExperiments.php'; // Composer's App\ autoloading in a real application

$cacheDir = getenv('CONVERT_CACHE_DIR') ?: sys_get_temp_dir() . '/convert-sdk-example-cache';
$sdk = ConvertSDK::create([
    'data' => json_decode((string) file_get_contents(__DIR__ . '/../project-config.json'), true),
    'cache' => new Psr16Cache(new FilesystemAdapter('convert_sdk', 0, $cacheDir)), // Laravel: Cache::store()
]);

$cookies = isset($argv[1]) ? [AssignExperiments::COOKIE => $argv[1]] : [];
$request = Request::create('https://shop.example.com/checkout', 'GET', [], $cookies);

$response = (new AssignExperiments($sdk))->handle($request, static function (Request $request): Response {
    // The controller: reads what the middleware decided.
    $variation = $request->attributes->get('convert.variations')['checkout-button'] ?? null;
    return new Response('checkout-button: ' . ($variation?->variationKey ?? 'none'));
});

$visitorId = $request->attributes->get('convert.visitor_id');
echo 'visitor: ', $visitorId, $cookies === [] ? ' (new, cookie set)' : ' (returning)', "\n";
echo $response->getContent(), "\n";
foreach ($response->headers->getCookies() as $cookie) {
    echo 'set-cookie: ', $cookie->getName(), '=', $cookie->getValue(), "\n";
}
