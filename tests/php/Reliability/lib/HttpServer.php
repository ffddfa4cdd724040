<?php

namespace ConvertSdk\Tests\Reliability;

use ConvertSdk\Tests\Support\RedisServer;

/**
 * A `php -n -S` server on 127.0.0.1:<free port> running scripts/http-router.php (redirect loops,
 * oversized bodies, request recording). Stopped by pid.
 */
final class HttpServer
{
    /** @var resource|null */
    private $process;

    private function __construct(private readonly string $dir, private readonly int $port, $process)
    {
        $this->process = $process;
    }

    /** Starts a server keeping its request log in $dir (created if needed). */
    public static function launch(string $dir): self
    {
        if (!is_dir($dir) && !mkdir($dir, 0700, true)) {
            throw new \RuntimeException("cannot create $dir");
        }
        $port = RedisServer::freePort();
        $cmd = [PHP_BINARY, '-n', '-S', "127.0.0.1:$port", __DIR__ . '/../scripts/http-router.php'];
        $env = ['HTTP_TEST_DIR' => $dir, 'PHP_CLI_SERVER_WORKERS' => '4'];
        $null = ['file', '/dev/null', 'w'];
        $process = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => $null, 2 => $null], $pipes, null, $env);
        $server = new self($dir, $port, $process);
        register_shutdown_function([$server, 'stop']);
        for ($i = 0; $i < 300; $i++) {
            $conn = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1);
            if ($conn !== false) {
                fclose($conn);
                return $server;
            }
            usleep(10000);
        }
        throw new \RuntimeException("test HTTP server on port $port did not start");
    }

    /** Base URL without trailing slash. */
    public function url(): string
    {
        return 'http://127.0.0.1:' . $this->port;
    }

    /** Requests recorded so far: ['method', 'path', 'headers', 'time']. */
    public function requests(): array
    {
        $lines = @file($this->dir . '/requests.log', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [];
        return array_map(static fn (string $l): array => json_decode($l, true, 512, JSON_THROW_ON_ERROR), $lines);
    }

    /** Forgets the recorded requests. */
    public function reset(): void
    {
        @unlink($this->dir . '/requests.log');
    }

    /** Stops the server (its workers are children of the master: the whole group is signalled). */
    public function stop(): void
    {
        if ($this->process === null) {
            return;
        }
        $pid = proc_get_status($this->process)['pid'];
        exec('pkill -TERM -P ' . (int) $pid . ' 2>/dev/null');
        proc_terminate($this->process, 15);
        proc_close($this->process);
        $this->process = null;
    }
}
