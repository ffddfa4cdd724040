<?php

namespace ConvertSdk\Tests\Support;

use ConvertSdk\ConvertSDK;
use ConvertSdk\DTO\BucketedVariation;
use ConvertSdk\Interfaces\CoreInterface;

/** Fixture loading and SDK construction shared by the test cases. */
final class Fixtures
{
    /** Decoded JSON fixture from tests/fixtures (json_decode(..., true) semantics, spec §0.3). */
    public static function json(string $name): array
    {
        $path = __DIR__ . '/../../fixtures/' . $name;
        $text = file_get_contents($path);
        if ($text === false) {
            throw new \RuntimeException("missing fixture $path");
        }
        return json_decode($text, true, 512, JSON_THROW_ON_ERROR);
    }

    /** The example config of spec §2.3. */
    public static function specConfig(): array
    {
        return self::json('spec-example-config.json');
    }

    /**
     * Options for create(): the config as `data`, automatic tracking off and the tracking endpoint pointed
     * at the local sink; $extra is merged on top (top-level keys replace).
     */
    public static function options(array $config, array $extra = []): array
    {
        return array_replace([
            'data' => $config,
            'network' => ['tracking' => false],
            'api' => ['endpoint' => ['track' => HttpSink::url() . '/track-sink', 'config' => HttpSink::url() . '/config-sink']],
        ], $extra);
    }

    /** A new SDK instance in data mode. */
    public static function sdk(array $config, array $extra = []): CoreInterface
    {
        return ConvertSDK::create(self::options($config, $extra));
    }

    /**
     * A minimal valid config holding one experience, built per the recipe of spec §13 for
     * cross-sdk-bucketing-vectors.json: {id, key, version, variations, audiences: [], goals: []}.
     */
    public static function singleExperienceConfig(string $experienceId, string $key, mixed $version, array $variations): array
    {
        $experience = ['id' => $experienceId, 'key' => $key];
        if ($version !== null) {
            $experience['version'] = $version;
        }
        $experience += ['variations' => $variations, 'audiences' => [], 'goals' => []];
        return [
            'account_id' => '100123',
            'project' => ['id' => '100456'],
            'experiences' => [$experience],
        ];
    }

    /** The config of spec §2.3 with one experience replaced by a modified copy. */
    public static function specConfigWith(string $experienceKey, callable $modify): array
    {
        $config = self::specConfig();
        foreach ($config['experiences'] as $i => $experience) {
            if ($experience['key'] === $experienceKey) {
                $config['experiences'][$i] = $modify($experience);
            }
        }
        return $config;
    }

    /** Comparable form of a runExperience() result: null, or the four identity fields of the DTO. */
    public static function summary(?BucketedVariation $variation): ?array
    {
        if ($variation === null) {
            return null;
        }
        return [
            'experienceId' => $variation->experienceId,
            'experienceKey' => $variation->experienceKey,
            'variationId' => $variation->variationId,
            'variationKey' => $variation->variationKey,
        ];
    }
}
