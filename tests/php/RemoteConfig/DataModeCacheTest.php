<?php

use ConvertSdk\ConvertSDK;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\RemoteConfig\RemoteConfigs;
use ConvertSdk\Tests\Support\Fixtures;
use PHPUnit\Framework\TestCase;

/**
 * `data` mode (issue 4): the same config array passed on every request is not parsed again. No parse
 * counter is visible from PHP, so the test measures create(): with a large config (the spec §2.3
 * example grown to 200 experiences) a create() with an already-seen config must cost a fraction of one
 * with a new config. Changed configs, even deep inside, must still be picked up.
 */
final class DataModeCacheTest extends TestCase
{
    private const EXPERIENCES = 200;
    private const SAMPLES = 9;

    private static function create(array $config): CoreInterface
    {
        return ConvertSDK::create(['data' => $config, 'network' => ['tracking' => false]]);
    }

    /** Microseconds taken by create($config); the SDK must come out ready. */
    private function timedCreate(array $config): float
    {
        $started = hrtime(true);
        $sdk = self::create($config);
        $micros = (hrtime(true) - $started) / 1e3;
        $this->assertTrue($sdk->isReady());
        return $micros;
    }

    private static function median(array $values): float
    {
        sort($values);
        return $values[intdiv(count($values), 2)];
    }

    public function testUnchangedLargeConfigIsNotParsedAgain(): void
    {
        $spec = Fixtures::specConfig();
        // New configs (a different salt in every experience): each create() has to parse.
        $fresh = [];
        for ($i = 0; $i < self::SAMPLES; $i++) {
            $fresh[] = $this->timedCreate(RemoteConfigs::large($spec, self::EXPERIENCES, 'fresh-' . bin2hex(random_bytes(4))));
        }
        // The same config on every "request": a new PHP array decoded from the same JSON each time.
        $json = json_encode(RemoteConfigs::large($spec, self::EXPERIENCES, 'same-' . bin2hex(random_bytes(4))));
        $first = $this->timedCreate(json_decode($json, true));
        $repeated = [];
        for ($i = 0; $i < self::SAMPLES; $i++) {
            $repeated[] = $this->timedCreate(json_decode($json, true));
        }

        $parse = self::median($fresh);
        $cached = self::median($repeated);
        $numbers = sprintf('new config: median %.0f µs, same config: first %.0f µs, then median %.0f µs', $parse, $first, $cached);
        $this->assertLessThan($parse / 2.5, $cached, "an unchanged config must not be parsed again ($numbers)");
        $this->assertGreaterThan($cached * 2.5, $first, "the first create() with a config parses it ($numbers)");
    }

    public function testChangedConfigIsParsedAgain(): void
    {
        $decide = static fn (array $config): ?string => self::create($config)->createContext('visitor-1')
            ?->runExperience(RemoteConfigs::EXPERIENCE_KEY, RemoteConfigs::ATTRIBUTES)?->variationKey;
        $v1 = RemoteConfigs::withVariation('data-v1');
        $v2 = RemoteConfigs::withVariation('data-v2');
        $noTraffic = $v1;
        $noTraffic['experiences'][0]['variations'][0]['traffic_allocation'] = 0;

        $this->assertSame('data-v1', $decide($v1));
        $this->assertSame('data-v2', $decide($v2));
        $this->assertNull($decide($noTraffic));
        $this->assertSame('data-v1', $decide($v1));
        $this->assertSame('data-v2', $decide($v2));
    }

    public function testChangeDeepInsideALargeConfigIsSeen(): void
    {
        $spec = Fixtures::specConfig();
        $salt = bin2hex(random_bytes(4));
        $lastKey = 'vip-banner-' . (self::EXPERIENCES - 1);
        $name = static fn (array $config): string => self::create($config)->createContext('visitor-1')
            ->getConfigEntity($lastKey, 'experience')['name'];

        $config = RemoteConfigs::large($spec, self::EXPERIENCES, "a-$salt");
        $this->assertSame('Experience ' . (self::EXPERIENCES - 1) . " a-$salt", $name($config));
        $config['experiences'][self::EXPERIENCES - 1]['name'] = 'renamed';
        $this->assertSame('renamed', $name($config));
        $config['experiences'][self::EXPERIENCES - 1]['name'] = 'Experience ' . (self::EXPERIENCES - 1) . " a-$salt";
        $this->assertSame('Experience ' . (self::EXPERIENCES - 1) . " a-$salt", $name($config));
    }
}
