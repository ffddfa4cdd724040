<?php

namespace ConvertSdk\Tests\Packaging;

use ConvertSdk\Tests\Packaging\Support\ExpectedBucketing;
use ConvertSdk\Tests\Packaging\Support\Process;
use ConvertSdk\Tests\Support\CaptureServer;
use ConvertSdk\Tests\Support\ConfigServer;
use ConvertSdk\Tests\Support\RedisServer;
use PHPUnit\Framework\TestCase;

/**
 * Runs every runnable example under examples/ as its own PHP process (one process = one request) and
 * checks its decisions against the bucketing computed independently from the spec.
 */
final class ExamplesTest extends TestCase
{
    private const EXAMPLES = __DIR__ . '/../../../examples';

    private string $tmp;

    private array $config;

    protected function setUp(): void
    {
        $this->tmp = sys_get_temp_dir() . '/convert-sdk-examples-' . bin2hex(random_bytes(4));
        mkdir($this->tmp, 0700, true);
        $this->config = ExpectedBucketing::examplesConfig();
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->tmp));
    }

    public function testEveryExampleAndDemoFileIsValidPhp(): void
    {
        $files = [...glob(self::EXAMPLES . '/*.php'), ...glob(self::EXAMPLES . '/*/*.php'),
            ...glob(self::EXAMPLES . '/*/*/*.php'), ...glob(__DIR__ . '/../../../demo/*.php')];
        $this->assertGreaterThanOrEqual(10, count($files));
        foreach ($files as $file) {
            [$code, $out] = Process::run([PHP_BINARY, '-n', '-l', $file]);
            $this->assertSame(0, $code, $out);
        }
    }

    public function testQuickstartDecidesTracksAndFlushes(): void
    {
        $capture = CaptureServer::launch($this->tmp . '/capture');
        try {
            $out = $this->runExample(['plain-php/quickstart.php', 'alice'], ['TRACK_ENDPOINT' => $capture->url() . '/v1']);
            $requests = $capture->waitForRequests(1);
        } finally {
            $capture->stop();
        }

        $experience = $this->config['experiences'][0];
        $expected = ExpectedBucketing::variation($experience, 'alice');
        $this->assertStringContainsString("experience checkout-button: {$expected['key']} (variation {$expected['id']})", $out);
        $variables = ExpectedBucketing::castVariables($expected, $this->config['features']);
        $features = implode('', array_map(static fn ($n, $v) => " $n=" . var_export($v, true), array_keys($variables), $variables));
        $this->assertStringContainsString("feature checkout-button-style: enabled$features\n", $out);
        $this->assertStringContainsString("conversion purchase: accepted\n", $out);

        // flush() sent one request: the bucketing event, then the conversion and the transaction events of
        // the first conversion with goal data (spec §7.2, §7.3, §7.6).
        $this->assertCount(1, $requests);
        $this->assertSame('/v1/track/10001/20001', $requests[0]['uri']);
        $body = json_decode($requests[0]['body'], true);
        $this->assertSame('alice', $body['visitors'][0]['visitorId']);
        $bucketingData = ['30001' => $expected['id']];
        $this->assertSame([
            ['eventType' => 'bucketing', 'data' => ['experienceId' => '30001', 'variationId' => $expected['id']]],
            ['eventType' => 'conversion', 'data' => ['goalId' => '50001', 'bucketingData' => $bucketingData]],
            ['eventType' => 'conversion', 'data' => [
                'goalId' => '50001',
                'goalData' => [['key' => 'amount', 'value' => 49.99], ['key' => 'transactionId', 'value' => 'T-alice']],
                'bucketingData' => $bucketingData,
            ]],
        ], $body['visitors'][0]['events']);
    }

    public function testCustomDataStoreKeepsTheDecisionAcrossProcesses(): void
    {
        $dir = $this->tmp . '/store';
        $first = $this->runExample(['plain-php/custom-data-store.php', 'bob', $dir]);
        $second = $this->runExample(['plain-php/custom-data-store.php', 'bob', $dir]);

        $expected = ExpectedBucketing::variation($this->config['experiences'][0], 'bob');
        $this->assertStringContainsString("stored before this run: none\n", $first);
        $this->assertStringContainsString("stored before this run: {$expected['id']}\n", $second);
        foreach ([$first, $second] as $out) {
            $this->assertStringContainsString("experience checkout-button: {$expected['key']} (variation {$expected['id']})", $out);
        }
        // The value written is the StoreData of spec §6.3, under the store key of §6.2.
        $stored = json_decode((string) file_get_contents("$dir/10001-20001-bob.json"), true);
        $this->assertSame(['bucketing', 'locations', 'segments', 'goals'], array_keys($stored));
        $this->assertSame(['30001' => $expected['id']], $stored['bucketing']);
    }

    public function testSymfonyWiringKeepsConfigAndDecisionsInRedis(): void
    {
        $redis = RedisServer::launch($this->tmp . '/redis');
        $configServer = ConfigServer::launch($this->tmp . '/config');
        try {
            $configServer->serve($this->config);
            $env = [
                'REDIS_URL' => $redis->dsn(),
                'CONVERT_SDK_KEY' => '10001/20001',
                'CONFIG_ENDPOINT' => $configServer->url(),
            ];
            $runs = [];
            foreach (['carol', 'carol', 'dave'] as $visitor) {
                $runs[] = [$visitor, $this->runExample(['symfony/run.php', $visitor], $env, ['ctype', 'redis'])];
            }
            $fetches = $configServer->fetchCount();
            $keys = $this->redisKeys($redis->port());
        } finally {
            $configServer->destroy();
            $redis->stop();
        }

        foreach ($runs as [$visitor, $out]) {
            $variables = ExpectedBucketing::variation($this->config['experiences'][0], $visitor)['changes'][0]['data']['variables_data'];
            $this->assertSame(
                sprintf('<button style="background:%s;font-size:%dpx">%s</button>', $variables['color'], $variables['size'], $variables['label']) . "\n",
                $out,
            );
        }
        // Only the first process fetched the config; the others read it from Redis (spec §3.2).
        $this->assertSame(1, $fetches);
        $this->assertContains('convert_sdk:10001-20001-carol', $keys);
        $this->assertContains('convert_sdk:10001-20001-dave', $keys);
        $this->assertContains('convert_sdk:convert_sdk.config.' . substr(hash('sha256', '10001/20001'), 0, 16), $keys);
    }

    public function testLaravelMiddlewareSetsACookieAndKeepsTheVisitorsVariation(): void
    {
        $env = ['CONVERT_CACHE_DIR' => $this->tmp . '/cache'];
        $first = $this->runExample(['laravel/run.php'], $env);
        $this->assertSame(1, preg_match('/^set-cookie: convert_visitor=([0-9a-f]{16})$/m', $first, $m), $first);
        $visitorId = $m[1];
        $second = $this->runExample(['laravel/run.php', $visitorId], $env);

        $expected = ExpectedBucketing::variation($this->config['experiences'][0], $visitorId);
        $this->assertStringContainsString("visitor: $visitorId (new, cookie set)\ncheckout-button: {$expected['key']}\n", $first);
        $this->assertSame("visitor: $visitorId (returning)\ncheckout-button: {$expected['key']}\n", $second);
        $this->assertNotEmpty(glob($this->tmp . '/cache/convert_sdk/*'), 'the decision was written to the filesystem cache');
    }

    /**
     * Runs examples/<$args[0]> with the remaining arguments; asserts exit code 0 and no stderr output.
     *
     * @param list<string> $args
     * @param array<string, string> $env
     * @param list<string> $extensions
     */
    private function runExample(array $args, array $env = [], array $extensions = []): string
    {
        $args[0] = self::EXAMPLES . '/' . $args[0];
        [$code, $out, $err] = Process::run([...Process::php($extensions), ...$args], $env);
        $this->assertSame(0, $code, "exit code of {$args[0]}:\n$out\n$err");
        $this->assertSame('', $err, "stderr of {$args[0]}");
        return $out;
    }

    /** @return list<string> every key in the Redis server on $port */
    private function redisKeys(int $port): array
    {
        $redis = new \Redis();
        $redis->connect('127.0.0.1', $port);
        return $redis->keys('*');
    }
}
