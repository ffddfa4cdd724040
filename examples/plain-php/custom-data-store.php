<?php

/**
 * A custom `dataStore`: any object with get(string $key) and set(string $key, mixed $value) keeps the
 * visitors' decisions across requests. This one writes one JSON file per visitor.
 *
 *   php -d extension=convert_sdk examples/plain-php/custom-data-store.php [visitor-id] [directory]
 *
 * Run it twice with the same visitor id: the second run finds the stored decision and reuses it.
 */

declare(strict_types=1);

use ConvertSdk\ConvertSDK;
use OpenAPI\Client\BucketingAttributes;

/** Visitor store writing `<directory>/<key>.json`; the SDK calls only get() and set(). */
final class JsonFileDataStore
{
    public function __construct(private readonly string $directory)
    {
        if (!is_dir($directory) && !mkdir($directory, 0700, true) && !is_dir($directory)) {
            throw new RuntimeException("cannot create $directory");
        }
    }

    /** The stored value, or null when there is none. */
    public function get(string $key): mixed
    {
        $json = @file_get_contents($this->path($key));
        return $json === false ? null : json_decode($json, true);
    }

    /** Replaces the stored value (written to a temporary file, then renamed: readers never see half a file). */
    public function set(string $key, mixed $value): void
    {
        $tmp = $this->path($key) . '.' . getmypid() . '.tmp';
        file_put_contents($tmp, json_encode($value, JSON_PRETTY_PRINT | JSON_THROW_ON_ERROR));
        rename($tmp, $this->path($key));
    }

    public function path(string $key): string
    {
        return $this->directory . '/' . rawurlencode($key) . '.json';
    }
}

$visitorId = $argv[1] ?? 'visitor-42';
$store = new JsonFileDataStore($argv[2] ?? sys_get_temp_dir() . '/convert-sdk-example-store');

$config = json_decode((string) file_get_contents(__DIR__ . '/../project-config.json'), true);
$sdk = ConvertSDK::create(['data' => $config, 'dataStore' => $store]);
$context = $sdk->createContext($visitorId);

$experienceId = $config['experiences'][0]['id'];
$stored = $context->getVisitorData()['bucketing'][$experienceId] ?? null;
echo "visitor: $visitorId\n";
echo 'stored before this run: ', $stored ?? 'none', "\n";

$variation = $context->runExperience('checkout-button', new BucketingAttributes([
    'locationProperties' => ['url' => 'https://shop.example.com/checkout'],
]));
echo 'experience checkout-button: ', $variation?->variationKey ?? 'not bucketed',
    ' (variation ', $variation?->variationId ?? '-', ")\n";
echo 'store file: ', $store->path("{$config['account_id']}-{$config['project']['id']}-$visitorId"), "\n";
