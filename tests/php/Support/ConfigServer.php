<?php

namespace ConvertSdk\Tests\Support;

/**
 * A config endpoint for tests: tests/php/RemoteConfig/config-server.php, one PHP process listening on
 * 127.0.0.1:<free port>. It serves the config set with `serve()` at any `…/config/{sdkKey}` path, records
 * every request (path, query, headers) and can be switched to answer an HTTP error status, hang, stall
 * mid-body or send invalid JSON. Stopped by pid; `start()` after `stop()` listens on the same port again.
 */
final class ConfigServer
{
    private const SCRIPT = __DIR__ . '/../RemoteConfig/config-server.php';

    /** @var resource|null */
    private $process = null;

    private function __construct(private readonly string $dir, private readonly int $port)
    {
    }

    /** Starts a server on a free port, keeping its state in $dir (created if needed). */
    public static function launch(string $dir): self
    {
        if (!is_dir($dir) && !mkdir($dir, 0700, true)) {
            throw new \RuntimeException("cannot create $dir");
        }
        $server = new self($dir, self::freePort());
        $server->setMode('ok');
        $server->serve([]);
        $server->start();
        register_shutdown_function([$server, 'stop']); // also after a fatal error
        return $server;
    }

    /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
    public function url(): string
    {
        return 'http://127.0.0.1:' . $this->port;
    }

    /** Serves $config (an array, JSON-encoded; or a raw body string) from now on. */
    public function serve(array|string $config): void
    {
        $body = is_string($config) ? $config : json_encode($config, JSON_THROW_ON_ERROR);
        self::writeAtomically($this->dir . '/config.json', $body);
    }

    /** `ok`, `status:NNN`, `hang`, `stall` or `invalid` (see config-server.php). */
    public function setMode(string $mode): void
    {
        if (!preg_match('/^(ok|hang|stall|invalid|status:\d{3})$/', $mode)) {
            throw new \InvalidArgumentException("unknown mode $mode");
        }
        self::writeAtomically($this->dir . '/mode', $mode);
    }

    /**
     * Requests received so far whose path starts with $pathPrefix, oldest first; each
     * `['method', 'path', 'query', 'headers' (lower-case names), 'time']`.
     */
    public function requests(string $pathPrefix = ''): array
    {
        $lines = @file($this->dir . '/requests.log', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [];
        $records = array_map(static fn (string $l): array => json_decode($l, true, 512, JSON_THROW_ON_ERROR), $lines);
        return array_values(array_filter($records, static fn (array $r): bool => str_starts_with($r['path'], $pathPrefix)));
    }

    /** Number of config requests (`…/config/…`) whose path starts with $pathPrefix. */
    public function fetchCount(string $pathPrefix = ''): int
    {
        $fetches = array_filter($this->requests($pathPrefix), static fn (array $r): bool => str_contains($r['path'], '/config/'));
        return count($fetches);
    }

    /** Starts (or restarts) the server and waits until it accepts connections. */
    public function start(): void
    {
        if ($this->process !== null) {
            return;
        }
        $cmd = [PHP_BINARY, '-n', self::SCRIPT, (string) $this->port, $this->dir];
        $null = ['file', '/dev/null', 'w'];
        $log = ['file', $this->dir . '/server.err', 'a'];
        $process = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => $null, 2 => $log], $pipes);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start the config server');
        }
        $this->process = $process;
        for ($i = 0; $i < 200; $i++) {
            $conn = @fsockopen('127.0.0.1', $this->port, $errno, $errstr, 0.1);
            if ($conn !== false) {
                fclose($conn);
                return;
            }
            usleep(10000);
        }
        $this->stop();
        throw new \RuntimeException("config server on port {$this->port} did not come up: "
            . @file_get_contents($this->dir . '/server.err'));
    }

    /** Kills the server process by pid and waits for it. */
    public function stop(): void
    {
        if ($this->process === null) {
            return;
        }
        proc_terminate($this->process, 9); // SIGKILL
        proc_close($this->process);
        $this->process = null;
    }

    /** Stops the server and deletes its state directory. */
    public function destroy(): void
    {
        $this->stop();
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            unlink($file);
        }
        @rmdir($this->dir);
    }

    private static function writeAtomically(string $path, string $content): void
    {
        $tmp = $path . '.' . getmypid() . '.tmp';
        file_put_contents($tmp, $content);
        rename($tmp, $path);
    }

    private static function freePort(): int
    {
        $server = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($server, false);
        fclose($server);
        return (int) substr($name, strrpos($name, ':') + 1);
    }
}
