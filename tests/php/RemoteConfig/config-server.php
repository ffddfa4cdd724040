<?php
/**
 * The config endpoint of the remote-config tests: a single-process HTTP/1.1 server on 127.0.0.1 (one
 * stream_select loop, so hanging connections never block the others and one pid stops it).
 * Usage: php -n config-server.php <port> <state dir>. The state directory holds:
 *   config.json   body served to `GET …/config/{sdkKey}` (any other path: 404)
 *   mode          `ok` | `status:NNN` | `hang` (never answers) | `stall` (headers and half the body,
 *                 then nothing) | `invalid` (a body that is not JSON); read when a request arrives
 *   requests.log  one JSON line per request: method, path, query, headers (lower-case names), time
 * A hanging or stalled connection is dropped when the client closes it (or after 60 s).
 */

[, $port, $dir] = $argv;
$server = stream_socket_server("tcp://127.0.0.1:$port", $errno, $errstr);
if ($server === false) {
    fwrite(STDERR, "cannot listen on 127.0.0.1:$port: $errstr\n");
    exit(1);
}

/** @var array<int, array{socket: resource, buffer: string, held: bool, since: float}> $clients */
$clients = [];

/** Parses the head of a request into the record that is logged. */
function parse_request(string $head): array
{
    $lines = explode("\r\n", $head);
    [$method, $target] = explode(' ', array_shift($lines)) + [1 => '/'];
    $headers = [];
    foreach ($lines as $line) {
        [$name, $value] = explode(':', $line, 2) + [1 => ''];
        $headers[strtolower(trim($name))] = trim($value);
    }
    return [
        'method' => $method,
        'path' => (string) parse_url($target, PHP_URL_PATH),
        'query' => (string) parse_url($target, PHP_URL_QUERY),
        'headers' => $headers,
        'time' => microtime(true),
    ];
}

/** A complete response (Connection: close). */
function response(int $status, string $body, ?int $contentLength = null): string
{
    $contentLength ??= strlen($body);
    return "HTTP/1.1 $status Test\r\nContent-Type: application/json\r\nContent-Length: $contentLength\r\nConnection: close\r\n\r\n$body";
}

/** Answers one request per the current mode; returns true when the connection must be held open. */
function answer($socket, array $request, string $dir): bool
{
    $mode = trim((string) @file_get_contents("$dir/mode")) ?: 'ok';
    $body = (string) @file_get_contents("$dir/config.json");
    stream_set_blocking($socket, true);
    if (!preg_match('#/config/.+$#', $request['path'])) {
        fwrite($socket, response($request['method'] === 'POST' ? 200 : 404, '{}'));
    } elseif (str_starts_with($mode, 'status:')) {
        fwrite($socket, response((int) substr($mode, 7), '{"error":"test server"}'));
    } elseif ($mode === 'hang') {
        return true;
    } elseif ($mode === 'stall') {
        $full = response(200, $body);
        fwrite($socket, substr($full, 0, strlen($full) - intdiv(strlen($body), 2)));
        stream_set_blocking($socket, false);
        return true;
    } elseif ($mode === 'invalid') {
        fwrite($socket, response(200, '{"account_id": "100123", "project": {"id": "100456"'));
    } else {
        fwrite($socket, response(200, $body));
    }
    return false;
}

while (true) {
    $read = [$server, ...array_column($clients, 'socket')];
    $write = $except = null;
    if (@stream_select($read, $write, $except, 0, 100000) === false) {
        continue;
    }
    foreach ($read as $socket) {
        if ($socket === $server) {
            $client = @stream_socket_accept($server, 0);
            if ($client !== false) {
                stream_set_blocking($client, false);
                $clients[(int) $client] = ['socket' => $client, 'buffer' => '', 'held' => false, 'since' => microtime(true)];
            }
            continue;
        }
        $id = (int) $socket;
        $chunk = fread($socket, 65536);
        if ($chunk === '' || $chunk === false) {
            if (feof($socket)) {
                fclose($socket);
                unset($clients[$id]);
            }
            continue;
        }
        if ($clients[$id]['held']) {
            continue; // a held connection ignores anything more the client sends
        }
        $clients[$id]['buffer'] .= $chunk;
        $end = strpos($clients[$id]['buffer'], "\r\n\r\n");
        if ($end === false) {
            continue;
        }
        $request = parse_request(substr($clients[$id]['buffer'], 0, $end));
        file_put_contents("$dir/requests.log", json_encode($request) . "\n", FILE_APPEND | LOCK_EX);
        if (answer($socket, $request, $dir)) {
            $clients[$id]['held'] = true;
        } else {
            fclose($socket);
            unset($clients[$id]);
        }
    }
    foreach ($clients as $id => $client) {
        if (microtime(true) - $client['since'] > 60) {
            fclose($client['socket']);
            unset($clients[$id]);
        }
    }
}
