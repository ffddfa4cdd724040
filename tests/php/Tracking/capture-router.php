<?php
/**
 * Router for the `php -S` capture server of the tracking tests (see tests/php/Support/CaptureServer.php).
 * State lives in the directory named by the CAPTURE_DIR environment variable:
 *   plan          `<answers>#<nonce>`; answers are comma-separated, one per request since the plan was
 *                 set, the last one repeating: `NNN` (that status at once), `NNN@MS` (that status after
 *                 MS milliseconds) or `hang` (no answer while the plan file is unchanged, at most 20 s)
 *   cursor        number of requests received since the plan was set (reset with the plan)
 *   requests.log  one JSON line per request, written on arrival:
 *                 {seq, method, uri, headers (lower-case names), body, time, answer}
 */

$dir = getenv('CAPTURE_DIR');

/** Takes the next answer of the plan and logs the request, atomically (several workers serve requests). */
$arrive = static function (string $dir): array {
    $lock = fopen("$dir/lock", 'c');
    flock($lock, LOCK_EX);
    $text = explode('#', (string) @file_get_contents("$dir/plan"))[0]; // `#nonce` marks each new plan
    $plan = array_map('trim', explode(',', trim($text) ?: '200'));
    $cursor = (int) @file_get_contents("$dir/cursor");
    file_put_contents("$dir/cursor", (string) ($cursor + 1));
    $answer = $plan[min($cursor, count($plan) - 1)];
    $record = [
        'seq' => $cursor,
        'method' => $_SERVER['REQUEST_METHOD'],
        'uri' => $_SERVER['REQUEST_URI'],
        'headers' => array_change_key_case(getallheaders(), CASE_LOWER),
        'body' => (string) file_get_contents('php://input'),
        'time' => microtime(true),
        'answer' => $answer,
    ];
    file_put_contents("$dir/requests.log", json_encode($record, JSON_UNESCAPED_SLASHES) . "\n", FILE_APPEND);
    flock($lock, LOCK_UN);
    fclose($lock);
    return $record;
};

$record = $arrive($dir);
$answer = $record['answer'];

if ($answer === 'hang') {
    $plan = @file_get_contents("$dir/plan");
    $deadline = microtime(true) + 20;
    while (microtime(true) < $deadline && @file_get_contents("$dir/plan") === $plan) {
        usleep(20000);
    }
    return true;
}
if (!preg_match('/^(\d{3})(?:@(\d+))?$/', $answer, $m)) {
    http_response_code(599);
    echo "bad plan entry $answer";
    return true;
}
if (isset($m[2])) {
    usleep(1000 * (int) $m[2]);
}
http_response_code((int) $m[1]);
header('Content-Type: application/json');
header('X-Capture-Seq: ' . $record['seq']);
echo json_encode(['seq' => $record['seq'], 'status' => (int) $m[1]]);
return true;
