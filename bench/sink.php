<?php
/**
 * Local HTTP stub for the benchmarks (one process, stream_select, HTTP/1.1 keep-alive):
 *   GET  /config/{accountId}/{name}?…  → the file {configDir}/{name}.json (the sdkKey config fetch)
 *   POST /…                            → 200 `{}` (tracking sink; posts and body bytes are counted)
 *   GET  /stats                        → {"posts": n, "bytes": n, "gets": n}
 *   GET  /quit                         → stops the server
 * Usage: php sink.php {configDir} {portFile}; the port it listens on is written to {portFile}.
 */

declare(strict_types=1);

[$configDir, $portFile] = [$argv[1] ?? '.', $argv[2] ?? 'sink.port'];

$server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
if ($server === false) {
    fwrite(STDERR, "sink: $errstr\n");
    exit(1);
}
$name = stream_socket_get_name($server, false);
file_put_contents($portFile, substr($name, strrpos($name, ':') + 1));

$stats = ['posts' => 0, 'bytes' => 0, 'gets' => 0];
/** @var array<int, array{0: resource, 1: string}> $clients socket and unread input, by id */
$clients = [];

/** One HTTP response with a JSON body. */
function reply(int $status, string $body, bool $close): string
{
    $reason = $status === 200 ? 'OK' : 'Not Found';
    return "HTTP/1.1 $status $reason\r\nContent-Type: application/json\r\nContent-Length: " . strlen($body)
        . ($close ? "\r\nConnection: close" : '') . "\r\n\r\n$body";
}

/**
 * Handles every complete request at the start of $buf; returns [responses, rest, close, quit].
 * @return array{0: string, 1: string, 2: bool, 3: bool}
 */
function handle(string $buf, string $configDir, array &$stats): array
{
    $out = '';
    $close = false;
    while (($end = strpos($buf, "\r\n\r\n")) !== false) {
        $head = substr($buf, 0, $end);
        $length = preg_match('/^content-length:\s*(\d+)/mi', $head, $m) ? (int) $m[1] : 0;
        if (strlen($buf) < $end + 4 + $length) {
            break; // body not complete yet
        }
        $buf = substr($buf, $end + 4 + $length);
        [$method, $target] = explode(' ', $head, 3) + [1 => '/'];
        $close = $close || (bool) preg_match('/^connection:\s*close/mi', $head);
        $path = parse_url($target, PHP_URL_PATH) ?: '/';
        if ($method === 'POST') {
            $stats['posts']++;
            $stats['bytes'] += $length;
            $out .= reply(200, '{}', $close);
        } elseif ($path === '/stats') {
            $out .= reply(200, json_encode($stats), $close);
        } elseif ($path === '/quit') {
            return [$out . reply(200, '{}', true), '', true, true];
        } elseif (preg_match('~/config/[^/]+/([A-Za-z0-9_-]+)$~', $path, $m) && is_file("$configDir/{$m[1]}.json")) {
            $stats['gets']++;
            $out .= reply(200, (string) file_get_contents("$configDir/{$m[1]}.json"), $close);
        } else {
            $out .= reply(404, '{"error":"not found"}', $close);
        }
    }
    return [$out, $buf, $close, false];
}

while (true) {
    $read = [$server];
    foreach ($clients as [$socket]) {
        $read[] = $socket;
    }
    $write = $except = null;
    if (stream_select($read, $write, $except, null) === false) {
        break;
    }
    foreach ($read as $socket) {
        if ($socket === $server) {
            $conn = @stream_socket_accept($server, 0);
            if ($conn !== false) {
                $clients[(int) $conn] = [$conn, ''];
            }
            continue;
        }
        $id = (int) $socket;
        $chunk = fread($socket, 65536);
        if ($chunk === '' || $chunk === false) {
            fclose($socket);
            unset($clients[$id]);
            continue;
        }
        [$out, $rest, $close, $quit] = handle($clients[$id][1] . $chunk, $configDir, $stats);
        $clients[$id][1] = $rest;
        if ($out !== '') {
            fwrite($socket, $out);
        }
        if ($quit) {
            exit(0);
        }
        if ($close) {
            fclose($socket);
            unset($clients[$id]);
        }
    }
}
