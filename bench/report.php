<?php
/**
 * Turns the JSON result lines of a bench run into one table (median of the runs, with min and max),
 * prints it and writes it with the machine's description to a Markdown file.
 * Usage: php report.php RESULTS.jsonl OUTPUT.md
 */

declare(strict_types=1);

[$input, $output] = [$argv[1] ?? '', $argv[2] ?? ''];
if (!is_file($input) || $output === '') {
    fwrite(STDERR, "usage: php report.php RESULTS.jsonl OUTPUT.md\n");
    exit(2);
}

function median(array $xs): float
{
    sort($xs);
    $m = intdiv(count($xs), 2);
    return count($xs) % 2 ? $xs[$m] : ($xs[$m - 1] + $xs[$m]) / 2;
}

/** A number with about three significant digits. */
function fmt(float $x): string
{
    $a = abs($x);
    return match (true) {
        $a >= 100 => number_format($x, 0, '.', ''),
        $a >= 10 => number_format($x, 1, '.', ''),
        $a >= 1 => number_format($x, 2, '.', ''),
        default => number_format($x, 3, '.', ''),
    };
}

/** 'yes' / 'NO' for a numeric target such as "≤ 30", "= 1", "< 1"; '' when not numeric. */
function verdict(string $target, float $value): string
{
    if (!preg_match('/^(≤|<|=)\s*([\d.]+)$/u', trim($target), $m)) {
        return '';
    }
    $ok = match ($m[1]) {
        '≤' => $value <= (float) $m[2] + 1e-9,
        '<' => $value < (float) $m[2],
        '=' => abs($value - (float) $m[2]) < 1e-9,
    };
    return $ok ? 'yes' : '**NO**';
}

/** Extra facts of a row as "key: value" pairs. */
function notes(array $extra): string
{
    $parts = [];
    foreach ($extra as $k => $v) {
        $parts[] = "$k: " . (is_array($v) ? json_encode($v, JSON_UNESCAPED_UNICODE) : (string) $v);
    }
    return str_replace('|', '/', implode('; ', $parts));
}

function machine(): array
{
    $cpu = preg_match('/^model name\s*:\s*(.+)$/m', (string) @file_get_contents('/proc/cpuinfo'), $m) ? trim($m[1]) : 'unknown';
    $opcache = function_exists('opcache_get_status') && (opcache_get_status(false)['opcache_enabled'] ?? false);
    $jit = $opcache ? (opcache_get_status(false)['jit']['on'] ?? false) : false;
    $rustc = trim((string) shell_exec('rustc --version 2>/dev/null'));
    return [
        'date' => gmdate('Y-m-d H:i') . ' UTC',
        'nproc' => trim((string) shell_exec('nproc')),
        'CPU' => $cpu,
        'load average at report time' => implode(' ', array_slice(explode(' ', (string) @file_get_contents('/proc/loadavg')), 0, 3)),
        'kernel' => php_uname('r'),
        'PHP' => PHP_VERSION . (PHP_ZTS ? ' ZTS' : ' NTS') . ', opcache ' . ($opcache ? 'on' : 'off') . ' (CLI and php-fpm), JIT ' . ($jit ? 'on' : 'off'),
        'Rust' => $rustc,
    ];
}

$rows = [];
foreach (file($input, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
    $r = json_decode($line, true);
    if (!is_array($r) || !isset($r['samples'])) {
        continue; // cargo or PHP noise
    }
    $xs = array_map(static fn ($x): float => $x / ($r['scale'] ?? 1.0), $r['samples']);
    $med = median($xs);
    $rows[] = [$r['group'], $r['name'], fmt($med), fmt(min($xs)), fmt(max($xs)), count($xs), $r['unit'],
        $r['target'] ?? '', verdict($r['target'] ?? '', $med), notes($r['extra'] ?? [])];
}

$header = ['', 'benchmark', 'median', 'min', 'max', 'runs', 'unit', 'target', 'met', 'notes'];
$table = '| ' . implode(' | ', $header) . " |\n|" . str_repeat('---|', count($header)) . "\n";
foreach ($rows as $row) {
    $table .= '| ' . implode(' | ', array_map(static fn ($c): string => str_replace('|', '/', (string) $c), $row)) . " |\n";
}
$info = '';
foreach (machine() as $k => $v) {
    $info .= "- $k: $v\n";
}

echo $table;
$doc = "# Benchmark results (`make bench`)\n\nMachine:\n\n$info\n"
    . "Each row is the median of several runs (min and max beside it); a run is one timed batch of many\n"
    . "operations in one process (php-fpm: one run of up to 100,000 requests). W1–W5 as in issue 7;\n"
    . "REF are physical references; ENGINE rows come from `cargo bench -p convert_sdk_engine`.\n\n$table";
file_put_contents($output, $doc);
fwrite(STDERR, "written to $output\n");
