<?php

/**
 * The demo's tracking collector: the SDK sends its tracking requests (POST …/collect.php/track/{account}/{project})
 * here instead of to Convert, and this appends each JSON body as one line to tracking.log.
 */

declare(strict_types=1);

require __DIR__ . '/lib.php';

header('Content-Type: application/json');
if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    http_response_code(405);
    echo '{"error":"POST only"}';
    return;
}
$payload = json_decode((string) file_get_contents('php://input'), true);
if (!is_array($payload)) {
    http_response_code(400);
    echo '{"error":"JSON object expected"}';
    return;
}
file_put_contents(demo_dir() . '/tracking.log', json_encode($payload) . "\n", FILE_APPEND | LOCK_EX);
echo '{}';
