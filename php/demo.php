<?php

/**
 * CLI demo of the convert_sdk extension (run by `make demo`; needs nothing but the extension):
 *   php -n -d extension=target/release/libconvert_sdk.so php/demo.php
 *
 * Builds an SDK from the spec's example project config, prints the decisions for a few visitors,
 * then repeats them with a second, independent SDK instance to show that bucketing is deterministic.
 */

declare(strict_types=1);

use ConvertSdk\ConvertSDK;
use ConvertSdk\DTO\BucketedFeature;
use ConvertSdk\Enums\FeatureStatus;
use ConvertSdk\Interfaces\CoreInterface;
use OpenAPI\Client\BucketingAttributes;

const CONFIG_FILE = __DIR__ . '/../tests/fixtures/spec-example-config.json';

/** Location properties: the experiences only run on these pages (location / site-area rules). */
const CHECKOUT_PAGE = ['url' => 'https://shop.example.com/checkout?step=1'];
const PRICING_PAGE = ['url' => 'https://shop.example.com/pricing'];

/**
 * Visitor id => visitor attributes. `checkout-redesign` targets plan premium/enterprise with age >= 18,
 * so visitor-5 (too young) and visitor-7 (free plan) are not eligible for it.
 */
const VISITORS = [
    'visitor-0' => ['plan' => 'premium', 'age' => 30],
    'visitor-2' => ['plan' => 'premium', 'age' => 30],
    'visitor-3' => ['plan' => 'enterprise', 'age' => 45],
    'visitor-5' => ['plan' => 'enterprise', 'age' => 17],
    'visitor-7' => ['plan' => 'free', 'age' => 40],
    'visitor-23' => ['plan' => 'premium', 'age' => 52],
];

const COLUMNS = ['visitor', 'attributes', 'checkout-redesign', 'pricing-rollout', 'new-checkout', 'pricing-v2'];

/** Reads the example project config (the `data` option). */
function loadConfig(): array
{
    return json_decode((string) file_get_contents(CONFIG_FILE), true, 512, JSON_THROW_ON_ERROR);
}

/** Creates an SDK instance in data mode and checks that it is ready. */
function createSdk(array $config): CoreInterface
{
    $sdk = ConvertSDK::create(['data' => $config]);
    if (!$sdk->isReady()) {
        throw new RuntimeException('the SDK did not accept the config');
    }
    return $sdk;
}

/** Describes a feature decision: its status and, when enabled, the given variable. */
function describeFeature(?BucketedFeature $feature, string $variable): string
{
    if ($feature === null) {
        return 'unknown feature';
    }
    if ($feature->status !== FeatureStatus::Enabled) {
        return $feature->status->value;
    }
    return sprintf('%s %s=%s', $feature->status->value, $variable, json_encode($feature->variables[$variable] ?? null));
}

/**
 * Decisions for one visitor, keyed by column.
 *
 * @return array<string, string>
 */
function decide(CoreInterface $sdk, string $visitorId, array $attributes): array
{
    $context = $sdk->createContext($visitorId, $attributes);
    $onCheckout = new BucketingAttributes(['locationProperties' => CHECKOUT_PAGE]);
    $onPricing = new BucketingAttributes(['locationProperties' => PRICING_PAGE]);

    $checkout = $context->runExperience('checkout-redesign', $onCheckout);
    $rollout = $context->runExperience('pricing-rollout', $onPricing);
    $newCheckout = $context->runFeature('new-checkout', $onCheckout->setExperienceKeys(['checkout-redesign']));
    $pricingV2 = $context->runFeature('pricing-v2', $onPricing);

    return [
        'checkout-redesign' => $checkout?->variationKey ?? '-',
        'pricing-rollout' => $rollout?->variationKey ?? '-',
        'new-checkout' => describeFeature($newCheckout, 'color'),
        'pricing-v2' => describeFeature($pricingV2, 'plan_count'),
    ];
}

/** @return array<string, array<string, string>> visitor id => decisions */
function decideAll(CoreInterface $sdk): array
{
    $rows = [];
    foreach (VISITORS as $visitorId => $attributes) {
        $rows[$visitorId] = decide($sdk, $visitorId, $attributes);
    }
    return $rows;
}

/**
 * Prints rows of cells as a table, each column as wide as its widest cell plus two spaces.
 *
 * @param list<list<string>> $rows
 */
function printTable(array $rows): void
{
    $widths = array_map(fn (int $i) => max(array_map(fn (array $row) => strlen($row[$i]), $rows)) + 2, array_keys($rows[0]));
    foreach ($rows as $row) {
        $line = '';
        foreach ($row as $i => $cell) {
            $line .= str_pad($cell, $widths[$i]);
        }
        echo rtrim($line), "\n";
    }
}

/**
 * Header, separator and one row per visitor.
 *
 * @param array<string, array<string, string>> $decisions visitor id => decisions
 * @return list<list<string>>
 */
function tableRows(array $decisions): array
{
    $rows = [COLUMNS, array_map(fn (string $title) => str_repeat('-', strlen($title)), COLUMNS)];
    foreach ($decisions as $visitorId => $row) {
        $attributes = urldecode(http_build_query(VISITORS[$visitorId], '', ' '));
        $rows[] = [$visitorId, $attributes, ...array_values($row)];
    }
    return $rows;
}

if (!extension_loaded('convert_sdk')) {
    fwrite(STDERR, "The convert_sdk extension is not loaded: php -d extension=target/release/libconvert_sdk.so php/demo.php\n");
    exit(1);
}

$config = loadConfig();
printf(
    "convert_sdk demo: account %s, project %s (%s), %d experiences, %d features\n\n",
    $config['account_id'],
    $config['project']['id'],
    basename(CONFIG_FILE),
    count($config['experiences']),
    count($config['features']),
);

$first = decideAll(createSdk($config));
printTable(tableRows($first));

$second = decideAll(createSdk($config));
$same = count(array_filter(array_keys($first), fn (string $id) => $first[$id] === $second[$id]));
printf("\nSecond, independent SDK instance: %d of %d visitors got identical decisions (%s).\n", $same, count($first), $same === count($first) ? 'deterministic' : 'MISMATCH');
exit($same === count($first) ? 0 : 1);
