<?php

namespace ConvertSdk\Tests\Reliability;

/**
 * A minimal FastCGI client (responder role, one request per connection) that keeps up to N requests
 * in flight over non-blocking sockets: the load driver of the php-fpm tests. A request that cannot
 * connect, times out or ends without a complete response is a failure (`error` set).
 */
final class FastCgi
{
    private const BEGIN_REQUEST = 1;
    private const END_REQUEST = 3;
    private const PARAMS = 4;
    private const STDIN = 5;
    private const STDOUT = 6;
    private const STDERR = 7;

    /**
     * Runs $jobs (each `['script' => path, 'params' => [...]]`) against 127.0.0.1:$port with at most
     * $concurrency in flight. Returns one result per job, in job order:
     * `['status' => int, 'headers' => string, 'body' => string, 'stderr' => string, 'error' => ?string, 'seconds' => float]`.
     */
    public static function run(int $port, array $jobs, int $concurrency = 8, float $timeout = 30.0): array
    {
        $results = [];
        $pending = array_keys($jobs);
        $active = [];
        while ($pending !== [] || $active !== []) {
            while (count($active) < $concurrency && $pending !== []) {
                $i = array_shift($pending);
                $active[$i] = self::start($port, $jobs[$i], $i);
            }
            self::poll($active, $results, $timeout);
        }
        ksort($results);
        return $results;
    }

    /** One request: the result array of `run()`. */
    public static function request(int $port, string $script, array $params = [], float $timeout = 30.0): array
    {
        return self::run($port, [['script' => $script, 'params' => $params]], 1, $timeout)[0];
    }

    private static function start(int $port, array $job, int $id): array
    {
        $state = ['socket' => null, 'out' => '', 'in' => '', 'started' => microtime(true), 'error' => null];
        $socket = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 5.0);
        if ($socket === false) {
            $state['error'] = "connect: $errstr";
            return $state;
        }
        stream_set_blocking($socket, false);
        $state['socket'] = $socket;
        $state['out'] = self::encodeRequest($job['script'], $job['params'] ?? [], ($id % 65535) + 1);
        return $state;
    }

    private static function poll(array &$active, array &$results, float $timeout): void
    {
        $read = $write = [];
        foreach ($active as $i => $s) {
            if ($s['socket'] === null) {
                $results[$i] = self::result($s, null);
                unset($active[$i]);
                continue;
            }
            if (microtime(true) - $s['started'] > $timeout) {
                fclose($s['socket']);
                $s['error'] = sprintf('timeout after %.1f s', $timeout);
                $results[$i] = self::result($s, null);
                unset($active[$i]);
                continue;
            }
            $s['out'] !== '' ? $write[$i] = $s['socket'] : $read[$i] = $s['socket'];
        }
        if ($read === [] && $write === []) {
            return;
        }
        $except = null;
        if (@stream_select($read, $write, $except, 0, 50000) === false) {
            return;
        }
        foreach ($write as $i => $socket) {
            $n = @fwrite($socket, $active[$i]['out']);
            if ($n === false) {
                $active[$i]['error'] = 'write failed';
                $active[$i]['socket'] = null;
                fclose($socket);
                continue;
            }
            $active[$i]['out'] = (string) substr($active[$i]['out'], $n);
        }
        foreach ($read as $i => $socket) {
            $chunk = fread($socket, 1 << 16);
            if ($chunk !== false && $chunk !== '') {
                $active[$i]['in'] .= $chunk;
            }
            $response = self::decodeResponse($active[$i]['in']);
            if ($response !== null || feof($socket)) {
                fclose($socket);
                if ($response === null) {
                    $active[$i]['error'] = 'connection closed before END_REQUEST';
                }
                $results[$i] = self::result($active[$i], $response);
                unset($active[$i]);
            }
        }
    }

    private static function result(array $s, ?array $response): array
    {
        $stdout = $response['stdout'] ?? '';
        $split = strpos($stdout, "\r\n\r\n");
        $headers = $split === false ? $stdout : substr($stdout, 0, $split);
        $status = preg_match('/^Status: (\d+)/mi', $headers, $m) ? (int) $m[1] : ($response === null ? 0 : 200);
        return [
            'status' => $status,
            'headers' => $headers,
            'body' => $split === false ? '' : substr($stdout, $split + 4),
            'stderr' => $response['stderr'] ?? '',
            'error' => $s['error'],
            'seconds' => microtime(true) - $s['started'],
        ];
    }

    private static function record(int $type, int $id, string $content): string
    {
        return pack('CCnnCx', 1, $type, $id, strlen($content), 0) . $content;
    }

    private static function encodeRequest(string $script, array $params, int $id): string
    {
        $env = [
            'GATEWAY_INTERFACE' => 'CGI/1.1', 'REQUEST_METHOD' => 'GET', 'SCRIPT_FILENAME' => $script,
            'SCRIPT_NAME' => '/' . basename($script), 'REQUEST_URI' => '/' . basename($script),
            'QUERY_STRING' => '', 'SERVER_NAME' => '127.0.0.1', 'SERVER_PROTOCOL' => 'HTTP/1.1',
        ] + array_map('strval', $params);
        $pairs = '';
        foreach ($env as $name => $value) {
            $pairs .= self::length(strlen($name)) . self::length(strlen($value)) . $name . $value;
        }
        $out = self::record(self::BEGIN_REQUEST, $id, pack('nCx5', 1, 0));
        foreach (str_split($pairs, 65535) as $chunk) {
            $out .= self::record(self::PARAMS, $id, $chunk);
        }
        return $out . self::record(self::PARAMS, $id, '') . self::record(self::STDIN, $id, '');
    }

    private static function length(int $n): string
    {
        return $n < 128 ? chr($n) : pack('N', $n | 0x80000000);
    }

    /** stdout/stderr once the END_REQUEST record arrived, else null. */
    private static function decodeResponse(string $buffer): ?array
    {
        $out = ['stdout' => '', 'stderr' => ''];
        $offset = 0;
        while (strlen($buffer) - $offset >= 8) {
            $h = unpack('Cversion/Ctype/nid/nlength/Cpadding', substr($buffer, $offset, 7));
            $end = $offset + 8 + $h['length'] + $h['padding'];
            if (strlen($buffer) < $end) {
                return null;
            }
            $content = substr($buffer, $offset + 8, $h['length']);
            match ($h['type']) {
                self::STDOUT => $out['stdout'] .= $content,
                self::STDERR => $out['stderr'] .= $content,
                default => null,
            };
            if ($h['type'] === self::END_REQUEST) {
                return $out;
            }
            $offset = $end;
        }
        return null;
    }
}
