<?php

namespace ConvertSdk\Tests\Reliability;

use ConvertSdk\Tests\Support\PhpFpmPool;

/**
 * Load against www/decide.php through php-fpm: job files, timed load with scheduled faults, and the
 * checks (failed requests, decisions versus the hash of spec §4.1, crashed workers). Shared by
 * FpmLoadTest and the standalone driver scripts/load.php.
 */
final class FpmLoad
{
    /** Distinct visitor ids cycled through by the load. */
    public const VISITORS = 300;
    public const PER_REQUEST = 5;
    public const CONCURRENCY = 4;

    /** @var list<array{0: PhpFpmPool, 1: string}> pools started, with their directories */
    private array $pools = [];

    /** The FastCGI script (an absolute path without `..`: php-fpm refuses others). */
    public static function endpoint(): string
    {
        return dirname(__DIR__) . '/www/decide.php';
    }

    public function __construct(private readonly string $dir, private readonly int $redisPort, private readonly string $sinkUrl)
    {
    }

    /** Starts a pool of $workers workers with phpredis: [pool, FastCGI port]. */
    public function pool(int $workers = 2): array
    {
        $dir = $this->dir . '/fpm-' . bin2hex(random_bytes(3));
        $pool = PhpFpmPool::launch($dir, ['igbinary', 'redis'], $workers);
        preg_match('/^listen = 127\.0\.0\.1:(\d+)$/m', (string) file_get_contents("$dir/php-fpm.conf"), $m);
        $this->pools[] = [$pool, $dir];
        return [$pool, (int) $m[1]];
    }

    /** Stops every pool started. */
    public function stopPools(): void
    {
        foreach ($this->pools as [$pool]) {
            $pool->stop();
        }
        $this->pools = [];
    }

    /** Writes a job file for www/decide.php ($config defaults to Configs::split()); returns its path. */
    public function job(array $spec, ?array $config = null): string
    {
        $id = bin2hex(random_bytes(4));
        $configFile = $this->dir . "/config-$id.json";
        file_put_contents($configFile, json_encode($config ?? Configs::split(), JSON_THROW_ON_ERROR));
        $path = $this->dir . "/job-$id.json";
        file_put_contents($path, json_encode($spec + [
            'mode' => 'data', 'configFile' => $configFile, 'redisPort' => $this->redisPort, 'redisTimeout' => 0.5,
            'namespace' => "rel$id", 'sinkUrl' => $this->sinkUrl,
        ], JSON_THROW_ON_ERROR));
        return $path;
    }

    /** $count FastCGI jobs of $perRequest visitors each (ids "$prefix-<n>", n cycling below VISITORS). */
    public static function jobs(string $job, int $count, int $perRequest, string $prefix): array
    {
        $jobs = [];
        for ($i = 0; $i < $count; $i++) {
            $ids = array_map(static fn (int $k): string => "$prefix-" . (($i * $perRequest + $k) % self::VISITORS), range(0, $perRequest - 1));
            $jobs[] = ['script' => self::endpoint(), 'params' => ['RELIABILITY_JOB' => $job, 'VISITORS' => implode(',', $ids)]];
        }
        return $jobs;
    }

    /**
     * Sends requests (CONCURRENCY in flight, PER_REQUEST visitors each) for $seconds, in batches of
     * 2 x CONCURRENCY; each closure of $schedule (keyed by seconds from the start) runs once, between
     * the batches, when its time is reached. Visitor ids repeat
     * every VISITORS ids, so visitors come back across requests. Returns FastCgi results with
     * `finishedAt` (seconds from the start) added.
     */
    public static function drive(int $port, string $job, float $seconds, array $schedule = []): array
    {
        ksort($schedule);
        $start = microtime(true);
        $results = [];
        $tick = static function () use (&$schedule, $start): void {
            foreach ($schedule as $at => $action) {
                if (microtime(true) - $start >= (float) $at) {
                    unset($schedule[$at]);
                    $action();
                }
            }
        };
        for ($batch = 0; microtime(true) - $start < $seconds || $schedule !== []; $batch++) {
            $jobs = self::jobs($job, 2 * self::CONCURRENCY, self::PER_REQUEST, 'load-' . ($batch % 20));
            // Faults run between batches only: a process started while FastCGI sockets are open would
            // inherit them, and php-fpm waits for the client's close before freeing the worker.
            foreach (FastCgi::run($port, $jobs, self::CONCURRENCY, 30.0) as $r) {
                $results[] = $r + ['finishedAt' => microtime(true) - $start];
            }
            $tick();
        }
        return $results;
    }

    /**
     * Descriptions of failed requests: transport errors, non-200, non-JSON, SDK not ready, or a decision
     * that differs from the hash of spec §4.1 for the weights of $config (every visitor gets a variation).
     */
    public static function failures(array $results, array $config): array
    {
        $weights = array_column($config['experiences'][0]['variations'], 'traffic_allocation');
        $failures = [];
        foreach ($results as $i => $r) {
            $body = json_decode($r['body'], true);
            if ($r['error'] !== null || $r['status'] !== 200 || !is_array($body) || $body['ready'] !== true) {
                $failures[] = "#$i: {$r['status']} {$r['error']} " . substr($r['body'] . $r['stderr'], 0, 300);
                continue;
            }
            foreach ($body['decisions'] as $visitor => $variation) {
                if ($variation !== Configs::expectedSplit((string) $visitor, $weights)) {
                    $failures[] = "#$i: $visitor got " . var_export($variation, true);
                }
            }
        }
        return $failures;
    }

    /** Worker pids that answered. */
    public static function pids(array $results): array
    {
        return array_values(array_unique(array_filter(array_map(static fn (array $r): ?int => json_decode($r['body'], true)['pid'] ?? null, $results))));
    }

    /** Lines of the pool's logs reporting a worker that died (signal, abnormal exit, Rust panic). */
    public function crashLines(PhpFpmPool $pool): array
    {
        foreach ($this->pools as [$p, $dir]) {
            if ($p === $pool) {
                $log = @file_get_contents("$dir/php-fpm.log") . @file_get_contents("$dir/php-fpm.out");
                return preg_grep('/exited on signal|exited with code|SIGSEGV|SIGABRT|panicked/', explode("\n", $log));
            }
        }
        return [];
    }

    /** Logged errors of every response. */
    public static function errors(array $results): array
    {
        return array_merge([], ...array_map(static fn (array $r): array => json_decode($r['body'], true)['errors'] ?? [], $results));
    }

    /** Latency percentile (0..100) of the results, in milliseconds. */
    public static function percentileMs(array $results, float $p): float
    {
        $t = array_column($results, 'seconds');
        sort($t);
        return $t === [] ? 0.0 : 1000 * $t[min(count($t) - 1, (int) floor($p / 100 * count($t)))];
    }
}
