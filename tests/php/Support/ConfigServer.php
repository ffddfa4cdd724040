<?php

namespace ConvertSdk\Tests\Support;

/**
 * A config endpoint for tests: tests/php/RemoteConfig/config-server.php, one PHP process listening on
 * 127.0.0.1:<free port>. It serves the config set with `serve()` at any `…/config/{sdkKey}` path, records
 * every request (path, query, headers) and can be switched to answer an HTTP error status, hang, stall
 * mid-body or send invalid JSON. Stopped by pid; `start()` after `stop()` listens on the same port again.
 */
final class ConfigServer extends LocalServer
{
    private const SCRIPT = __DIR__ . '/../RemoteConfig/config-server.php';

    private function __construct(private readonly string $dir, int $port)
    {
        parent::__construct($port);
    }

    /** Starts a server on a free port, keeping its state in $dir (created if needed). */
    public static function launch(string $dir): self
    {
        self::makeDir($dir);
        $server = new self($dir, self::freePort());
        $server->setMode('ok');
        $server->serve([]);
        $server->start();
        register_shutdown_function([$server, 'stop']); // also after a fatal error
        return $server;
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
        $this->startProcess(
            [PHP_BINARY, '-n', self::SCRIPT, (string) $this->port, $this->dir],
            'config server',
            stderr: ['file', $this->dir . '/server.err', 'a'],
            attempts: 200,
            startupLog: fn (): string => (string) @file_get_contents($this->dir . '/server.err'),
        );
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
}
