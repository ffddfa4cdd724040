<?php

namespace ConvertSdk\Tests\Support;

require_once __DIR__ . '/LocalServer.php'; // bench/fpm.php includes this file without the tests' autoloader

/**
 * A throw-away `redis-server` for tests: 127.0.0.1 only, a free port, no persistence (`--save ''`,
 * no AOF), its own directory. Stopped by pid; `start()` after `stop()` restarts it on the same port.
 */
final class RedisServer
{
    private ?int $pid = null;

    private function __construct(private readonly string $dir, private readonly int $port)
    {
    }

    /** Starts a server on a free port, working in $dir (created if needed). */
    public static function launch(string $dir): self
    {
        if (!is_dir($dir) && !mkdir($dir, 0700, true)) {
            throw new \RuntimeException("cannot create $dir");
        }
        $server = new self($dir, LocalServer::freePort());
        $server->start();
        register_shutdown_function([$server, 'stop']); // never leave a daemon behind
        return $server;
    }

    public function port(): int
    {
        return $this->port;
    }

    /** DSN for Symfony's RedisAdapter::createConnection(). */
    public function dsn(): string
    {
        return 'redis://127.0.0.1:' . $this->port;
    }

    public function isRunning(): bool
    {
        return $this->pid !== null;
    }

    /** Starts (or restarts) the server and waits until it answers PING. */
    public function start(): void
    {
        if ($this->pid !== null) {
            return;
        }
        $pidFile = $this->dir . '/redis.pid';
        @unlink($pidFile);
        $cmd = sprintf(
            'redis-server --port %d --bind 127.0.0.1 --save %s --appendonly no --daemonize yes --dir %s --pidfile %s --logfile %s 2>&1',
            $this->port,
            escapeshellarg(''),
            escapeshellarg($this->dir),
            escapeshellarg($pidFile),
            escapeshellarg($this->dir . '/redis.log'),
        );
        exec($cmd, $output, $rc);
        if ($rc !== 0) {
            throw new \RuntimeException("redis-server failed ($rc): " . implode("\n", $output));
        }
        for ($i = 0; $i < 200 && $this->pid === null; $i++) {
            $pid = (int) @file_get_contents($pidFile);
            if ($pid > 0 && $this->answersPing()) {
                $this->pid = $pid;
            } else {
                usleep(10000);
            }
        }
        if ($this->pid === null) {
            throw new \RuntimeException("redis-server on port {$this->port} did not come up: "
                . @file_get_contents($this->dir . '/redis.log'));
        }
    }

    /** Stops the server by pid (SIGTERM) and waits until the process is gone. */
    public function stop(): void
    {
        if ($this->pid === null) {
            return;
        }
        $pid = $this->pid;
        $this->pid = null;
        self::signal($pid, 15);
        for ($i = 0; $i < 300 && self::alive($pid); $i++) {
            usleep(10000);
        }
        if (self::alive($pid)) {
            self::signal($pid, 9);
        }
    }

    private function answersPing(): bool
    {
        $conn = @fsockopen('127.0.0.1', $this->port, $errno, $errstr, 0.2);
        if ($conn === false) {
            return false;
        }
        fwrite($conn, "PING\r\n");
        $reply = fgets($conn);
        fclose($conn);
        return $reply === "+PONG\r\n";
    }

    private static function alive(int $pid): bool
    {
        return file_exists("/proc/$pid") && !str_contains((string) @file_get_contents("/proc/$pid/stat"), ') Z ');
    }

    private static function signal(int $pid, int $signal): void
    {
        if (function_exists('posix_kill')) {
            posix_kill($pid, $signal);
        } else {
            exec(sprintf('kill -%d %d 2>/dev/null', $signal, $pid));
        }
    }

    /** A TCP port nobody listens on right now (see LocalServer::freePort(); used by bench/fpm.php). */
    public static function freePort(): int
    {
        return LocalServer::freePort();
    }
}
