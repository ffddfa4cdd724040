<?php

namespace ConvertSdk\Tests\Support;

/**
 * Base of the throw-away servers the tests start on 127.0.0.1:<free port> (capture and config endpoints,
 * `php -S` sites and routers): one child process started without a shell, waited for until it accepts
 * connections, and stopped by pid, its forked workers (e.g. PHP_CLI_SERVER_WORKERS) first.
 */
abstract class LocalServer
{
    /** @var resource|null */
    private $process = null;

    protected function __construct(protected readonly int $port)
    {
    }

    /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
    public function url(): string
    {
        return 'http://127.0.0.1:' . $this->port;
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

    /** A TCP port nobody listens on right now. */
    public static function freePort(): int
    {
        $server = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($server, false);
        fclose($server);
        return (int) substr($name, strrpos($name, ':') + 1);
    }

    /** Tries to connect to 127.0.0.1:$port up to $attempts times, $pauseMicros apart; true once it accepts. */
    public static function waitForPort(int $port, int $attempts = 300, int $pauseMicros = 10000): bool
    {
        for ($i = 0; $i < $attempts; $i++) {
            $conn = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1);
            if ($conn !== false) {
                fclose($conn);
                return true;
            }
            usleep($pauseMicros);
        }
        return false;
    }

    /** Creates $dir (and its parents) unless it exists. */
    protected static function makeDir(string $dir): void
    {
        if (!is_dir($dir) && !mkdir($dir, 0700, true)) {
            throw new \RuntimeException("cannot create $dir");
        }
    }

    /**
     * Starts $cmd unless the server runs, with stdout and stderr as given (default /dev/null) and $env as
     * its environment (null: this process's), and waits until the port accepts connections; otherwise
     * stops it and throws, naming the server as $name and appending $startupLog() to the message.
     *
     * @param list<string> $cmd
     * @param array{0: string, 1: string, 2: string}|null $stdout a proc_open file descriptor spec
     * @param array{0: string, 1: string, 2: string}|null $stderr a proc_open file descriptor spec
     * @param (callable(): string)|null $startupLog
     */
    protected function startProcess(
        array $cmd,
        string $name,
        ?array $env = null,
        ?array $stdout = null,
        ?array $stderr = null,
        int $attempts = 300,
        ?callable $startupLog = null,
    ): void {
        if ($this->process !== null) {
            return;
        }
        $null = ['file', '/dev/null', 'w'];
        $process = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => $stdout ?? $null, 2 => $stderr ?? $null], $pipes, null, $env);
        if (!is_resource($process)) {
            throw new \RuntimeException("cannot start the $name");
        }
        $this->process = $process;
        if (self::waitForPort($this->port, $attempts)) {
            return;
        }
        $this->stop();
        throw new \RuntimeException("$name on port {$this->port} did not come up" . ($startupLog === null ? '' : ': ' . $startupLog()));
    }

    /** Writes $content to $path through a rename, so that the server never reads a partial file. */
    protected static function writeAtomically(string $path, string $content): void
    {
        $tmp = $path . '.' . getmypid() . '.tmp';
        file_put_contents($tmp, $content);
        rename($tmp, $path);
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
}
