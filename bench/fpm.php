<?php
/**
 * W5 (php-fpm part): RSS of one php-fpm worker across many real FastCGI requests of
 * bench/fpm-request.php. Starts `php-fpm8.2 -F -n` with one static worker (opcache on, the extension
 * under test), talks FastCGI to it over one kept-alive connection, samples the worker's VmRSS and
 * stops the master by pid. Usage: php fpm.php SO_PATH [REQUESTS] [SECONDS]; prints JSON result lines.
 */

declare(strict_types=1);

namespace ConvertSdk\Bench;

require_once dirname(__DIR__) . '/tests/php/Support/RedisServer.php'; // freePort()

use ConvertSdk\Tests\Support\RedisServer;

/** A minimal FastCGI client (responder role, FCGI_KEEP_CONN) on one TCP connection. */
final class FastCgiClient
{
    /** @var resource */
    private $socket;
    private int $id = 0;

    public function __construct(int $port)
    {
        $socket = stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 5);
        if ($socket === false) {
            throw new \RuntimeException("FastCGI connect: $errstr");
        }
        stream_set_timeout($socket, 30);
        $this->socket = $socket;
    }

    private static function record(int $type, int $id, string $content): string
    {
        return pack('CCnnCx', 1, $type, $id, strlen($content), 0) . $content;
    }

    private static function pair(string $name, string $value): string
    {
        $len = static fn (int $n): string => $n < 128 ? chr($n) : pack('N', $n | 0x80000000);
        return $len(strlen($name)) . $len(strlen($value)) . $name . $value;
    }

    private function read(int $bytes): string
    {
        $data = '';
        while (strlen($data) < $bytes) {
            $chunk = fread($this->socket, $bytes - strlen($data));
            if ($chunk === '' || $chunk === false) {
                throw new \RuntimeException('FastCGI connection closed');
            }
            $data .= $chunk;
        }
        return $data;
    }

    /** One request; returns [stdout, stderr]. */
    public function request(array $params): array
    {
        $id = $this->id = $this->id % 65535 + 1;
        $body = '';
        foreach ($params as $name => $value) {
            $body .= self::pair((string) $name, (string) $value);
        }
        fwrite($this->socket, self::record(1, $id, pack('nCx5', 1, 1)) // BEGIN_REQUEST, responder, keep-conn
            . self::record(4, $id, $body) . self::record(4, $id, '') . self::record(5, $id, ''));
        [$out, $err] = ['', ''];
        while (true) {
            $h = unpack('Cversion/Ctype/nid/nlength/Cpadding', $this->read(8));
            $content = $h['length'] > 0 ? $this->read($h['length']) : '';
            if ($h['padding'] > 0) {
                $this->read($h['padding']);
            }
            match ($h['type']) {
                6 => $out .= $content,
                7 => $err .= $content,
                3 => null,
                default => throw new \RuntimeException("unexpected FastCGI record {$h['type']}"),
            };
            if ($h['type'] === 3) {
                return [$out, $err];
            }
        }
    }
}

/** VmRSS of a process in KiB. */
function rssKiB(int $pid): int
{
    return preg_match('/^VmRSS:\s+(\d+)/m', (string) @file_get_contents("/proc/$pid/status"), $m) ? (int) $m[1] : 0;
}

/** The only child of the master (the static pool's worker). */
function workerPid(int $master): int
{
    for ($i = 0; $i < 200; $i++) {
        $children = trim((string) @file_get_contents("/proc/$master/task/$master/children"));
        if ($children !== '') {
            return (int) explode(' ', $children)[0];
        }
        usleep(10000);
    }
    throw new \RuntimeException('php-fpm worker not found');
}

function fpmBinary(): string
{
    foreach (['/usr/sbin/php-fpm' . PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION, '/usr/sbin/php-fpm'] as $path) {
        if (is_executable($path)) {
            return $path;
        }
    }
    throw new \RuntimeException('php-fpm not found (Debian package php8.2-fpm)');
}

[$so, $requests, $seconds] = [$argv[1] ?? '', (int) ($argv[2] ?? 100000), (float) ($argv[3] ?? 150)];
$work = getenv('BENCH_WORK') ?: sys_get_temp_dir() . '/convert-sdk-bench';
$dir = "$work/fpm";
@mkdir($dir, 0700, true);
$port = RedisServer::freePort();
file_put_contents("$dir/php-fpm.conf", implode("\n", [
    '[global]', "error_log = $dir/php-fpm.log", "pid = $dir/php-fpm.pid",
    '[bench]', "listen = 127.0.0.1:$port", 'pm = static', 'pm.max_children = 1', 'pm.max_requests = 0', '',
]));
$cmd = [fpmBinary(), '-F', '-n', '-y', "$dir/php-fpm.conf", '-d', 'zend_extension=opcache', '-d', 'opcache.enable=1',
    '-d', "extension=$so", '-d', 'memory_limit=256M'];
if (function_exists('posix_geteuid') && posix_geteuid() === 0) {
    $cmd[] = '-R';
}
$log = ['file', "$dir/php-fpm.out", 'a'];
$process = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => $log, 2 => $log], $pipes);
$master = proc_get_status($process)['pid'];
$stop = static function () use ($process): void {
    if (proc_get_status($process)['running']) {
        proc_terminate($process, 15);
        for ($i = 0; $i < 300 && proc_get_status($process)['running']; $i++) {
            usleep(10000);
        }
    }
};
register_shutdown_function($stop);
for ($i = 0; $i < 300 && @fsockopen('127.0.0.1', $port) === false; $i++) {
    usleep(10000);
}
$worker = workerPid($master);
$client = new FastCgiClient($port);
$script = __DIR__ . '/fpm-request.php';
$params = ['GATEWAY_INTERFACE' => 'CGI/1.1', 'REQUEST_METHOD' => 'GET', 'SCRIPT_FILENAME' => $script,
    'SCRIPT_NAME' => '/fpm-request.php', 'REQUEST_URI' => '/fpm-request.php', 'QUERY_STRING' => '',
    'SERVER_NAME' => '127.0.0.1', 'SERVER_PROTOCOL' => 'HTTP/1.1', 'BENCH_WORK' => $work];

$warmup = min(1000, intdiv($requests, 10));
$start = hrtime(true);
$deadline = $start + (int) ($seconds * 1e9);
$rss = [];
$done = 0;
for (; $done < $requests && ($done < $warmup || hrtime(true) < $deadline); $done++) {
    [$out, $err] = $client->request($params + ['BENCH_SEQ' => (string) $done]);
    if (!preg_match('/(?:^|\n)served=\d+$/', $out) || $err !== '') {
        throw new \RuntimeException("request $done: " . substr($out . $err, 0, 500));
    }
    if ($done + 1 === $warmup || ($done + 1) % 10000 === 0) {
        $rss[$done + 1] = rssKiB($worker);
    }
}
$elapsed = (hrtime(true) - $start) / 1e9;
$rss[$done] = rssKiB($worker);
if (workerPid($master) !== $worker) {
    throw new \RuntimeException('the php-fpm worker was replaced during the run');
}
$stop();
$growth = ($rss[$done] - $rss[$warmup]) / 1024;
$result = static fn (string $name, string $unit, array $samples, string $target = '', array $extra = []) =>
    print json_encode(['group' => 'W5', 'name' => $name, 'unit' => $unit, 'scale' => 1.0, 'samples' => $samples,
        'target' => $target, 'extra' => $extra], JSON_UNESCAPED_UNICODE) . "\n";
$result("php-fpm worker RSS growth, request $warmup → $done", 'MiB', [round($growth, 3)], '< 1',
    ['RSS KiB at request' => $rss, 'requests' => $done, 'seconds' => round($elapsed, 1)]);
$result('php-fpm throughput (1 worker, W1 request incl. flush)', 'µs/request (wall)', [round($elapsed * 1e6 / $done, 1)]);
