<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * Redis stopped in the middle of a test (issue 3, spec §6.7): no exception reaches PHP code,
 * decisions stay deterministic, every failure the SDK sees is logged once; Redis restarted:
 * persistence resumes. Each "request" opens its own connection, as PHP requests do.
 */
final class RedisOutageTest extends PersistenceTestCase
{
    public function stores(): array
    {
        return [
            // Symfony swallows read errors (a miss) and reports write errors as set() === false.
            'Psr16Cache over RedisAdapter' => ['redisCache', false],
            // phpredis throws RedisException from both get() and set().
            'plain user dataStore over phpredis' => ['redisDataStore', true],
        ];
    }

    /** checkout-redesign decisions of $visitors in one request over $store. */
    private function request(array $config, object $store, array $visitors, ?RecordingLogger $log = null): array
    {
        $sdk = $this->sdk($config, $store, $log);
        $out = [];
        foreach ($visitors as $id) {
            $out[$id] = self::variationOf($sdk, $id);
        }
        return $out;
    }

    /** Decisions computed without any store (hashing alone). */
    private static function fresh(array $config, array $visitors): array
    {
        $sdk = Scenario::sdk($config);
        return array_combine($visitors, array_map(static fn (string $id): ?string => self::variationOf($sdk, $id), $visitors));
    }

    /** @dataProvider stores */
    public function testOutageAndRestart(string $factory, bool $getFailuresVisible): void
    {
        $visitors = self::visitorsMovedByReweighting(10, 'outage');
        $spec = Scenario::specConfig();
        $reweighted = Scenario::reweightedConfig();
        $stored = $this->request($spec, $this->{$factory}(), $visitors);
        $this->assertSame($stored, $this->request($reweighted, $this->{$factory}(), $visitors), 'sticky while Redis is up');
        $this->assertNotSame($stored, self::fresh($reweighted, $visitors));
        $open = $this->{$factory}();
        $openSdk = $this->sdk($reweighted, $open);
        self::variationOf($openSdk, 'connect-now'); // the connection of this request is established

        self::redis()->stop();
        $this->assertFalse(self::redis()->isRunning());
        $this->assertFalse(@fsockopen('127.0.0.1', self::redis()->port(), $errno, $errstr, 0.2), 'Redis is down');

        // A request that connected before the outage, and one connecting during it.
        $log = new RecordingLogger();
        $store = new CountingStore($this->{$factory}());
        $during = $this->request($reweighted, $store, $visitors, $log);
        $this->assertSame(self::fresh($reweighted, $visitors), $during, 'no stored data reachable: deterministic fresh decisions');
        $this->assertSame($during, $this->request($reweighted, $store, $visitors, $log), 'and the same again');
        [$gets, $sets] = $store->counts();
        $this->assertSame(2 * count($visitors), $gets);
        $this->assertSame(2 * count($visitors), $sets, 'each decision was tried to be written');
        $this->assertCount($getFailuresVisible ? $gets + $sets : $sets, $log->errors(), 'one error per failed call');
        foreach ($visitors as $id) {
            $this->assertSame($during[$id], self::variationOf($openSdk, $id), 'old connection: same decisions, nothing thrown');
        }

        self::redis()->start();
        $log = new RecordingLogger();
        $store = new CountingStore($this->{$factory}());
        $this->assertSame($stored, $this->request($spec, $store, $visitors, $log), 'restarted empty (no persistence): decided again');
        $this->assertSame([count($visitors), count($visitors)], $store->counts());
        $store = new CountingStore($this->{$factory}());
        $this->assertSame($stored, $this->request($reweighted, $store, $visitors, $log), 'persistence resumed: sticky again');
        $this->assertSame([count($visitors), 0], $store->counts());
        $this->assertSame([], $log->errors());
    }
}
