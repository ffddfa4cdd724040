<?php

namespace ConvertSdk\Tests\Support;

/**
 * A tracking endpoint for tests: `php -n -S 127.0.0.1:<free port>` with tests/php/Tracking/capture-router.php
 * and several workers (a hanging answer does not block the others). It records every request (method,
 * URI, headers, raw body, arrival time) and answers per a plan set with `respond()`: e.g. `'500,200'`,
 * `'400'`, `'200@700'` (after 700 ms) or `'hang'`. Stopped by pid (the server and its forked workers).
 */
final class CaptureServer
{
    private const ROUTER = __DIR__ . '/../Tracking/capture-router.php';

    /** @var resource|null */
    private $process = null;

    private function __construct(private readonly string $dir, private readonly int $port)
    {
    }

    /** Starts a server on a free port, keeping its state in $dir (created if needed); plan `200`. */
    public static function launch(string $dir): self
    {
        if (!is_dir($dir) && !mkdir($dir, 0700, true)) {
            throw new \RuntimeException("cannot create $dir");
        }
        $server = new self($dir, self::freePort());
        $server->respond('200');
        $server->start();
        register_shutdown_function([$server, 'stop']); // never leave a server behind
        return $server;
    }

    /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
    public function url(): string
    {
        return 'http://127.0.0.1:' . $this->port;
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
        if ($this->process !== null) {
            return;
        }
        $env = ['CAPTURE_DIR' => $this->dir, 'PHP_CLI_SERVER_WORKERS' => '6'];
        $cmd = [PHP_BINARY, '-n', '-S', '127.0.0.1:' . $this->port, self::ROUTER];
        $null = ['file', '/dev/null', 'w'];
        $process = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => $null, 2 => $null], $pipes, null, $env);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start the capture server');
        }
        $this->process = $process;
        for ($i = 0; $i < 300; $i++) {
            $conn = @fsockopen('127.0.0.1', $this->port, $errno, $errstr, 0.1);
            if ($conn !== false) {
                fclose($conn);
                return;
            }
            usleep(10000);
        }
        $this->stop();
        throw new \RuntimeException("capture server on port {$this->port} did not come up");
    }

    /** Kills the server's workers and the server, by pid, and waits until the workers have stopped. */
    public function stop(): void
    {
        if ($this->process === null) {
            return;
        }
        $pid = proc_get_status($this->process)['pid'];
        $workers = self::childrenOf($pid);
        foreach ([...$workers, $pid] as $p) {
            posix_kill($p, SIGKILL);
        }
        proc_close($this->process);
        $this->process = null;
        foreach ($workers as $p) {
            for ($i = 0; $i < 200 && self::alive($p); $i++) {
                usleep(5000);
            }
        }
    }

    /** Whether $pid still runs (a zombie waiting to be reaped by its new parent does not). */
    private static function alive(int $pid): bool
    {
        $stat = @file_get_contents("/proc/$pid/stat");
        return $stat !== false && substr($stat, strrpos($stat, ')') + 2, 1) !== 'Z';
    }

    /** Pids whose parent is $pid (from /proc). */
    private static function childrenOf(int $pid): array
    {
        $children = [];
        foreach (glob('/proc/[0-9]*/stat') ?: [] as $statFile) {
            $stat = @file_get_contents($statFile);
            // "pid (comm) state ppid …": comm may contain spaces, so split after the last ')'.
            if ($stat !== false && (int) explode(' ', substr($stat, strrpos($stat, ')') + 2))[1] === $pid) {
                $children[] = (int) $stat;
            }
        }
        return $children;
    }

    private static function writeAtomically(string $path, string $content): void
    {
        $tmp = $path . '.' . getmypid() . '.tmp';
        file_put_contents($tmp, $content);
        rename($tmp, $path);
    }

    /** A TCP port nobody listens on right now. */
    public static function freePort(): int
    {
        $server = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($server, false);
        fclose($server);
        return (int) substr($name, strrpos($name, ':') + 1);
    }
}
