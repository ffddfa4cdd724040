<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\ConvertSDK;
use ConvertSdk\Interfaces\CoreInterface;
use OpenAPI\Client\BucketingAttributes;

/**
 * The project of spec §2.3 (tests/fixtures/spec-example-config.json), the config changes the
 * persistence tests apply to it, and helpers to bucket many visitors at once. Free of PHPUnit so
 * that the php-fpm scripts share it.
 */
final class Scenario
{
    public const ACCOUNT_ID = '100123';
    public const PROJECT_ID = '100456';
    /** Packed layout (v11), anchored layout (v12) and a site_area-targeted 80 % rollout. */
    public const EXPERIENCES = ['checkout-redesign', 'vip-banner', 'pricing-rollout'];
    /** Matches the checkout location (startsWith) and the pricing site_area (contains "/pricing"). */
    public const URL = 'https://shop.example.com/checkout/pricing';
    /** Matches the transient audience premium-users (plan premium AND NOT age < 18). */
    public const PREMIUM = ['plan' => 'premium', 'age' => 30];
    /** Report segment making vip-banner (targeted by segment 4001) eligible. */
    public const VIP = ['custom_segments' => ['4001']];

    /** The example config of spec §2.3. */
    public static function specConfig(): array
    {
        $text = file_get_contents(__DIR__ . '/../../../fixtures/spec-example-config.json');
        return json_decode($text, true, 512, JSON_THROW_ON_ERROR);
    }

    /** $config with the experience $key replaced by $modify(experience). */
    public static function withExperience(array $config, string $key, callable $modify): array
    {
        foreach ($config['experiences'] as $i => $experience) {
            if ($experience['key'] === $key) {
                $config['experiences'][$i] = $modify($experience);
                return $config;
            }
        }
        throw new \LogicException("no experience $key");
    }

    /** $config with the variations of experience $key replaced by $modify(variations). */
    public static function withVariations(array $config, string $key, callable $modify): array
    {
        return self::withExperience($config, $key, static function (array $e) use ($modify): array {
            $e['variations'] = $modify($e['variations']);
            return $e;
        });
    }

    /** checkout-redesign re-weighted from 50/50 to control 10 / treatment 90 (both still present). */
    public static function reweightedConfig(?array $config = null): array
    {
        return self::withVariations($config ?? self::specConfig(), 'checkout-redesign', static function (array $vs): array {
            $vs[0]['traffic_allocation'] = 10.0;
            $vs[1]['traffic_allocation'] = 90.0;
            return $vs;
        });
    }

    /**
     * The "next deploy" config of the cross-request test:
     * - checkout-redesign: traffic re-weighted, variation 10013 added, variations reordered, control stopped;
     * - vip-banner (anchored): re-weighted, which moves every anchor;
     * - pricing-rollout: variation 10022 removed, 10023 added at 40 % (stored 10022 visitors need a fresh decision).
     */
    public static function changedConfig(): array
    {
        $config = self::withVariations(self::specConfig(), 'checkout-redesign', static function (array $vs): array {
            [$control, $treatment] = $vs;
            $control['status'] = 'stopped';
            $control['traffic_allocation'] = 20.0;
            $treatment['traffic_allocation'] = 30.0;
            $added = ['id' => '10013', 'key' => 'treatment-b', 'name' => 'Variation 2', 'status' => 'running',
                'traffic_allocation' => 50.0, 'changes' => []];
            return [$added, $treatment, $control];
        });
        $config = self::withVariations($config, 'vip-banner', static function (array $vs): array {
            $vs[0]['traffic_allocation'] = 30;
            $vs[1]['traffic_allocation'] = 5;
            return $vs;
        });
        return self::withVariations($config, 'pricing-rollout', static function (array $vs): array {
            return [$vs[0], ['id' => '10023', 'key' => 'on-v2', 'name' => 'Rollout 2', 'status' => 'running',
                'traffic_allocation' => 40, 'changes' => []]];
        });
    }

    /**
     * Options for create(): data mode, automatic tracking off, endpoints on $sinkUrl (default: the
     * TRACK_ENDPOINT / CONFIG_ENDPOINT environment the test bootstrap points at its local sink);
     * $extra replaces top-level keys. The store circuit breaker is off: these tests check what each
     * single store call does (CircuitBreakerTest covers the breaker).
     */
    public static function options(array $config, array $extra = [], ?string $sinkUrl = null): array
    {
        $options = ['data' => $config, 'network' => ['tracking' => false], 'storeCircuitBreaker' => ['failures' => 0]];
        if ($sinkUrl !== null) {
            $options['api'] = ['endpoint' => ['track' => "$sinkUrl/track-sink", 'config' => "$sinkUrl/config-sink"]];
        }
        return array_replace($options, $extra);
    }

    public static function sdk(array $config, array $extra = [], ?string $sinkUrl = null): CoreInterface
    {
        return ConvertSDK::create(self::options($config, $extra, $sinkUrl));
    }

    /** Call attributes eligible for the three EXPERIENCES; $visitorProperties replace PREMIUM when given, $extra the rest. */
    public static function attributes(?array $visitorProperties = null, array $extra = []): BucketingAttributes
    {
        return new BucketingAttributes(array_replace([
            'locationProperties' => ['url' => self::URL],
            'visitorProperties' => $visitorProperties ?? self::PREMIUM,
        ], $extra));
    }

    /**
     * $n visitor ids in the styles sites use: opaque ids, e-mail addresses, `user:<n>` ids, paths,
     * ids with PSR-16 reserved characters and ids too long for a plain key.
     */
    public static function visitorIds(int $n, string $tag = 'v'): array
    {
        $styles = [
            static fn (int $i): string => "$tag-$i",
            static fn (int $i): string => "$tag.$i@example.com",
            static fn (int $i): string => "user:$tag$i",
            static fn (int $i): string => "$tag/$i",
            static fn (int $i): string => "{{$tag}}($i)\\x",
            static fn (int $i): string => "_$tag$i",
            static fn (int $i): string => str_repeat($tag, 60) . $i,
        ];
        $ids = [];
        for ($i = 0; $i < $n; $i++) {
            $ids[] = $styles[$i % count($styles)]($i);
        }
        return $ids;
    }

    /**
     * Variation id (or null) of each visitor for each experience key: one context per visitor,
     * created with the VIP report segment, then runExperience per key.
     */
    public static function decisions(CoreInterface $sdk, array $visitorIds, array $keys = self::EXPERIENCES): array
    {
        $out = [];
        foreach ($visitorIds as $id) {
            $context = $sdk->createContext($id, self::VIP);
            foreach ($keys as $key) {
                $out[$id][$key] = $context->runExperience($key, self::attributes())?->variationId;
            }
        }
        return $out;
    }

    /** The documented store key of a visitor (src/engine/store_key.rs, spec §6.2). */
    public static function storeKey(string $visitorId): string
    {
        $prefix = self::ACCOUNT_ID . '-' . self::PROJECT_ID . '-';
        $plain = $prefix . $visitorId;
        $unsafe = preg_match('/[\s\p{Z}\p{Cc}]/u', $visitorId); // whitespace or control (false: not UTF-8)
        if (strlen($plain) > 64 || str_starts_with($visitorId, '_') || strpbrk($visitorId, '{}()/\\@:') !== false || $unsafe !== 0) {
            return $prefix . '_' . substr(hash('sha256', $visitorId), 0, 40);
        }
        return $plain;
    }
}
