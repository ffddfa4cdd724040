<?php

namespace ConvertSdk\Tests\Packaging\Support;

/**
 * The variation a fresh visitor gets, computed independently of the extension from spec §4.1 and §4.5
 * (packed layout): MurmurHash3 x86_32 of experienceId . visitorId with seed 9999, bucket value
 * trunc(h / 2^32 * 10000), running variations with a positive weight walked in ascending numeric id order.
 */
final class ExpectedBucketing
{
    /** The variation array of $experience that $visitorId falls into, or null when none. */
    public static function variation(array $experience, string $visitorId): ?array
    {
        $hash = hexdec(hash('murmur3a', $experience['id'] . $visitorId, false, ['seed' => 9999]));
        $bucket = (int) ($hash / 4294967296 * 10000);
        $candidates = array_filter(
            $experience['variations'],
            static fn (array $v): bool => ($v['status'] ?? 'running') === 'running' && ($v['traffic_allocation'] ?? 100) > 0,
        );
        usort($candidates, static fn (array $a, array $b): int => (int) $a['id'] <=> (int) $b['id']);
        $edge = 0.0;
        foreach ($candidates as $variation) {
            $edge += ($variation['traffic_allocation'] ?? 100) * 100.0;
            if ($bucket < $edge) {
                return $variation;
            }
        }
        return null;
    }

    /** The examples' project config (examples/project-config.json). */
    public static function examplesConfig(): array
    {
        $json = file_get_contents(__DIR__ . '/../../../../examples/project-config.json');
        return json_decode((string) $json, true, 512, JSON_THROW_ON_ERROR);
    }

    /** Feature variables of $variation as the SDK returns them with type casting (spec §8.4) for the examples config. */
    public static function castVariables(array $variation, array $features): array
    {
        $types = [];
        foreach ($features as $feature) {
            foreach ($feature['variables'] as $variable) {
                $types[$variable['key']] = $variable['type'];
            }
        }
        $values = [];
        foreach ($variation['changes'][0]['data']['variables_data'] as $name => $value) {
            $values[$name] = match ($types[$name] ?? null) {
                'integer' => (int) $value,
                'string' => (string) $value,
                default => $value,
            };
        }
        return $values;
    }
}
