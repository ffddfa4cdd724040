<?php

namespace ConvertSdk\Tests\Support;

/**
 * A local `php -S` server used as the tracking and config endpoint of every SDK built by the tests
 * (through the TRACK_ENDPOINT / CONFIG_ENDPOINT environment variables of spec §1.2.1 and explicit
 * `api.endpoint` options), so that queue releases at shutdown never reach the real Convert servers.
 */
final class HttpSink
{
    private static string $baseUrl = 'http://127.0.0.1:9';

    /** @var resource|null */
    private static $process = null;

    /** Base URL of the sink (no trailing slash). */
    public static function url(): string
    {
        return self::$baseUrl;
    }

    /** Starts the server, exports the endpoints and stops it after every other shutdown function. */
    public static function start(): void
    {
        $port = LocalServer::freePort();
        $cmd = [PHP_BINARY, '-n', '-S', "127.0.0.1:$port", __DIR__ . '/sink-router.php'];
        $null = ['file', '/dev/null', 'w'];
        $process = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => $null, 2 => $null], $pipes);
        if (!is_resource($process) || !LocalServer::waitForPort($port, 100, 20000)) {
            fwrite(STDERR, "warning: could not start the local HTTP sink; SDK requests go to 127.0.0.1:9\n");
        } else {
            self::$process = $process;
            self::$baseUrl = "http://127.0.0.1:$port";
        }
        putenv('TRACK_ENDPOINT=' . self::$baseUrl . '/track-sink');
        putenv('CONFIG_ENDPOINT=' . self::$baseUrl . '/config-sink');
        // SDK instances register their own shutdown release later; registering from inside a shutdown
        // function appends to the end of the list, so the sink outlives them.
        register_shutdown_function(static function (): void {
            register_shutdown_function([self::class, 'stop']);
        });
    }

    /** Terminates the server process. */
    public static function stop(): void
    {
        if (self::$process !== null) {
            proc_terminate(self::$process);
            proc_close(self::$process);
            self::$process = null;
        }
    }
}
