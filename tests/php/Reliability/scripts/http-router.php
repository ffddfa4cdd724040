<?php
/**
 * Router of HttpServer (`php -n -S 127.0.0.1:<port> http-router.php`, state directory in $HTTP_TEST_DIR).
 * Every request is appended to requests.log (method, path, lower-case headers, time). Behaviour by path:
 *   /ok/…                  200, Configs::split()
 *   /big/<bytes>/…         200, Configs::split() padded to <bytes> bytes, with Content-Length
 *   /bigchunked/<bytes>/…  the same without Content-Length (chunked transfer encoding)
 *   /loop/…                302 to the same URL, forever
 *   /to/<base64url>/…      302 to the decoded absolute URL
 *   POST anything          200 {}
 */

$dir = getenv('HTTP_TEST_DIR');
$path = (string) parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$headers = array_change_key_case(getallheaders(), CASE_LOWER);
file_put_contents("$dir/requests.log", json_encode([
    'method' => $_SERVER['REQUEST_METHOD'], 'path' => $path, 'headers' => $headers, 'time' => microtime(true),
]) . "\n", FILE_APPEND | LOCK_EX);

require_once __DIR__ . '/../lib/Configs.php';
$config = substr(json_encode(\ConvertSdk\Tests\Reliability\Configs::split()), 0, -1); // without the closing brace
$parts = explode('/', ltrim($path, '/'));
header('Content-Type: application/json');
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    echo '{}';
    return true;
}
switch ($parts[0]) {
    case 'ok':
        echo $config . '}';
        break;
    case 'big':
    case 'bigchunked':
        $size = (int) ($parts[1] ?? 0);
        $head = $config . ',"pad":"';
        $padding = max(0, $size - strlen($head) - 2);
        if ($parts[0] === 'big') {
            header('Content-Length: ' . ($size));
        }
        echo $head;
        $chunk = str_repeat('x', 1 << 16);
        for ($left = $padding; $left > 0; $left -= strlen($chunk)) {
            echo substr($chunk, 0, min($left, strlen($chunk)));
            flush();
            if (connection_aborted()) {
                return true;
            }
        }
        echo '"}';
        break;
    case 'loop':
        header('Location: ' . $_SERVER['REQUEST_URI'], true, 302);
        break;
    case 'to':
        $target = base64_decode(strtr($parts[1] ?? '', '-_', '+/'));
        header('Location: ' . $target, true, 302);
        break;
    default:
        http_response_code(404);
        echo '{}';
}
return true;
