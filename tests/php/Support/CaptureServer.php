<?php

namespace ConvertSdk\Tests\Support;

/**
 * A tracking endpoint for tests: `php -n -S 127.0.0.1:<free port>` with tests/php/Tracking/capture-router.php
 * and several workers (a hanging answer does not block the others). It records every request (method,
 * URI, headers, raw body, arrival time) and answers per a plan set with `respond()`: e.g. `'500,200'`,
 * `'400'`, `'200@700'` (after 700 ms) or `'hang'`. Stopped by pid (the server and its forked workers).
 */
final class CaptureServer extends LocalServer
{
    private const ROUTER = __DIR__ . '/../Tracking/capture-router.php';

    private function __construct(private readonly string $dir, int $port)
    {
        parent::__construct($port);
    }

    /** Starts a server on a free port, keeping its state in $dir (created if needed); plan `200`. */
    public static function launch(string $dir): self
    {
        self::makeDir($dir);
        $server = new self($dir, self::freePort());
        $server->respond('200');
        $server->start();
        register_shutdown_function([$server, 'stop']); // never leave a server behind
        return $server;
    }

    /**
     * Answers the next requests per $plan (comma-separated `NNN`, `NNN@MS` or `hang`; the last entry
     * repeats) and forgets the requests recorded so far. A pending `hang` ends.
     */
    public function respond(string $plan): void
    {
        foreach (explode(',', $plan) as $entry) {
            if (!preg_match('/^(\d{3}(@\d+)?|hang)$/', $entry)) {
                throw new \InvalidArgumentException("bad plan entry '$entry'");
            }
        }
        $lock = fopen($this->dir . '/lock', 'c');
        flock($lock, LOCK_EX);
        file_put_contents($this->dir . '/cursor', '0');
        file_put_contents($this->dir . '/requests.log', '');
        self::writeAtomically($this->dir . '/plan', $plan . '#' . bin2hex(random_bytes(4)));
        flock($lock, LOCK_UN);
        fclose($lock);
    }

    /**
     * Requests received since the last `respond()`, oldest first; each
     * `['seq', 'method', 'uri', 'headers' (lower-case names), 'body' (raw), 'time', 'answer']`.
     */
    public function requests(): array
    {
        $lines = @file($this->dir . '/requests.log', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [];
        $records = array_map(static fn (string $l): array => json_decode($l, true, 512, JSON_THROW_ON_ERROR), $lines);
        usort($records, static fn (array $a, array $b): int => $a['seq'] <=> $b['seq']);
        return $records;
    }

    /** Waits up to $timeout seconds until at least $count requests were received; returns all of them. */
    public function waitForRequests(int $count, float $timeout = 5.0): array
    {
        $deadline = microtime(true) + $timeout;
        while (count($requests = $this->requests()) < $count && microtime(true) < $deadline) {
            usleep(10000);
        }
        return $requests;
    }

    /** Starts the server and waits until it accepts connections. */
    public function start(): void
    {
        $env = ['CAPTURE_DIR' => $this->dir, 'PHP_CLI_SERVER_WORKERS' => '6'];
        $this->startProcess([PHP_BINARY, '-n', '-S', '127.0.0.1:' . $this->port, self::ROUTER], 'capture server', $env);
    }
}
