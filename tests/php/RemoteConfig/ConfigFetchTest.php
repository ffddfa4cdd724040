<?php

use ConvertSdk\ConvertSDK;
use ConvertSdk\Exception\ConfigFetchException;
use ConvertSdk\Exception\ConfigValidationException;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\RemoteConfig\ConfigServerTestCase;
use ConvertSdk\Tests\RemoteConfig\RemoteConfigs;
use ConvertSdk\Tests\Support\HttpSink;
use ConvertSdk\Tests\Support\MemoryCache;
use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * sdkKey mode against a real HTTP server on 127.0.0.1 (spec §3.1, §3.3, §1.2.1, §1.2.2): the request
 * (URL, query, headers), the failures delivered as the `ready` error, the timeouts, and the secret
 * never leaking. Every test uses its own endpoint path, so the process-wide config cache of one test
 * never answers for another.
 */
final class ConfigFetchTest extends ConfigServerTestCase
{
    private const SECRET = 'sk-TOPSECRET-7f3a9c';

    /** The one `ready` error of $sdk (listeners registered after create() get the deferred event). */
    private static function readyError(CoreInterface $sdk): ?\Throwable
    {
        $calls = [];
        $sdk->on('ready', function ($args, $err) use (&$calls): void {
            $calls[] = [$args, $err];
        });
        self::assertCount(1, $calls, 'ready fires exactly once');
        self::assertSame([], $calls[0][0], 'ready args');
        return $calls[0][1];
    }

    private function assertNotReady(CoreInterface $sdk): void
    {
        $this->assertFalse($sdk->isReady());
        $this->assertFalse($sdk->onReady());
        $this->assertNull($sdk->createContext('visitor-1'));
    }

    // -----------------------------------------------------------------------------------------
    // the request

    public function testRequestCarriesPathEnvironmentLowCacheBearerAndContentType(): void
    {
        $sdk = $this->create([
            'environment' => 'staging env/é',
            'sdkKeySecret' => self::SECRET,
            'network' => ['cacheLevel' => 'low'],
        ]);

        $requests = self::$server->requests($this->prefix);
        $this->assertCount(1, $requests);
        [$request] = $requests;
        $this->assertSame('GET', $request['method']);
        $this->assertSame($this->prefix . '/api/v1/config/100123/100456', $request['path']);
        $this->assertSame('environment=staging+env%2F%C3%A9&_conv_low_cache=1', $request['query']);
        $this->assertSame('Bearer ' . self::SECRET, $request['headers']['authorization'] ?? null);
        $this->assertSame('application/json', $request['headers']['content-type'] ?? null);
        $this->assertNull(self::readyError($sdk));
        $this->assertTrue($sdk->isReady());
        $this->assertSame('v1', self::decide($sdk));
    }

    public function testNoBearerWithoutSecretNoLowCacheByDefaultAndTrailingSlashTrimmed(): void
    {
        $this->create();
        $this->create(['environment' => 'qa', 'sdkKeySecret' => '', 'network' => ['cacheLevel' => 'default']]);
        $this->endpoint .= '/';
        $this->create(['environment' => 'slash']);

        $requests = self::$server->requests($this->prefix);
        $this->assertSame(
            ['environment=production', 'environment=qa', 'environment=slash'],
            array_column($requests, 'query')
        );
        foreach ($requests as $request) {
            $this->assertSame($this->prefix . '/api/v1/config/100123/100456', $request['path']);
            $this->assertArrayNotHasKey('authorization', $request['headers']);
            $this->assertSame('application/json', $request['headers']['content-type'] ?? null);
        }
    }

    public function testConfigEndpointEnvironmentVariableIsTheDefaultAndTheOptionOverridesIt(): void
    {
        $saved = getenv('CONFIG_ENDPOINT');
        try {
            putenv('CONFIG_ENDPOINT=' . $this->endpoint . '/from-env');
            $fromEnv = ConvertSDK::create([
                'sdkKey' => self::SDK_KEY,
                'network' => ['tracking' => false],
                'api' => ['endpoint' => ['track' => HttpSink::url() . '/track-sink']],
            ]);
            $this->create(['environment' => 'explicit']);
        } finally {
            putenv($saved === false ? 'CONFIG_ENDPOINT' : "CONFIG_ENDPOINT=$saved");
        }
        $this->assertTrue($fromEnv->isReady());
        $this->assertSame(
            [$this->prefix . '/api/v1/from-env/config/100123/100456', $this->prefix . '/api/v1/config/100123/100456'],
            array_column(self::$server->requests($this->prefix), 'path')
        );
    }

    // -----------------------------------------------------------------------------------------
    // no config at all (§3.3)

    public static function errorStatuses(): array
    {
        return ['404' => [404], '500' => [500], '503' => [503]];
    }

    /** @dataProvider errorStatuses */
    public function testHttpErrorStatusIsAConfigFetchExceptionWithThatStatus(int $status): void
    {
        self::$server->setMode("status:$status");
        $sdk = $this->create(['sdkKeySecret' => self::SECRET]);

        $error = self::readyError($sdk);
        $this->assertSame(ConfigFetchException::class, get_class($error));
        $this->assertSame($status, $error->getStatusCode());
        $this->assertSame($status, $error->getCode());
        $this->assertSame($this->endpoint, $error->getUrl());
        $this->assertSame("Config fetch failed: HTTP $status from {$this->endpoint}/config/100123/100456", $error->getMessage());
        $this->assertStringNotContainsString(self::SECRET, (string) $error);
        $this->assertNotReady($sdk);
        $this->assertSame(1, self::$server->fetchCount($this->prefix), 'no retry within one create()');
    }

    public static function invalidBodies(): array
    {
        $missingAccount = "Config validation failed: missing 'account_id' field";
        return [
            'not JSON' => ['{"account_id": "100123", "project": {"id": "1"', $missingAccount],
            'JSON list' => ['[1, 2, 3]', $missingAccount],
            'JSON string' => ['"config"', $missingAccount],
            'empty body' => ['', $missingAccount],
            'no project' => ['{"account_id": "100123"}', "Config validation failed: missing 'project' field"],
            'project without id' => ['{"account_id": "100123", "project": {"name": "p"}}', "Config validation failed: 'project' must contain an 'id' field"],
        ];
    }

    /** @dataProvider invalidBodies */
    public function testUnusableBodyIsAConfigValidationException(string $body, string $message): void
    {
        self::$server->serve($body);
        $sdk = $this->create();

        $error = self::readyError($sdk);
        $this->assertSame(ConfigValidationException::class, get_class($error));
        $this->assertSame($message, $error->getMessage());
        $this->assertNotReady($sdk);
    }

    public function testInvalidJsonModeIsAConfigValidationException(): void
    {
        self::$server->setMode('invalid');
        $sdk = $this->create();

        $error = self::readyError($sdk);
        $this->assertSame(ConfigValidationException::class, get_class($error));
        $this->assertSame("Config validation failed: missing 'account_id' field", $error->getMessage());
        $this->assertNotReady($sdk);
    }

    public function testRefusedConnectionIsATransportConfigFetchException(): void
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $endpoint = 'http://' . stream_socket_get_name($socket, false) . '/api/v1';
        fclose($socket); // nobody listens there any more

        $started = hrtime(true);
        $sdk = ConvertSDK::create([
            'sdkKey' => self::SDK_KEY,
            'sdkKeySecret' => self::SECRET,
            'network' => ['tracking' => false],
            'api' => ['endpoint' => ['config' => $endpoint]],
        ]);
        $seconds = (hrtime(true) - $started) / 1e9;

        $error = self::readyError($sdk);
        $this->assertSame(ConfigFetchException::class, get_class($error));
        $this->assertStringStartsWith("Failed to fetch config from $endpoint/config/100123/100456: HTTP error - ", $error->getMessage());
        $this->assertSame($endpoint, $error->getUrl());
        $this->assertSame($error->getStatusCode(), $error->getCode());
        $this->assertStringNotContainsString(self::SECRET, $error->getMessage());
        $this->assertLessThan(1.0, $seconds, 'a refused connection fails at once');
        $this->assertNotReady($sdk);
    }

    /**
     * Deliberate deviation from spec §3.2 (documented in README): a cache that throws is logged and
     * survived like every other failure of a user object; the config then comes from the CDN.
     */
    public function testCacheExceptionIsLoggedAndTheConfigIsFetched(): void
    {
        $cache = new MemoryCache([], new \RuntimeException('cache backend down'));
        $logger = new RecordingLogger();
        $sdk = $this->create(['cache' => $cache, 'logger' => $logger->option()]);

        $this->assertNull(self::readyError($sdk));
        $this->assertTrue($sdk->isReady());
        $errors = implode("\n", $logger->messages('error'));
        $this->assertStringContainsString('cache backend down', $errors);
        $this->assertSame(['get', 'set'], array_column($cache->calls, 0), 'miss, then the fetched config is cached');
        $this->assertSame(1, self::$server->fetchCount($this->prefix));
    }

    // -----------------------------------------------------------------------------------------
    // timeouts

    /** Runs create() and returns [sdk, seconds]. */
    private function timedCreate(array $extra): array
    {
        $started = hrtime(true);
        $sdk = $this->create($extra);
        return [$sdk, (hrtime(true) - $started) / 1e9];
    }

    private function assertTimedOut(CoreInterface $sdk): void
    {
        $error = self::readyError($sdk);
        $this->assertSame(ConfigFetchException::class, get_class($error));
        $this->assertStringStartsWith("Failed to fetch config from {$this->endpoint}/config/100123/100456: HTTP error - ", $error->getMessage());
        $this->assertSame($this->endpoint, $error->getUrl());
        $this->assertNotReady($sdk);
    }

    public function testHangingServerIsCutOffAtTheConfiguredTimeout(): void
    {
        self::$server->setMode('hang');
        [$sdk, $seconds] = $this->timedCreate(['network' => ['timeout' => 800, 'connectTimeout' => 300]]);

        $this->assertGreaterThanOrEqual(0.75, $seconds, 'the server really hung');
        $this->assertLessThan(0.8 + 0.4, $seconds, 'network.timeout = 800 ms bounds create()');
        $this->assertTimedOut($sdk);
        $this->assertSame(1, self::$server->fetchCount($this->prefix));
    }

    public function testBodyStalledMidwayIsCutOffAtTheConfiguredTimeout(): void
    {
        self::$server->setMode('stall');
        [$sdk, $seconds] = $this->timedCreate(['network' => ['timeout' => 600]]);

        $this->assertGreaterThanOrEqual(0.55, $seconds);
        $this->assertLessThan(0.6 + 0.4, $seconds, 'the total timeout also covers reading the body');
        $this->assertTimedOut($sdk);
    }

    public function testHangingServerIsCutOffAtTheDefaultFiveSeconds(): void
    {
        self::$server->setMode('hang');
        [$sdk, $seconds] = $this->timedCreate([]);

        $this->assertGreaterThanOrEqual(4.9, $seconds);
        $this->assertLessThan(5.0 + 0.6, $seconds, 'default network.timeout is 5000 ms');
        $this->assertTimedOut($sdk);
    }

    public function testUnansweredConnectIsCutOffAtTheConnectTimeout(): void
    {
        // A listener with a backlog of 0 that never accepts: once its queue holds a connection,
        // the kernel ignores further SYNs, so connecting hangs.
        $listener = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr, STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, stream_context_create(['socket' => ['backlog' => 0]]));
        $address = stream_socket_get_name($listener, false);
        $fillers = [];
        for ($i = 0; $i < 3; $i++) {
            $fillers[] = @stream_socket_client("tcp://$address", $errno, $errstr, 0.2);
        }
        $this->endpoint = "http://$address/api/v1";
        try {
            [$sdk, $seconds] = $this->timedCreate(['network' => ['connectTimeout' => 400, 'timeout' => 4000]]);
        } finally {
            array_map(static fn ($f) => is_resource($f) && fclose($f), $fillers);
            fclose($listener);
        }

        $this->assertGreaterThanOrEqual(0.35, $seconds, 'connecting really hung');
        $this->assertLessThan(0.4 + 0.4, $seconds, 'network.connectTimeout = 400 ms bounds the connect');
        $this->assertTimedOut($sdk);
    }

    // -----------------------------------------------------------------------------------------
    // the secret never leaks

    private static function dump(mixed $value): string
    {
        ob_start();
        var_dump($value);
        return (string) ob_get_clean();
    }

    /** What users can see of $sdk, its context, its `ready` error and the logs, as labelled texts. */
    private static function observable(CoreInterface $sdk, RecordingLogger $logger): array
    {
        $texts = [
            'var_dump(sdk)' => self::dump($sdk),
            'print_r(sdk)' => print_r($sdk, true),
            'var_export(sdk)' => var_export($sdk, true),
            'json_encode(sdk)' => (string) json_encode($sdk),
            '(array) sdk' => print_r((array) $sdk, true),
            'logs' => implode("\n", array_map(static fn (array $r): string => "$r[0]: $r[1]", $logger->records)),
        ];
        $context = $sdk->createContext('visitor-1');
        if ($context !== null) {
            $texts += ['var_dump(context)' => self::dump($context), 'print_r(context)' => print_r($context, true)];
        }
        $error = self::readyError($sdk);
        if ($error !== null) {
            $texts += [
                'error message' => $error->getMessage(),
                '(string) error' => (string) $error,
                'error trace string' => $error->getTraceAsString(),
            ];
            if ($error instanceof ConfigFetchException) {
                $texts['error url'] = $error->getUrl();
            }
        }
        return $texts;
    }

    /**
     * Arguments recorded in $error's trace for frames of SDK classes (`ConvertSDK::create($options)`):
     * what var_dump($error) shows of them when zend.exception_ignore_args is off.
     */
    private static function createFrameArgs(\Throwable $error): array
    {
        $frames = array_filter($error->getTrace(), static fn (array $f): bool => str_starts_with($f['class'] ?? '', 'ConvertSdk\\'));
        return array_map(static fn (array $f): array => $f['args'] ?? [], array_values($frames));
    }

    public static function leakScenarios(): array
    {
        return ['success' => ['ok'], 'HTTP 500' => ['status:500'], 'invalid JSON' => ['invalid'], 'timeout' => ['hang']];
    }

    /** @dataProvider leakScenarios */
    public function testSecretAppearsNowhere(string $mode): void
    {
        self::$server->setMode($mode);
        $logger = new RecordingLogger();
        $sdk = $this->create([
            'sdkKeySecret' => self::SECRET,
            'logger' => $logger->option(),
            'network' => ['timeout' => 300],
        ]);

        $this->assertSame('Bearer ' . self::SECRET, self::$server->requests($this->prefix)[0]['headers']['authorization'] ?? null, 'the secret was sent');
        $this->assertSame($mode === 'ok', $sdk->isReady());
        if ($mode !== 'ok') {
            $this->assertNotEmpty($logger->messages('error'), 'the failure was logged');
        }
        foreach (self::observable($sdk, $logger) as $label => $text) {
            $this->assertFalse(str_contains($text, substr(self::SECRET, 3, 9)), "the secret appears in $label");
        }
    }

    public static function failureModes(): array
    {
        return ['HTTP 500' => ['status:500'], 'invalid JSON' => ['invalid']];
    }

    /**
     * The `ready` error is built while create($options) runs; with zend.exception_ignore_args off (PHP's
     * built-in default) its trace records that call's arguments, and var_dump($error) would print them.
     *
     * @dataProvider failureModes
     */
    public function testReadyErrorTraceDoesNotCarryTheSecret(string $mode): void
    {
        self::$server->setMode($mode);
        $ignoreArgs = ini_set('zend.exception_ignore_args', '0');
        try {
            $sdk = $this->create(['sdkKeySecret' => self::SECRET]);
        } finally {
            ini_set('zend.exception_ignore_args', $ignoreArgs);
        }

        $args = print_r(self::createFrameArgs(self::readyError($sdk)), true);
        $this->assertFalse(str_contains($args, self::SECRET), 'the secret appears in the trace arguments of the ready error');
    }
}
