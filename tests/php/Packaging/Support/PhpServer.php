<?php

namespace ConvertSdk\Tests\Packaging\Support;

/**
 * `php -S 127.0.0.1:<free port> -t <docroot>` with convert_sdk (and optional extensions) loaded and several
 * workers. Stopped by pid: the workers (children of the server process), then the server.
 */
final class PhpServer
{
    /** @var resource|null */
    private $process;

    private function __construct(private readonly int $port, $process, private readonly string $log)
    {
        $this->process = $process;
    }

    /**
     * Starts the server and waits until it accepts connections; its output goes to $log.
     *
     * @param array<string, string|null> $env
     * @param list<string> $extensions shared extensions to load before convert_sdk
     */
    public static function start(string $docroot, string $log, array $env = [], array $extensions = []): self
    {
        $port = \ConvertSdk\Tests\Support\RedisServer::freePort();
        $cmd = [...Process::php($extensions), '-S', "127.0.0.1:$port", '-t', $docroot];
        $out = ['file', $log, 'a'];
        $env = Process::environment($env + ['PHP_CLI_SERVER_WORKERS' => '4']);
        $process = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => $out, 2 => $out], $pipes, null, $env);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start php -S');
        }
        $server = new self($port, $process, $log);
        register_shutdown_function([$server, 'stop']);
        for ($i = 0; $i < 300; $i++) {
            $conn = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1);
            if ($conn !== false) {
                fclose($conn);
                return $server;
            }
            usleep(10000);
        }
        $server->stop();
        throw new \RuntimeException("php -S on port $port did not come up:\n" . @file_get_contents($log));
    }

    /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
    public function url(): string
    {
        return 'http://127.0.0.1:' . $this->port;
    }

    /** What the server logged so far. */
    public function log(): string
    {
        return (string) @file_get_contents($this->log);
    }

    /** Kills the workers and the server by pid. */
    public function stop(): void
    {
        if ($this->process === null) {
            return;
        }
        $pid = proc_get_status($this->process)['pid'];
        foreach ([...self::childrenOf($pid), $pid] as $p) {
            posix_kill($p, SIGKILL);
        }
        proc_close($this->process);
        $this->process = null;
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
}
