<?php

namespace ConvertSdk\Tests\Support;

/**
 * A php-fpm master process (`php-fpm8.2 -F -n`) with one static pool on 127.0.0.1:<free port>,
 * loading the convert_sdk extension under test plus the extensions named by the caller. Requests go
 * through real FastCGI with `cgi-fcgi` (libfcgi-bin). Stopped by the master's pid.
 */
final class PhpFpmPool
{
    /** @var resource|null */
    private $process;

    private function __construct(private readonly string $dir, private readonly int $port, $process)
    {
        $this->process = $process;
    }

    /**
     * Starts a pool of $children workers (pm = static) in $dir; $extensions are loaded with
     * `-d extension=` before convert_sdk (e.g. ['igbinary', 'redis']).
     */
    public static function launch(string $dir, array $extensions = [], int $children = 2): self
    {
        if (!is_dir($dir) && !mkdir($dir, 0700, true)) {
            throw new \RuntimeException("cannot create $dir");
        }
        $port = LocalServer::freePort();
        $conf = "$dir/php-fpm.conf";
        file_put_contents($conf, implode("\n", [
            '[global]',
            "error_log = $dir/php-fpm.log",
            "pid = $dir/php-fpm.pid",
            '[pool]',
            "listen = 127.0.0.1:$port",
            'pm = static',
            "pm.max_children = $children",
            'catch_workers_output = yes',
            'request_terminate_timeout = 60',
            '',
        ]));
        $cmd = [self::fpmBinary(), '-F', '-n', '-y', $conf];
        if (function_exists('posix_geteuid') && posix_geteuid() === 0) {
            $cmd[] = '-R'; // containers and CI often run the suite as root
        }
        foreach ([...$extensions, self::extensionPath()] as $extension) {
            array_push($cmd, '-d', "extension=$extension");
        }
        array_push($cmd, '-d', 'display_errors=1', '-d', 'error_reporting=' . E_ALL, '-d', 'memory_limit=256M');
        $out = ['file', "$dir/php-fpm.out", 'a'];
        $process = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => $out, 2 => $out], $pipes);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start php-fpm');
        }
        $pool = new self($dir, $port, $process);
        register_shutdown_function([$pool, 'stop']);
        $pool->waitUntilListening();
        return $pool;
    }

    /** Pid of the master process. */
    public function masterPid(): int
    {
        return proc_get_status($this->process)['pid'];
    }

    /**
     * One FastCGI GET request for $script with the given extra FastCGI params (they arrive in
     * `$_SERVER`). Returns the response body; throws when the response is not a 200.
     */
    public function request(string $script, array $params = []): string
    {
        $env = [
            'GATEWAY_INTERFACE' => 'CGI/1.1',
            'REQUEST_METHOD' => 'GET',
            'SCRIPT_FILENAME' => $script,
            'SCRIPT_NAME' => '/' . basename($script),
            'REQUEST_URI' => '/' . basename($script),
            'QUERY_STRING' => '',
            'SERVER_NAME' => '127.0.0.1',
            'SERVER_PROTOCOL' => 'HTTP/1.1',
        ] + $params;
        $cmd = ['cgi-fcgi', '-bind', '-connect', "127.0.0.1:{$this->port}"];
        $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        $response = stream_get_contents($pipes[1]);
        $stderr = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $rc = proc_close($proc);
        $split = strpos($response, "\r\n\r\n");
        if ($rc !== 0 || $split === false) {
            throw new \RuntimeException("cgi-fcgi failed (rc $rc): $stderr $response");
        }
        $headers = substr($response, 0, $split);
        $body = substr($response, $split + 4);
        if (preg_match('/^Status: (\d+)/mi', $headers, $m) && $m[1] !== '200') {
            throw new \RuntimeException("HTTP {$m[1]} from $script: $body");
        }
        return $body;
    }

    /** Stops the master (SIGTERM to its pid; it stops its workers) and waits for it. */
    public function stop(): void
    {
        if ($this->process === null) {
            return;
        }
        $process = $this->process;
        $this->process = null;
        proc_terminate($process, 15);
        for ($i = 0; $i < 300 && proc_get_status($process)['running']; $i++) {
            usleep(10000);
        }
        if (proc_get_status($process)['running']) {
            proc_terminate($process, 9);
        }
        proc_close($process);
    }

    /**
     * Absolute path of the convert_sdk shared object for child processes: `CONVERT_SDK_SO` when set,
     * else the file this process actually mapped (Linux /proc/self/maps), else the release build of
     * this checkout.
     */
    public static function extensionPath(): string
    {
        $fromEnv = getenv('CONVERT_SDK_SO');
        if (is_string($fromEnv) && $fromEnv !== '' && is_file($fromEnv)) {
            return realpath($fromEnv);
        }
        foreach (@file('/proc/self/maps', FILE_IGNORE_NEW_LINES) ?: [] as $line) {
            if (preg_match('~\s(/\S*convert_sdk[^/\s]*\.so)$~', $line, $m) && is_file($m[1])) {
                return $m[1];
            }
        }
        $build = dirname(__DIR__, 3) . '/target/release/libconvert_sdk.so';
        if (is_file($build)) {
            return $build;
        }
        throw new \RuntimeException('cannot locate the convert_sdk shared object; set CONVERT_SDK_SO');
    }

    private static function fpmBinary(): string
    {
        foreach (['php-fpm' . PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION, 'php-fpm'] as $name) {
            foreach (['/usr/sbin', '/usr/local/sbin', '/usr/bin'] as $dir) {
                if (is_executable("$dir/$name")) {
                    return "$dir/$name";
                }
            }
        }
        throw new \RuntimeException('php-fpm not found (Debian package php8.2-fpm)');
    }

    private function waitUntilListening(): void
    {
        for ($i = 0; $i < 500; $i++) {
            if (!proc_get_status($this->process)['running']) {
                break;
            }
            $conn = @fsockopen('127.0.0.1', $this->port, $errno, $errstr, 0.1);
            if ($conn !== false) {
                fclose($conn);
                return;
            }
            usleep(10000);
        }
        $log = @file_get_contents("{$this->dir}/php-fpm.out") . @file_get_contents("{$this->dir}/php-fpm.log");
        $this->stop();
        throw new \RuntimeException("php-fpm did not start on port {$this->port}: $log");
    }
}
