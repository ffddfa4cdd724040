<?php

namespace ConvertSdk\Tests\Reliability;

use ConvertSdk\ConvertSDK;
use ConvertSdk\Exception\ConfigFetchException;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\HttpSink;
use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * Security (issue 8) beyond the RemoteConfig and Events suites: the secret in debug_zval_dump(),
 * Reflection, phpinfo(), exception traces of create() and tracking failures; TLS certificates verified;
 * only http(s) endpoints;
 * response size and redirect caps (and no Bearer token sent to a redirect target); regexMatches rules
 * with catastrophic-backtracking patterns; store keys that cannot collide across projects or crafted ids.
 */
final class SecurityTest extends ReliabilityTestCase
{
    private const SECRET = 'sk-reliability-0d9f3c7a51e2';

    private static ?HttpServer $server = null;
    private static ?HttpServer $other = null;

    public static function setUpBeforeClass(): void
    {
        self::$server = HttpServer::launch(self::classDir() . '/a');
        self::$other = HttpServer::launch(self::classDir() . '/b');
    }

    public static function tearDownAfterClass(): void
    {
        self::$server?->stop();
        self::$other?->stop();
        self::$server = self::$other = null;
        self::removeClassDir();
    }

    protected function setUp(): void
    {
        self::$server->reset();
        self::$other->reset();
    }

    /** create() in sdkKey mode against $configEndpoint: [sdk, ready error or null, seconds]. */
    private static function fetch(string $configEndpoint, array $extra = []): array
    {
        $start = microtime(true);
        $sdk = ConvertSDK::create($extra + ['sdkKey' => 'k' . bin2hex(random_bytes(4)), 'sdkKeySecret' => self::SECRET,
            'api' => ['endpoint' => ['config' => $configEndpoint, 'track' => HttpSink::url()]]]);
        $seconds = microtime(true) - $start;
        $error = null;
        $sdk->on('ready', static function ($args, $err) use (&$error): void {
            $error = $err;
        });
        return [$sdk, $error, $seconds];
    }

    private static function b64(string $s): string
    {
        return rtrim(strtr(base64_encode($s), '+/', '-_'), '=');
    }

    // ---- sdkKeySecret ---------------------------------------------------------------------------------

    public function testSecretIsInNoDumpReflectionOrPhpinfo(): void
    {
        $logger = new RecordingLogger();
        [$sdk] = self::fetch(self::$server->url() . '/ok', ['logger' => $logger->option()]);
        $this->assertTrue($sdk->isReady());
        $this->assertSame('Bearer ' . self::SECRET, self::$server->requests()[0]['headers']['authorization'] ?? null, 'the secret was used');
        $context = $sdk->createContext('v');
        $texts = [];
        foreach (['sdk' => $sdk, 'context' => $context] as $name => $object) {
            ob_start();
            debug_zval_dump($object);
            $texts["debug_zval_dump($name)"] = ob_get_clean();
            $texts["get_object_vars($name)"] = print_r(get_object_vars($object), true);
            $reflection = new \ReflectionObject($object);
            $props = [];
            foreach ($reflection->getProperties() as $p) {
                $p->setAccessible(true);
                $props[$p->getName()] = $p->isInitialized($object) ? $p->getValue($object) : null;
            }
            $texts["reflection($name)"] = print_r($props, true) . print_r($reflection->getConstants(), true);
            try {
                $texts["serialize($name)"] = serialize($object);
            } catch (\Throwable $e) {
                $texts["serialize($name)"] = (string) $e;
            }
        }
        ob_start();
        phpinfo();
        $texts['phpinfo()'] = ob_get_clean();
        $texts['ini'] = print_r(ini_get_all(null, false), true);
        $texts['logs'] = print_r($logger->records, true);
        foreach ($texts as $label => $text) {
            $this->assertStringNotContainsString(self::SECRET, $text, "the secret appears in $label");
        }
    }

    public function testSecretIsNotInTheTraceOfExceptionsThrownByCreate(): void
    {
        $ignoreArgs = ini_set('zend.exception_ignore_args', '0');
        $dumps = [];
        try {
            foreach ([['environment' => 5], ['sdkKey' => 7], ['data' => 'x'], []] as $bad) {
                try {
                    ConvertSDK::create($bad + ['sdkKeySecret' => self::SECRET]);
                    $this->fail('no exception for ' . json_encode($bad));
                } catch (\InvalidArgumentException $e) {
                    ob_start();
                    var_dump($e);
                    $dumps[] = ob_get_clean() . $e . print_r($e->getTrace(), true);
                }
            }
        } finally {
            ini_set('zend.exception_ignore_args', $ignoreArgs);
        }
        foreach ($dumps as $dump) {
            $this->assertStringNotContainsString(self::SECRET, $dump);
        }
    }

    public function testSecretIsNotInTrackingFailureLogsOrEvents(): void
    {
        $logger = new RecordingLogger();
        $sdk = ConvertSDK::create(Configs::options(Configs::split(), 'http://127.0.0.1:' . \ConvertSdk\Tests\Support\LocalServer::freePort(),
            ['sdkKeySecret' => self::SECRET, 'logger' => $logger->option()]));
        $released = [];
        $sdk->on('api.queue.released', static function ($args, $err) use (&$released): void {
            $released[] = print_r($args, true) . ($err === null ? '' : (string) $err);
        });
        $sdk->createContext('t')->runExperience('split', ['locationProperties' => Configs::LOCATION]);
        $sdk->flush();
        $this->assertCount(1, $released);
        $this->assertNotEmpty($logger->errors() + array_filter($logger->records, static fn ($r) => $r[0] === 'warning'), 'the failure was logged');
        $this->assertStringNotContainsString(self::SECRET, $released[0] . print_r($logger->records, true));
    }

    // ---- endpoints ------------------------------------------------------------------------------------

    public static function foreignSchemes(): array
    {
        return [
            'file' => ['file:///etc'], 'FILE uppercase' => ['FILE:///etc'], 'gopher' => ['gopher://127.0.0.1:70/'],
            'ftp' => ['ftp://127.0.0.1/'], 'php stream' => ['php://filter/resource=/etc'], 'data' => ['data:text/plain,{}'],
            'dict' => ['dict://127.0.0.1:11211/'], 'no scheme' => ['//127.0.0.1:9'], 'leading space' => [' http://127.0.0.1:9'],
        ];
    }

    /** @dataProvider foreignSchemes */
    public function testOnlyHttpAndHttpsConfigEndpointsAreRequested(string $endpoint): void
    {
        [$sdk, $error, $seconds] = self::fetch($endpoint);
        $this->assertFalse($sdk->isReady());
        $this->assertInstanceOf(ConfigFetchException::class, $error);
        $this->assertStringContainsString('only http and https', $error->getMessage());
        $this->assertLessThan(0.5, $seconds, 'refused before any I/O');
    }

    /**
     * TLS certificates are verified by default: a self-signed certificate fails the handshake, so no
     * request (and no Bearer token) is sent; the server itself works for a client that does not verify.
     */
    public function testSelfSignedCertificateIsRefusedBeforeAnyRequestIsSent(): void
    {
        $dir = $this->tempDir('tls');
        $port = \ConvertSdk\Tests\Support\LocalServer::freePort();
        $cmd = [PHP_BINARY, '-n', self::SCRIPTS . '/tls-server.php', (string) $port, $dir];
        $null = ['file', '/dev/null', 'w'];
        $server = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => $null, 2 => ['file', "$dir/err", 'w']], $pipes);
        try {
            for ($i = 0; $i < 300 && !is_file("$dir/tls.pem"); $i++) {
                usleep(10000);
            }
            usleep(50000);
            $insecure = stream_context_create(['ssl' => ['verify_peer' => false, 'verify_peer_name' => false]]);
            $served = @file_get_contents("https://127.0.0.1:$port/config/x", false, $insecure);
            $this->assertSame(Configs::split(), json_decode((string) $served, true), 'the server answers a non-verifying client: ' . @file_get_contents("$dir/err"));

            [$sdk, $error] = self::fetch("https://127.0.0.1:$port");
            $this->assertFalse($sdk->isReady());
            $this->assertInstanceOf(ConfigFetchException::class, $error);
            $this->assertStringContainsString('certificate', strtolower($error->getMessage()));
            for ($i = 0; $i < 200 && count(file("$dir/tls.log")) < 2; $i++) {
                usleep(10000); // the server logs the aborted handshake when it sees the close
            }
            $log = array_map(static fn (string $l): array => json_decode($l, true), file("$dir/tls.log", FILE_IGNORE_NEW_LINES));
            $this->assertCount(2, $log);
            $this->assertSame(['handshake' => false, 'request' => null, 'authorization' => false], $log[1], 'nothing was sent');
        } finally {
            proc_terminate($server, 9);
            proc_close($server);
        }
    }

    public function testFileTrackingEndpointWritesNothing(): void
    {
        $dir = $this->tempDir('track');
        $logger = new RecordingLogger();
        $sdk = ConvertSDK::create(Configs::options(Configs::split(), "file://$dir", ['logger' => $logger->option()]));
        $sdk->createContext('t')->runExperience('split', ['locationProperties' => Configs::LOCATION]);
        $sdk->flush();
        $this->assertSame([], array_values(array_diff(scandir($dir), ['.', '..'])), 'nothing was written under the file:// endpoint');
        $this->assertStringContainsString('only http and https', print_r($logger->records, true));
    }

    public static function oversized(): array
    {
        return ['20 MB with Content-Length' => ['big'], '20 MB chunked, no length' => ['bigchunked']];
    }

    /** @dataProvider oversized */
    public function testOversizedConfigIsRejectedInBoundedTime(string $path): void
    {
        [$sdk, $error, $seconds] = self::fetch(self::$server->url() . "/$path/" . (20 << 20));
        $this->assertFalse($sdk->isReady());
        $this->assertInstanceOf(ConfigFetchException::class, $error);
        $this->assertStringContainsString('larger than', $error->getMessage());
        $this->assertLessThan(3.0, $seconds);
        [$sdk] = self::fetch(self::$server->url() . "/$path/" . (15 << 20));
        $this->assertTrue($sdk->isReady(), 'a 15 MB config is under the 16 MiB cap');
    }

    public function testRedirectLoopIsCutAfterThreeRedirects(): void
    {
        [$sdk, $error, $seconds] = self::fetch(self::$server->url() . '/loop');
        $this->assertFalse($sdk->isReady());
        $this->assertInstanceOf(ConfigFetchException::class, $error);
        $this->assertCount(4, self::$server->requests(), 'the request and 3 redirects');
        $this->assertLessThan(2.0, $seconds);
    }

    public function testRedirectTargetNeverReceivesTheBearerToken(): void
    {
        $target = self::$other->url() . '/ok/config/k';
        [$sdk] = self::fetch(self::$server->url() . '/to/' . self::b64($target));
        $this->assertTrue($sdk->isReady(), 'one redirect is followed');
        $this->assertSame('Bearer ' . self::SECRET, self::$server->requests()[0]['headers']['authorization'] ?? null);
        $this->assertCount(1, self::$other->requests());
        $this->assertArrayNotHasKey('authorization', self::$other->requests()[0]['headers'], 'the token does not follow the redirect');
    }

    public function testRedirectToAFileUrlReadsNoFile(): void
    {
        [$sdk, $error] = self::fetch(self::$server->url() . '/to/' . self::b64('file:///etc/hostname'));
        $this->assertFalse($sdk->isReady());
        $this->assertInstanceOf(ConfigFetchException::class, $error);
        $hostname = trim((string) @file_get_contents('/etc/hostname'));
        if ($hostname !== '') {
            $this->assertStringNotContainsString($hostname, $error->getMessage());
        }
    }

    // ---- catastrophic regexMatches rules -----------------------------------------------------------------

    public static function pathologicalPatterns(): array
    {
        return [
            'nested quantifier (a+)+$' => ['(a+)+$', str_repeat('a', 5000) . 'b'],
            'nested quantifier, short subject' => ['(a+)+$', str_repeat('a', 40) . 'b'],
            'alternation (a|aa)+$' => ['(a|aa)+$', str_repeat('a', 60) . 'b'],
            'words ^(\w+\s?)*$' => ['^(\w+\s?)*$', str_repeat('word ', 400) . '!'],
            '(x+x+)+[yz]' => ['(x+x+)+[yz]', str_repeat('x', 3000)],
            'optional alternation ^(a|a?)+$' => ['^(a|a?)+$', str_repeat('a', 50) . 'b'],
            'back-references' => ['(.*)(.*)(.*)\1\2\3[xz]', str_repeat('ab', 1500)],
            'recursion (?R)?' => ['(a(?R)?)+$', str_repeat('a', 3000) . 'b'],
            'pattern raising its own limit' => ['(*LIMIT_MATCH=4000000000)(a+)+$', str_repeat('a', 200) . 'b'],
        ];
    }

    /**
     * An audience rule `regexMatches` with a catastrophic pattern decides in bounded time, and a hit
     * match limit makes the item false whatever `negated` says (fail closed, README).
     *
     * @dataProvider pathologicalPatterns
     */
    public function testPathologicalRegexRulesDecideInBoundedTime(string $pattern, string $subject): void
    {
        $this->assertFalse(@preg_match('/' . str_replace('/', '\/', $pattern) . '/i', strtolower($subject)),
            'PHP itself stops this pattern at a PCRE limit (the pattern is catastrophic)');
        foreach ([false, true] as $negated) {
            $sdk = ConvertSDK::create(Configs::options(Configs::gated('text', 'regexMatches', $pattern, $negated), HttpSink::url()));
            $start = microtime(true);
            for ($i = 0; $i < 20; $i++) {
                $variation = $sdk->createContext("re-$i", ['text' => $subject])->runExperience('gated', ['locationProperties' => Configs::LOCATION]);
                $this->assertNull($variation, 'no match, and a hit limit is not negated');
            }
            $this->assertLessThan(5.0, microtime(true) - $start, "20 decisions with /$pattern/ (negated: " . var_export($negated, true) . ')');
        }
    }

    public function testNegatedRegexStillMatchesWhenThePatternFailsQuickly(): void
    {
        $sdk = ConvertSDK::create(Configs::options(Configs::gated('text', 'regexMatches', '(a+)+$', true), HttpSink::url()));
        $variation = $sdk->createContext('quick', ['text' => 'aaab'])->runExperience('gated', ['locationProperties' => Configs::LOCATION]);
        $this->assertSame('70031', $variation?->variationId, 'a plain non-match is negated as usual');
    }

    // ---- store keys -------------------------------------------------------------------------------------

    public function testStoreKeysOfDifferentProjectsNeverCollide(): void
    {
        $store = new ArrayDataStore();
        $projects = [['100123', '100456'], ['100123', '100457'], ['100124', '100456'], ['10012', '3100456'], ['1001234', '100456']];
        $visitor = 'shared-visitor';
        $writes = [];
        foreach ($projects as [$account, $project]) {
            $config = Configs::split();
            $config['account_id'] = $account;
            $config['project']['id'] = $project;
            $before = array_keys($store->values);
            $sdk = ConvertSDK::create(Configs::options($config, HttpSink::url(), ['dataStore' => $store]));
            $sdk->createContext($visitor)->runExperience('split', ['locationProperties' => Configs::LOCATION]);
            $writes["$account/$project"] = array_values(array_diff(array_keys($store->values), $before));
        }
        foreach ($writes as $label => $keys) {
            $this->assertCount(1, $keys, "project $label wrote its own new key");
        }
    }

    public function testDataOfOneProjectIsNotServedInAnother(): void
    {
        $store = new ArrayDataStore();
        $visitor = self::visitorMovedByReweighting();
        $a = ConvertSDK::create(Configs::options(Configs::split(), HttpSink::url(), ['dataStore' => $store]));
        $stored = $a->createContext($visitor)->runExperience('split', ['locationProperties' => Configs::LOCATION])?->variationId;
        $other = Configs::split([5, 5, 90]);
        $other['project']['id'] = '100457';
        $b = ConvertSDK::create(Configs::options($other, HttpSink::url(), ['dataStore' => $store]));
        $this->assertSame(Configs::expectedSplit($visitor, [5, 5, 90]),
            $b->createContext($visitor)->runExperience('split', ['locationProperties' => Configs::LOCATION])?->variationId);
        $this->assertNotSame($stored, Configs::expectedSplit($visitor, [5, 5, 90]));
    }

    /**
     * Ids an attacker controls (cookies): separators, reserved PSR-16 characters, the digest marker, a
     * digest of another id, case and width variants, ids equal up to the 64-byte limit, invalid UTF-8.
     * Every id gets its own key and sees only its own data.
     */
    public function testCraftedVisitorIdsNeverShareAKey(): void
    {
        $store = new ArrayDataStore();
        $sdk = ConvertSDK::create(Configs::options(Configs::split(), HttpSink::url(), ['dataStore' => $store]));
        $long = str_repeat('y', 60);
        $ids = ['x', 'X', 'ｘ', '-x', 'x-', '100456-x', '100123-100456-x', '_x', 'a:b', 'a/b', 'a\\b', 'a{b}', '', ' x', 'x ',
            "a\x00b", "a\x00c", "a\xffb", "a\xfeb", "\xc3", "\xc4", $long . '1', $long . '2', $long . '11', str_repeat('z', 1 << 16) . 'a',
            str_repeat('z', 1 << 16) . 'b'];
        $ids[] = '_' . substr(hash('sha256', 'a:b'), 0, 40); // looks like the digest form of 'a:b'
        $ids = array_values(array_filter($ids, 'strlen'));
        $keys = [];
        foreach ($ids as $i => $id) {
            $before = array_keys($store->values);
            $context = $sdk->createContext($id);
            $context->trackConversion('none'); // unknown goal: a read, no write
            $context->setDefaultSegments(['country' => "c$i"]);
            $new = array_values(array_diff(array_keys($store->values), $before));
            $keys[bin2hex($id)] = $new[0] ?? 'reused an existing key';
        }
        $this->assertSame(count($ids), count(array_unique($keys)), 'one key per id: '
            . json_encode(array_count_values($keys), JSON_INVALID_UTF8_SUBSTITUTE | JSON_UNESCAPED_UNICODE | JSON_PRETTY_PRINT));
        foreach ($ids as $i => $id) {
            $this->assertSame("c$i", $sdk->createContext($id)->getVisitorData()['segments']['country'] ?? null, 'own data for ' . bin2hex($id));
        }
    }

    private static function visitorMovedByReweighting(): string
    {
        for ($i = 0; ; $i++) {
            if (Configs::expectedSplit("mv-$i") !== Configs::expectedSplit("mv-$i", [5, 5, 90])) {
                return "mv-$i";
            }
        }
    }
}
