<?php

namespace ConvertSdk\Tests\Tracking;

use ConvertSdk\ConvertSDK;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Support\CaptureServer;
use ConvertSdk\Tests\Support\Fixtures;
use ConvertSdk\Tests\Support\PhpFpmPool;
use ConvertSdk\Tests\Support\TemporaryDirectories;
use PHPUnit\Framework\TestCase;

/**
 * Base of the tracking tests (spec §7): a capture server per test class (plan reset to `200` before
 * each test), a temporary directory per test, SDKs in data mode over the spec §2.3 config whose
 * tracking endpoint is the capture server, and subprocess jobs (CLI) for request-end behaviour.
 */
abstract class TrackingTestCase extends TestCase
{
    use TemporaryDirectories;

    protected const ACCOUNT_ID = '100123';
    protected const PROJECT_ID = '100456';
    /** Path of every tracking POST: endpoint `{capture}/[project_id]/v1` + `/track/{account}/{project}`. */
    protected const TRACK_PATH = '/100456/v1/track/100123/100456';
    /** Location properties matching checkout-redesign's location (2001). */
    protected const CHECKOUT = ['url' => 'https://shop.example.com/checkout'];
    /** Visitor properties matching the transient audience premium-users. */
    protected const PREMIUM = ['plan' => 'premium', 'age' => 30];

    private static ?CaptureServer $capture = null;

    /** @var list<CoreInterface> */
    private array $sdks = [];

    protected function setUp(): void
    {
        self::capture()->respond('200');
    }

    /** Empties what a failed test left queued, so that no shutdown release outlives the capture server. */
    protected function tearDown(): void
    {
        if ($this->sdks !== []) {
            self::capture()->respond('200');
            foreach ($this->sdks as $sdk) {
                $sdk->flush();
            }
            $this->sdks = [];
        }
        $this->removeTempDirs();
    }

    public static function tearDownAfterClass(): void
    {
        self::$capture?->stop();
        self::$capture = null;
        self::removeClassDir();
    }

    /** The capture server of this test class (started on first use). */
    protected static function capture(): CaptureServer
    {
        if (self::$capture === null) {
            self::$capture = CaptureServer::launch(self::classDir() . '/capture');
        }
        return self::$capture;
    }

    /** The tracking endpoint option value pointing at the capture server. */
    protected static function trackEndpoint(): string
    {
        return self::capture()->url() . '/[project_id]/v1';
    }

    /** Options of an SDK in data mode over the spec config, tracking to the capture server; $extra merged on top. */
    protected static function options(array $extra = []): array
    {
        return array_replace_recursive([
            'data' => Fixtures::specConfig(),
            'api' => ['endpoint' => ['track' => self::trackEndpoint(), 'config' => self::capture()->url() . '/config']],
        ], $extra);
    }

    /** A new SDK (see options()); flushed again after the test. */
    protected function sdk(array $extra = []): CoreInterface
    {
        $sdk = ConvertSDK::create(self::options($extra));
        $this->assertTrue($sdk->isReady(), 'SDK initialised');
        return $this->sdks[] = $sdk;
    }

    /** The decoded JSON body of a captured request. */
    protected static function body(array $request): array
    {
        return json_decode($request['body'], true, 512, JSON_THROW_ON_ERROR);
    }

    /** Asserts exactly one tracking POST was captured and returns it. */
    protected function onePost(): array
    {
        $requests = self::capture()->requests();
        $this->assertCount(1, $requests, 'one tracking request');
        $this->assertSame('POST', $requests[0]['method']);
        $this->assertSame(self::TRACK_PATH, $requests[0]['uri']);
        return $requests[0];
    }

    /** The events of the only visitor of the only captured request. */
    protected function postedEvents(string $visitorId): array
    {
        $visitors = self::body($this->onePost())['visitors'];
        $this->assertCount(1, $visitors);
        $this->assertSame($visitorId, $visitors[0]['visitorId']);
        return $visitors[0]['events'];
    }

    /**
     * Runs a job (Support/TrackingJob.php) in a CLI subprocess with the extension under test; returns
     * `[summary, result]` once the process has exited (its shutdown release included).
     */
    protected function runCli(array $job, array $env = []): array
    {
        static $n = 0;
        $job['resultFile'] = $this->dir() . '/result-' . ++$n . '.json';
        $jobFile = $this->dir() . "/job-$n.json";
        file_put_contents($jobFile, json_encode($job, JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION));
        $cmd = [PHP_BINARY, '-n', '-d', 'extension=' . PhpFpmPool::extensionPath(), __DIR__ . '/../scripts/job.php', $jobFile];
        $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env ?: null);
        $stdout = stream_get_contents($pipes[1]);
        $stderr = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $this->assertSame(0, proc_close($proc), "job failed: $stdout $stderr");
        $summary = json_decode($stdout, true);
        $this->assertIsArray($summary, "job output: $stdout $stderr");
        return [$summary, json_decode(file_get_contents($job['resultFile']), true, 512, JSON_THROW_ON_ERROR)];
    }

    /** A job of runCli() / www/job.php tracking to the capture server; $options merged on top. */
    protected static function job(array $steps, array $options = []): array
    {
        return [
            'options' => array_replace_recursive(['api' => ['endpoint' => ['track' => self::trackEndpoint()]]], $options),
            'steps' => $steps,
        ];
    }
}
