<?php

namespace ConvertSdk\Tests\Reliability;

/** Configs and expected decisions shared by the reliability tests and their child scripts. */
final class Configs
{
    public const ACCOUNT = '100123';
    public const PROJECT = '100456';
    /** Location properties that satisfy every experience of `split()`. */
    public const LOCATION = ['url' => 'https://shop.example.com/'];

    /**
     * One experience `split` (id 7001, no targeting) with variations 70011/70012/70013 at
     * $weights percent (packed layout), plus one 100 % experience `all-in` (id 7002, variation 70021).
     */
    public static function split(array $weights = [34, 33, 33]): array
    {
        $variations = [];
        foreach (array_values($weights) as $i => $w) {
            $variations[] = ['id' => '7001' . ($i + 1), 'key' => 'v' . ($i + 1), 'traffic_allocation' => $w];
        }
        return [
            'account_id' => self::ACCOUNT,
            'project' => ['id' => self::PROJECT],
            'experiences' => [
                ['id' => '7001', 'key' => 'split', 'version' => 11, 'variations' => $variations],
                ['id' => '7002', 'key' => 'all-in', 'variations' => [['id' => '70021', 'key' => 'only', 'traffic_allocation' => 100]]],
            ],
        ];
    }

    /**
     * `split()` plus an experience `gated` (id 7003, one 100 % variation 70031) behind audience 3001,
     * whose only rule is `$key $operator $value`.
     */
    public static function gated(string $key, string $operator, mixed $value, bool $negated = false): array
    {
        $config = self::split();
        $config['audiences'] = [[
            'id' => '3001', 'key' => 'gate', 'type' => 'transient',
            'rules' => ['OR' => [['AND' => [['OR_WHEN' => [[
                'rule_type' => 'generic_text_key_value', 'key' => $key, 'value' => $value,
                'matching' => ['match_type' => $operator, 'negated' => $negated],
            ]]]]]]],
        ]];
        $config['experiences'][] = ['id' => '7003', 'key' => 'gated', 'audiences' => ['3001'],
            'variations' => [['id' => '70031', 'key' => 'in', 'traffic_allocation' => 100]]];
        return $config;
    }

    /**
     * The variation id of `split()` for $visitorId computed independently of the SDK: MurmurHash3 of
     * "7001" . id with seed 9999 (PHP's hash('murmur3a')), bucket = trunc(h / 2^32 * 10000), packed walk.
     */
    public static function expectedSplit(string $visitorId, array $weights = [34, 33, 33]): ?string
    {
        $hash = hexdec(hash('murmur3a', '7001' . $visitorId, false, ['seed' => 9999]));
        $bucket = (int) floor($hash / 4294967296 * 10000);
        $edge = 0.0;
        foreach (array_values($weights) as $i => $w) {
            $edge += $w * 100.0;
            if ($bucket < $edge) {
                return '7001' . ($i + 1);
            }
        }
        return null;
    }

    /** SDK options in data mode: no automatic tracking, tracking/config endpoints on $sink. */
    public static function options(array $config, string $sink, array $extra = []): array
    {
        return array_replace([
            'data' => $config,
            'network' => ['tracking' => false],
            'api' => ['endpoint' => ['track' => $sink . '/track', 'config' => $sink . '/config']],
        ], $extra);
    }
}
