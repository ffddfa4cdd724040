<?php
/**
 * HTTPS endpoint with a self-signed certificate, for SecurityTest: `php -n tls-server.php <port> <dir>`.
 * Generates a key and a certificate for 127.0.0.1 (not signed by any trusted CA), then serves
 * Configs::split() to every request completing the TLS handshake. Appends to <dir>/tls.log one JSON
 * line per connection: {"handshake": bool, "request": first request line or null, "authorization": bool}.
 */

require_once __DIR__ . '/../lib/Configs.php';

[, $port, $dir] = $argv;
$key = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
$csr = openssl_csr_new(['commonName' => '127.0.0.1'], $key);
$cert = openssl_csr_sign($csr, null, $key, 1);
openssl_x509_export($cert, $certPem);
openssl_pkey_export($key, $keyPem);
file_put_contents("$dir/tls.pem", $certPem . $keyPem);
$context = stream_context_create(['ssl' => ['local_cert' => "$dir/tls.pem", 'verify_peer' => false]]);
$server = stream_socket_server("tcp://127.0.0.1:$port", $errno, $errstr, STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, $context);
if ($server === false) {
    fwrite(STDERR, "cannot listen: $errstr\n");
    exit(1);
}
$body = json_encode(\ConvertSdk\Tests\Reliability\Configs::split());
while (true) {
    $conn = @stream_socket_accept($server, -1);
    if ($conn === false) {
        continue;
    }
    stream_set_timeout($conn, 5);
    $handshake = @stream_socket_enable_crypto($conn, true, STREAM_CRYPTO_METHOD_TLS_SERVER) === true;
    $head = $handshake ? (string) @fread($conn, 65536) : '';
    file_put_contents("$dir/tls.log", json_encode([
        'handshake' => $handshake,
        'request' => $head === '' ? null : strtok($head, "\r\n"),
        'authorization' => stripos($head, "\nauthorization:") !== false,
    ]) . "\n", FILE_APPEND);
    if ($head !== '') {
        @fwrite($conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " . strlen($body) . "\r\nConnection: close\r\n\r\n$body");
    }
    @fclose($conn);
}
