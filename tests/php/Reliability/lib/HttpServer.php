<?php

namespace ConvertSdk\Tests\Reliability;

use ConvertSdk\Tests\Support\LocalServer;

/**
 * A `php -n -S` server on 127.0.0.1:<free port> running scripts/http-router.php (redirect loops,
 * oversized bodies, request recording). Stopped by pid.
 */
final class HttpServer extends LocalServer
{
    private function __construct(private readonly string $dir, int $port)
    {
        parent::__construct($port);
    }

    /** Starts a server keeping its request log in $dir (created if needed). */
    public static function launch(string $dir): self
    {
        self::makeDir($dir);
        $server = new self($dir, self::freePort());
        register_shutdown_function([$server, 'stop']);
        $server->startProcess(
            [PHP_BINARY, '-n', '-S', "127.0.0.1:{$server->port}", __DIR__ . '/../scripts/http-router.php'],
            'test HTTP server',
            ['HTTP_TEST_DIR' => $dir, 'PHP_CLI_SERVER_WORKERS' => '4'],
        );
        return $server;
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
}
