<?php

namespace ConvertSdk\Tests\Packaging\Support;

use ConvertSdk\Tests\Support\LocalServer;

/**
 * `php -S 127.0.0.1:<free port> -t <docroot>` with convert_sdk (and optional extensions) loaded and several
 * workers. Stopped by pid: the workers (children of the server process), then the server.
 */
final class PhpServer extends LocalServer
{
    private function __construct(int $port, private readonly string $log)
    {
        parent::__construct($port);
    }

    /**
     * Starts the server and waits until it accepts connections; its output goes to $log.
     *
     * @param array<string, string|null> $env
     * @param list<string> $extensions shared extensions to load before convert_sdk
     */
    public static function start(string $docroot, string $log, array $env = [], array $extensions = []): self
    {
        $server = new self(self::freePort(), $log);
        register_shutdown_function([$server, 'stop']);
        $out = ['file', $log, 'a'];
        $server->startProcess(
            [...Process::php($extensions), '-S', "127.0.0.1:{$server->port}", '-t', $docroot],
            'php -S',
            Process::environment($env + ['PHP_CLI_SERVER_WORKERS' => '4']),
            $out,
            $out,
            startupLog: fn (): string => "\n" . $server->log(),
        );
        return $server;
    }

    /** What the server logged so far. */
    public function log(): string
    {
        return (string) @file_get_contents($this->log);
    }
}
