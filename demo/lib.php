<?php

/**
 * Helpers of the web demo (demo/index.php): state file, project config, visitor store and HTML escaping.
 *
 * Everything the demo writes lives in CONVERT_DEMO_DIR (default: <temp>/convert-sdk-demo):
 *   state.json    the traffic weights of the experience, set with the re-weight control
 *   cache/        the filesystem PSR-16 cache holding the visitors' decisions (unless REDIS_URL is set)
 *   tracking.log  the tracking requests the SDK sent to the demo's own collector (collect.php)
 */

declare(strict_types=1);

use Psr\SimpleCache\CacheInterface;
use Symfony\Component\Cache\Adapter\FilesystemAdapter;
use Symfony\Component\Cache\Adapter\RedisAdapter;
use Symfony\Component\Cache\Psr16Cache;

require_once __DIR__ . '/../examples/autoload.php';

/** Key of the experience the demo runs and re-weights (examples/project-config.json). */
const DEMO_EXPERIENCE = 'checkout-button';
/** Feature whose variables style the checkout button. */
const DEMO_FEATURE = 'checkout-button-style';
/** Cookie holding the visitor id. */
const DEMO_COOKIE = 'convert_demo_visitor';

/** Directory of the demo's state, created on first use. */
function demo_dir(): string
{
    $dir = getenv('CONVERT_DEMO_DIR') ?: sys_get_temp_dir() . '/convert-sdk-demo';
    if (!is_dir($dir) && !mkdir($dir, 0700, true) && !is_dir($dir)) {
        throw new RuntimeException("cannot create $dir");
    }
    return $dir;
}

/** The project config of the examples, unchanged. */
function demo_base_config(): array
{
    $json = file_get_contents(__DIR__ . '/../examples/project-config.json');
    return json_decode((string) $json, true, 512, JSON_THROW_ON_ERROR);
}

/** The demo experience of $config. */
function demo_experience(array $config): array
{
    foreach ($config['experiences'] as $experience) {
        if ($experience['key'] === DEMO_EXPERIENCE) {
            return $experience;
        }
    }
    throw new RuntimeException('experience ' . DEMO_EXPERIENCE . ' is missing from the config');
}

/**
 * Saved state: `weights` (variation key => percentage) and `revision` (0 = never re-weighted, weights
 * as in the config).
 *
 * @return array{weights: array<string, int|float>, revision: int}
 */
function demo_state(array $baseConfig): array
{
    $saved = json_decode((string) @file_get_contents(demo_dir() . '/state.json'), true);
    if (is_array($saved) && is_array($saved['weights'] ?? null)) {
        return ['weights' => $saved['weights'], 'revision' => (int) ($saved['revision'] ?? 1)];
    }
    $weights = [];
    foreach (demo_experience($baseConfig)['variations'] as $variation) {
        $weights[$variation['key']] = $variation['traffic_allocation'] ?? 100;
    }
    return ['weights' => $weights, 'revision' => 0];
}

/** Writes the state atomically (a concurrent request reads the old or the new file, never half of it). */
function demo_save_state(array $state): void
{
    $path = demo_dir() . '/state.json';
    $tmp = $path . '.' . getmypid() . '.tmp';
    file_put_contents($tmp, json_encode($state, JSON_PRETTY_PRINT | JSON_THROW_ON_ERROR));
    rename($tmp, $path);
}

/**
 * Validates posted weights: one integer 0..100 per variation of the experience, adding up to 100.
 *
 * @return array<string, int>|string the weights, or an error message
 */
function demo_parse_weights(mixed $posted, array $experience): array|string
{
    $weights = [];
    foreach ($experience['variations'] as $variation) {
        $value = is_array($posted) ? ($posted[$variation['key']] ?? null) : null;
        $weight = filter_var($value, FILTER_VALIDATE_INT, ['options' => ['min_range' => 0, 'max_range' => 100]]);
        if ($weight === false) {
            return "The weight of {$variation['key']} must be a whole number from 0 to 100.";
        }
        $weights[$variation['key']] = $weight;
    }
    return array_sum($weights) === 100 ? $weights : 'The weights must add up to 100 %.';
}

/** $config with the demo experience's traffic allocations replaced by $weights. */
function demo_apply_weights(array $config, array $weights): array
{
    foreach ($config['experiences'] as $i => $experience) {
        if ($experience['key'] !== DEMO_EXPERIENCE) {
            continue;
        }
        foreach ($experience['variations'] as $j => $variation) {
            $config['experiences'][$i]['variations'][$j]['traffic_allocation'] = $weights[$variation['key']] ?? 0;
        }
    }
    return $config;
}

/**
 * The visitor store: Redis when REDIS_URL is set, else a filesystem cache in the demo directory.
 *
 * @return array{0: CacheInterface, 1: string} the cache and a description for the page
 */
function demo_cache(): array
{
    $redisUrl = (string) getenv('REDIS_URL');
    if ($redisUrl !== '') {
        $adapter = new RedisAdapter(RedisAdapter::createConnection($redisUrl), 'convert_demo');
        return [new Psr16Cache($adapter), 'Redis at ' . preg_replace('~//[^@/]*@~', '//***@', $redisUrl)];
    }
    $dir = demo_dir() . '/cache';
    return [new Psr16Cache(new FilesystemAdapter('convert_demo', 0, $dir)), "filesystem cache in $dir"];
}

/** A new random visitor id. */
function demo_new_visitor_id(): string
{
    return bin2hex(random_bytes(8));
}

/** Number of tracking requests the collector received, and how many events they carried. */
function demo_tracking_counts(): array
{
    $requests = 0;
    $events = 0;
    foreach (@file(demo_dir() . '/tracking.log', FILE_IGNORE_NEW_LINES) ?: [] as $line) {
        $payload = json_decode($line, true);
        $requests++;
        foreach ($payload['visitors'] ?? [] as $visitor) {
            $events += count($visitor['events'] ?? []);
        }
    }
    return [$requests, $events];
}

/** HTML-escapes a value for text and attribute positions. */
function h(mixed $value): string
{
    return htmlspecialchars(is_scalar($value) || $value === null ? (string) $value : json_encode($value), ENT_QUOTES);
}

/**
 * Preset weights for the re-weight control: all traffic to one variation, for each variation, then an
 * even split (the remainder goes to the first variation).
 *
 * @param list<string> $keys variation keys
 * @param array<string, string> $names variation key => name
 * @return array<string, array<string, int>> button label => weights
 */
function demo_presets(array $keys, array $names): array
{
    $presets = [];
    foreach ($keys as $key) {
        $weights = array_fill_keys($keys, 0);
        $weights[$key] = 100;
        $presets['All new visitors to ' . ($names[$key] ?? $key)] = $weights;
    }
    $even = array_fill_keys($keys, intdiv(100, count($keys)));
    $even[$keys[0]] += 100 - array_sum($even);
    $presets['Even split'] = $even;
    return $presets;
}
