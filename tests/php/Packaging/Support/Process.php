<?php

namespace ConvertSdk\Tests\Packaging\Support;

/** Runs a command (no shell) with a timeout and collects its exit code and output. */
final class Process
{
    /**
     * Runs $cmd in $cwd with the test process's environment plus $env (a null value removes a variable).
     * A command still running after $timeout seconds is killed and reported as exit code -1.
     *
     * @param list<string> $cmd
     * @param array<string, string|null> $env
     * @return array{0: int, 1: string, 2: string} exit code, stdout, stderr
     */
    public static function run(array $cmd, array $env = [], ?string $cwd = null, float $timeout = 60.0): array
    {
        $spec = [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']];
        $process = proc_open($cmd, $spec, $pipes, $cwd, self::environment($env));
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot run ' . implode(' ', $cmd));
        }
        $output = [1 => '', 2 => ''];
        $open = [1 => $pipes[1], 2 => $pipes[2]];
        foreach ($open as $pipe) {
            stream_set_blocking($pipe, false);
        }
        $deadline = microtime(true) + $timeout;
        while ($open !== [] && microtime(true) < $deadline) {
            $read = array_values($open);
            $write = $except = null;
            if (@stream_select($read, $write, $except, 0, 200000) === false) {
                break;
            }
            foreach ($open as $fd => $pipe) {
                $chunk = fread($pipe, 65536);
                if ($chunk !== false) {
                    $output[$fd] .= $chunk;
                }
                if (feof($pipe)) {
                    fclose($pipe);
                    unset($open[$fd]);
                }
            }
        }
        if ($open !== []) {
            proc_terminate($process, 9);
            foreach ($open as $pipe) {
                fclose($pipe);
            }
            proc_close($process);
            return [-1, $output[1], $output[2] . "\n[killed after {$timeout}s]"];
        }
        return [proc_close($process), $output[1], $output[2]];
    }

    /**
     * The current environment with $overrides applied.
     *
     * @param array<string, string|null> $overrides
     * @return array<string, string>
     */
    public static function environment(array $overrides): array
    {
        $env = getenv();
        foreach ($overrides as $name => $value) {
            if ($value === null) {
                unset($env[$name]);
            } else {
                $env[$name] = $value;
            }
        }
        return $env;
    }

    /**
     * A PHP command line without any ini file: the shared extensions $extensions (those loaded in this
     * process that they depend on, e.g. igbinary before redis, come first), then convert_sdk.
     *
     * @param list<string> $extensions e.g. ['redis']
     * @return list<string>
     */
    public static function php(array $extensions = []): array
    {
        $cmd = [PHP_BINARY, '-n'];
        foreach ($extensions as $extension) {
            foreach ((new \ReflectionExtension($extension))->getDependencies() as $dependency => $kind) {
                if ($kind === 'Required' && !self::isBuiltIn($dependency)) {
                    array_push($cmd, '-d', 'extension=' . strtolower($dependency));
                }
            }
            array_push($cmd, '-d', 'extension=' . $extension);
        }
        array_push($cmd, '-d', 'extension=' . \ConvertSdk\Tests\Support\PhpFpmPool::extensionPath());
        return $cmd;
    }

    /** Whether $extension is compiled into the PHP binary (present even with `php -n`). */
    private static function isBuiltIn(string $extension): bool
    {
        static $builtIn = null;
        $builtIn ??= array_map('strtolower', explode("\n", trim((string) shell_exec(escapeshellarg(PHP_BINARY) . ' -n -m'))));
        return in_array(strtolower($extension), $builtIn, true);
    }
}
