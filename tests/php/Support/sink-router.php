<?php
// Router for `php -S`: accepts tracking POSTs (200, empty JSON object) and answers everything else with 404.
header('Content-Type: application/json');
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    http_response_code(200);
    echo '{}';
    return true;
}
http_response_code(404);
echo '{"error":"not found"}';
return true;
