<?php

namespace ConvertSdk\Tests\Reliability;

use ConvertSdk\ConvertSDK;
use ConvertSdk\Tests\Support\HttpSink;

require_once __DIR__ . '/lib/ReliabilityTestCase.php';

/**
 * Long runs (issue 8): a long-running process using one SDK instance keeps a flat memory profile, and SDK
 * objects are freed like PHP objects — when unreferenced, and by the cycle collector when user code
 * makes a reference cycle through them (a listener closure capturing `$sdk` or `$context`), as it would
 * with the pure-PHP SDK. Short run by default; RELIABILITY_LONG=1 runs 4,400 iterations (22,000 new
 * visitors, past the 10,000-visitor cap of the in-memory layer).
 */
final class MemoryTest extends ReliabilityTestCase
{
    public function testLongRunningProcessKeepsAFlatMemoryProfile(): void
    {
        $dir = $this->tempDir('memory');
        $sink = HttpServer::launch($dir);
        try {
            $args = self::long() ? [4400, $sink->url(), 0] : [400, $sink->url(), 200];
            $r = $this->jsonResult(self::php('memory-growth.php', $args, [], 300.0));
        } finally {
            $sink->stop();
        }
        $this->assertCount($args[0], $sink->requests(), 'one tracking request per iteration');
        $this->assertLessThan(1024, $r['end']['rss'] - $r['warm']['rss'], sprintf('RSS grew from %d to %d KiB', $r['warm']['rss'], $r['end']['rss']));
        $this->assertLessThan(64 * 1024, $r['end']['php'] - $r['warm']['php'], 'PHP memory grew');
    }

    /** [sdk, context] weak references after a scope that used them; $capture: what a listener captures. */
    private static function scope(string $capture): array
    {
        $sdk = ConvertSDK::create(Configs::options(Configs::split(), HttpSink::url()));
        $context = $sdk->createContext('cycle');
        match ($capture) {
            'nothing' => $sdk->on('bucketing', static function (): void {
            }),
            'sdk' => $sdk->on('bucketing', static function () use ($sdk): void {
            }),
            'context' => $sdk->on('bucketing', static function () use ($context): void {
            }),
        };
        $context->runExperience('split', ['locationProperties' => Configs::LOCATION]);
        $sdk->flush();
        return [\WeakReference::create($sdk), \WeakReference::create($context)];
    }

    public function testUnreferencedSdkObjectsAreFreed(): void
    {
        [$sdk, $context] = self::scope('nothing');
        $this->assertNull($sdk->get(), 'Core freed when its last reference went');
        $this->assertNull($context->get(), 'Context freed when its last reference went');
    }

    public static function cycles(): array
    {
        return ['listener capturing $sdk' => ['sdk'], 'listener capturing $context' => ['context']];
    }

    /**
     * A listener stored in the SDK that references the SDK is a reference cycle; PHP's collector frees
     * it because the SDK objects report what they hold in Rust (their get_gc handler, src/php/gc.rs).
     * Without that each such instance would stay in memory for the life of the process (long-running
     * workers), and valgrind would count it as definitely lost.
     *
     * @dataProvider cycles
     */
    public function testSdkObjectsInAReferenceCycleAreCollected(string $capture): void
    {
        [$sdk, $context] = self::scope($capture);
        $this->assertNotNull($sdk->get(), 'the cycle keeps Core alive until the collector runs');
        $this->assertGreaterThan(0, gc_collect_cycles(), 'the collector found the cycle');
        $this->assertNull($sdk->get(), 'Core collected');
        $this->assertNull($context->get(), 'Context collected');
    }
}
