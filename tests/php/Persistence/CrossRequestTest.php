<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\Tests\Support\HttpSink;
use ConvertSdk\Tests\Support\PhpFpmPool;
use Symfony\Component\Cache\Adapter\RedisAdapter;
use Symfony\Component\Cache\Psr16Cache;

/**
 * Decisions survive across real PHP requests, config deploys and hosts (issue 3): two php-fpm
 * masters (two pools of 2 workers, as two web hosts) share one redis-server; requests go through
 * FastCGI to www/bucket.php, which loads the project config from a JSON file.
 */
final class CrossRequestTest extends PersistenceTestCase
{
    private const VISITORS = 200;

    /** @var list<PhpFpmPool> */
    private array $pools = [];

    protected function tearDown(): void
    {
        foreach ($this->pools as $pool) {
            $pool->stop();
        }
        $this->pools = [];
        parent::tearDown();
    }

    private function pool(string $name): PhpFpmPool
    {
        return $this->pools[] = PhpFpmPool::launch($this->dir() . "/fpm-$name", ['igbinary', 'redis']);
    }

    /** One request to $pool for $visitors with the config currently in $configFile. */
    private function bucket(PhpFpmPool $pool, string $configFile, array $visitors): array
    {
        static $n = 0;
        $jobFile = $this->dir() . '/job-' . ++$n . '.json';
        file_put_contents($jobFile, json_encode([
            'configFile' => $configFile,
            'redisDsn' => self::redis()->dsn(),
            'namespace' => $this->namespace(),
            'visitors' => $visitors,
            'sinkUrl' => HttpSink::url(),
        ], JSON_THROW_ON_ERROR));
        $body = $pool->request(__DIR__ . '/www/bucket.php', ['CONVERT_TEST_JOB' => $jobFile]);
        $response = json_decode($body, true);
        $this->assertIsArray($response, "response body: $body");
        $this->assertSame([], $response['errors'], 'nothing logged at error level');
        return $response;
    }

    /** Variation ids of each experience in $config. */
    private static function variationIds(array $config): array
    {
        $ids = [];
        foreach ($config['experiences'] as $experience) {
            $ids[$experience['key']] = array_column($experience['variations'], 'id');
        }
        return $ids;
    }

    private static function writeConfig(string $file, array $config): void
    {
        file_put_contents($file . '.tmp', json_encode($config, JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION));
        rename($file . '.tmp', $file);
    }

    public function testDecisionsSurviveConfigChangesAcrossRequestsAndHosts(): void
    {
        $hostA = $this->pool('a');
        $hostB = $this->pool('b');
        $this->assertNotSame($hostA->masterPid(), $hostB->masterPid());
        $visitors = Scenario::visitorIds(self::VISITORS, 'http');
        $configFile = $this->dir() . '/config.json';
        $before = Scenario::specConfig();
        $after = Scenario::changedConfig();

        // Request 1 (host A): everybody is decided from scratch, exactly as hashing says.
        self::writeConfig($configFile, $before);
        $first = $this->bucket($hostA, $configFile, $visitors);
        $this->assertSame(Scenario::decisions(Scenario::sdk($before), $visitors), $first['decisions']);

        // Deploy: re-weighted, a variation added, variations reordered, one stopped, one removed.
        self::writeConfig($configFile, $after);
        $second = $this->bucket($hostB, $configFile, $visitors);

        $fresh = Scenario::decisions(Scenario::sdk($after), $visitors);
        $present = self::variationIds($after);
        $sticky = $movedByDeploy = $redecided = 0;
        foreach ($visitors as $id) {
            foreach (Scenario::EXPERIENCES as $key) {
                $old = $first['decisions'][$id][$key];
                $now = $second['decisions'][$id][$key];
                if ($old !== null && in_array($old, $present[$key], true)) {
                    $this->assertSame($old, $now, "$id / $key: stored variation still present");
                    $sticky++;
                    $movedByDeploy += $fresh[$id][$key] !== $old ? 1 : 0;
                } else {
                    $this->assertSame($fresh[$id][$key], $now, "$id / $key: fresh decision");
                    $redecided += $old !== null ? 1 : 0;
                }
            }
        }
        $this->assertGreaterThan(150, $sticky);
        $this->assertGreaterThan(50, $movedByDeploy, 'the deploy would move many visitors without the store');
        $this->assertGreaterThan(20, $redecided, 'visitors whose stored variation was removed');

        // The fresh decisions replaced the removed variation in Redis.
        $cache = new Psr16Cache(new RedisAdapter(RedisAdapter::createConnection(self::redis()->dsn()), $this->namespace()));
        foreach ($visitors as $id) {
            if ($first['decisions'][$id]['pricing-rollout'] === '10022' && $second['decisions'][$id]['pricing-rollout'] !== null) {
                $this->assertSame($second['decisions'][$id]['pricing-rollout'], $cache->get(Scenario::storeKey($id))['bucketing'][1002]);
            }
        }

        // Request 3 (back on host A, another worker process): every decision of request 2 holds.
        $third = $this->bucket($hostA, $configFile, $visitors);
        $this->assertSame($second['decisions'], $third['decisions']);
        $this->assertNotSame($second['pid'], $third['pid'], 'served by the other host');
    }

    public function testTwoHostsServingTheSameNewVisitorsAgree(): void
    {
        $hostA = $this->pool('a');
        $hostB = $this->pool('b');
        $visitors = Scenario::visitorIds(60, 'hosts');
        $configFile = $this->dir() . '/config.json';
        self::writeConfig($configFile, Scenario::reweightedConfig());
        [$half1, $half2] = array_chunk($visitors, 30);
        $a = $this->bucket($hostA, $configFile, $half1)['decisions'];
        $b = $this->bucket($hostB, $configFile, $half2)['decisions'];

        self::writeConfig($configFile, Scenario::specConfig());
        $this->assertNotSame(Scenario::decisions(Scenario::sdk(Scenario::specConfig()), $half1), $a, 'the config change would move visitors');
        $this->assertSame($a, $this->bucket($hostB, $configFile, $half1)['decisions'], 'host B honours what host A stored');
        $this->assertSame($b, $this->bucket($hostA, $configFile, $half2)['decisions'], 'host A honours what host B stored');
    }
}
