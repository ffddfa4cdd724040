<?php

use ConvertSdk\Tests\Support\Fixtures;
use PHPUnit\Framework\TestCase;

/**
 * Hash and bucket value (spec §4.1) observed through the PHP API: an experience with 100 variations of 1 %
 * each (packed layout, bands [100·i, 100·(i+1))) reveals floor(bucketValue / 100) as the variation index.
 */
final class BucketingTest extends TestCase
{
    /** Config whose experiences (id => key) each hold the 100 one-percent variations v0..v99. */
    private static function percentConfig(array $experiences): array
    {
        $variations = [];
        for ($i = 0; $i < 100; $i++) {
            $variations[] = ['id' => "v$i", 'key' => "k$i", 'status' => 'running', 'traffic_allocation' => 1, 'changes' => []];
        }
        $list = [];
        foreach ($experiences as $id => $key) {
            $list[] = ['id' => (string) $id, 'key' => $key, 'version' => 11, 'variations' => $variations, 'audiences' => [], 'goals' => []];
        }
        return ['account_id' => '100123', 'project' => ['id' => '100456'], 'experiences' => $list];
    }

    /** trunc(h / 2^32 * maxTraffic) in doubles, per spec §4.1. */
    private static function bucketValue(int $hash, int $maxTraffic = 10000): int
    {
        return (int) (($hash / 4294967296.0) * $maxTraffic);
    }

    /** Hash vectors split into experience id (first character) and visitor id (the rest). */
    public static function hashVectors(): array
    {
        $rows = [];
        foreach (Fixtures::json('test-vectors.json') as $i => $vector) {
            if (mb_strlen($vector['input'], 'UTF-8') < 2) {
                continue;
            }
            $rows["#$i {$vector['category']} seed {$vector['seed']}"] = [
                mb_substr($vector['input'], 0, 1, 'UTF-8'), mb_substr($vector['input'], 1, null, 'UTF-8'), $vector['seed'], $vector['expected'],
            ];
        }
        return $rows;
    }

    /** @dataProvider hashVectors */
    public function testHashSeedOptionAndHashInput(string $experienceId, string $visitorId, int $seed, int $hash): void
    {
        $sdk = Fixtures::sdk(self::percentConfig([$experienceId => 'pct']), ['bucketing' => ['hash_seed' => $seed]]);
        $variation = $sdk->createContext($visitorId)->runExperience('pct', ['locationProperties' => ['a' => 1]]);
        $this->assertSame('v' . intdiv(self::bucketValue($hash), 100), $variation?->variationId);
    }

    /** @dataProvider hashVectors */
    public function testMaxTrafficOption(string $experienceId, string $visitorId, int $seed, int $hash): void
    {
        $sdk = Fixtures::sdk(self::percentConfig([$experienceId => 'pct']), ['bucketing' => ['hash_seed' => $seed, 'max_traffic' => 5000]]);
        $variation = $sdk->createContext($visitorId)->runExperience('pct', ['locationProperties' => ['a' => 1]]);
        $this->assertSame('v' . intdiv(self::bucketValue($hash, 5000), 100), $variation?->variationId);
    }

    public function testDefaultSeedIs9999(): void
    {
        $checked = 0;
        foreach (self::hashVectors() as [$experienceId, $visitorId, $seed, $hash]) {
            if ($seed !== 9999) {
                continue;
            }
            $variation = Fixtures::sdk(self::percentConfig([$experienceId => 'pct']))->createContext($visitorId)
                ->runExperience('pct', ['locationProperties' => ['a' => 1]]);
            $this->assertSame('v' . intdiv(self::bucketValue($hash), 100), $variation?->variationId);
            $checked++;
        }
        $this->assertGreaterThan(5, $checked);
    }

    public function testSpecExampleAlice(): void
    {
        // spec §4.1: experience 1002, visitor alice -> bucket value 8941
        $variation = Fixtures::sdk(self::percentConfig(['1002' => 'e']))->createContext('alice')
            ->runExperience('e', ['locationProperties' => ['a' => 1]]);
        $this->assertSame('v89', $variation->variationId);
    }

    public function testGoldenBucketValues(): void
    {
        $sdk = Fixtures::sdk(self::percentConfig(['1001' => 'checkout-redesign', '1002' => 'pricing-rollout', '1005' => 'vip-banner']));
        foreach (Fixtures::json('golden-php-sdk-example.json')['cases'] as $case) {
            $context = $sdk->createContext($case['visitorId']);
            foreach ($case['experiences'] as $key => $experience) {
                $variation = $context->runExperience($key, ['locationProperties' => ['a' => 1]]);
                $this->assertSame('v' . intdiv($experience['bucketValue'], 100), $variation?->variationId, "{$case['visitorId']} $key");
            }
        }
        $trap = Fixtures::json('golden-variation-order-trap.json');
        $sdk = Fixtures::sdk(self::percentConfig([$trap['config']['experiences'][0]['id'] => 'trap']));
        foreach ($trap['cases'] as $case) {
            $variation = $sdk->createContext($case['visitorId'])->runExperience('trap', ['locationProperties' => ['a' => 1]]);
            $this->assertSame('v' . intdiv($case['bucketValue'], 100), $variation?->variationId);
        }
    }

    public function testExperienceAndVisitorIdsAreConcatenatedWithoutSeparator(): void
    {
        // same bytes, split differently between experience id and visitor id, give the same bucket
        $a = Fixtures::sdk(self::percentConfig(['12' => 'e']))->createContext('3こんにちは')->runExperience('e', ['locationProperties' => ['a' => 1]]);
        $b = Fixtures::sdk(self::percentConfig(['1' => 'e']))->createContext('23こんにちは')->runExperience('e', ['locationProperties' => ['a' => 1]]);
        $this->assertSame($a->variationId, $b->variationId);
    }
}
