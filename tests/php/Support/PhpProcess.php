<?php

namespace ConvertSdk\Tests\Support;

/**
 * Runs a PHP script in a child process (`php -n`, only the extension under test loaded, plus the
 * given ini settings; or with the CLI's php.ini for extensions such as phpredis) with a wall-clock
 * limit, so that a crash or a hang cannot take the suite down.
 */
final class PhpProcess
{
    private function __construct(
        public readonly int $exitCode,
        public readonly ?int $signal,
        public readonly string $stdout,
        public readonly string $stderr,
        public readonly float $seconds,
        public readonly bool $timedOut,
    ) {
    }

    /**
     * Runs `php -n -d extension=<so> [-d k=v ...] $script ...$args` (without `-n` when $phpIni); kills it
     * after $timeout seconds.
     */
    public static function run(string $script, array $args = [], array $ini = [], float $timeout = 60.0, array $env = [], bool $phpIni = false): self
    {
        $cmd = [PHP_BINARY, ...($phpIni ? [] : ['-n']), '-d', 'extension=' . PhpFpmPool::extensionPath()];
        foreach ($ini + ['display_errors' => '1', 'error_reporting' => (string) E_ALL] as $k => $v) {
            array_push($cmd, '-d', "$k=$v");
        }
        array_push($cmd, $script, ...array_map('strval', $args));
        $start = microtime(true);
        $spec = [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']];
        $proc = proc_open($cmd, $spec, $pipes, null, $env === [] ? null : $env + getenv());
        if (!is_resource($proc)) {
            throw new \RuntimeException('cannot start ' . implode(' ', $cmd));
        }
        [$stdout, $stderr, $timedOut] = self::drain($proc, $pipes, $start + $timeout);
        $status = proc_get_status($proc);
        while ($status['running']) {
            usleep(2000);
            $status = proc_get_status($proc);
        }
        proc_close($proc);
        $signal = $status['signaled'] ? $status['termsig'] : null;
        return new self($status['exitcode'], $signal, $stdout, $stderr, microtime(true) - $start, $timedOut);
    }

    /** True when the process died of a signal (SIGSEGV, SIGABRT, ...) or printed a crash notice. */
    public function crashed(): bool
    {
        return $this->signal !== null || in_array($this->exitCode, [134, 136, 139], true)
            || str_contains($this->stdout . $this->stderr, 'Segmentation fault')
            || str_contains($this->stdout . $this->stderr, 'panicked at');
    }

    /** Output lines (stdout), trimmed. */
    public function lines(): array
    {
        return array_values(array_filter(explode("\n", trim($this->stdout)), 'strlen'));
    }

    /** One-line description for assertion messages. */
    public function describe(): string
    {
        $how = $this->signal !== null ? "signal {$this->signal}" : "exit {$this->exitCode}";
        return sprintf("[%s%s, %.2f s]\nstdout: %s\nstderr: %s", $how, $this->timedOut ? ', killed after timeout' : '',
            $this->seconds, substr($this->stdout, -3000), substr($this->stderr, -3000));
    }

    /** Reads both pipes until EOF or the deadline (then kills the process). */
    private static function drain($proc, array $pipes, float $deadline): array
    {
        $out = ['', ''];
        stream_set_blocking($pipes[1], false);
        stream_set_blocking($pipes[2], false);
        $open = [1 => $pipes[1], 2 => $pipes[2]];
        $timedOut = false;
        while ($open !== []) {
            $left = $deadline - microtime(true);
            if ($left <= 0) {
                $timedOut = true;
                proc_terminate($proc, 9);
                break;
            }
            $read = array_values($open);
            $write = $except = null;
            if (@stream_select($read, $write, $except, (int) $left, (int) (fmod($left, 1) * 1e6)) === false) {
                continue;
            }
            foreach ($read as $stream) {
                $i = array_search($stream, $open, true);
                $chunk = fread($stream, 65536);
                if ($chunk === '' || $chunk === false) {
                    if (feof($stream)) {
                        fclose($stream);
                        unset($open[$i]);
                    }
                    continue;
                }
                $out[$i - 1] .= $chunk;
            }
        }
        foreach ($open as $stream) {
            fclose($stream);
        }
        return [$out[0], $out[1], $timedOut];
    }
}
