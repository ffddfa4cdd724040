<?php

/**
 * Quick start: one visitor, one experience, one feature flag, one conversion. Needs nothing but the extension.
 *
 *   php -d extension=convert_sdk examples/plain-php/quickstart.php [visitor-id]
 *
 * The project config comes from Convert's CDN when CONVERT_SDK_KEY is set ("<accountId>/<projectId>"),
 * else from examples/project-config.json (`data` option). Tracking events are sent to TRACK_ENDPOINT when
 * that environment variable is set, else to Convert.
 */

declare(strict_types=1);

use ConvertSdk\ConvertSDK;
use ConvertSdk\DTO\ConversionAttributes;
use ConvertSdk\DTO\GoalData;
use ConvertSdk\Enums\FeatureStatus;
use ConvertSdk\Enums\GoalDataKey;
use OpenAPI\Client\BucketingAttributes;

$visitorId = $argv[1] ?? 'visitor-42';
$sdkKey = (string) getenv('CONVERT_SDK_KEY');

$sdk = ConvertSDK::create($sdkKey !== ''
    ? ['sdkKey' => $sdkKey]
    : ['data' => json_decode((string) file_get_contents(__DIR__ . '/../project-config.json'), true)]);

$context = $sdk->createContext($visitorId, ['plan' => 'premium']);
if ($context === null) {
    fwrite(STDERR, "The SDK is not ready (config could not be loaded).\n");
    exit(1);
}

// Experiences only run where their location matches: always pass location properties (e.g. the URL).
$onCheckout = new BucketingAttributes(['locationProperties' => ['url' => 'https://shop.example.com/checkout']]);

echo "visitor: $visitorId\n";

$variation = $context->runExperience('checkout-button', $onCheckout);
echo 'experience checkout-button: ', $variation === null
    ? "not bucketed\n"
    : "{$variation->variationKey} (variation {$variation->variationId})\n";

$feature = $context->runFeature('checkout-button-style', $onCheckout);
echo 'feature checkout-button-style: ', $feature?->status->value ?? 'unknown';
if ($feature?->status === FeatureStatus::Enabled) {
    foreach ($feature->variables as $name => $value) {
        echo " $name=", var_export($value, true);
    }
}
echo "\n";

$result = $context->trackConversion('purchase', new ConversionAttributes(conversionData: [
    new GoalData(GoalDataKey::Amount, 49.99),
    new GoalData(GoalDataKey::TransactionId, 'T-' . $visitorId),
]));
echo 'conversion purchase: ', $result === null ? 'accepted' : 'rejected', "\n";

// Tracking events are queued and sent once at the end of the request; flush() sends them now.
$sdk->flush();
