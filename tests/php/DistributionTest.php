<?php

use ConvertSdk\ConvertSDK;
use ConvertSdk\Tests\Support\Fixtures;
use PHPUnit\Framework\TestCase;

/**
 * Randomized cross-check (issue 2): for 10,000 generated visitor ids per fixture experience, decisions are
 * identical across two SDK instances and on repeated calls, and each variation's share is within
 * TOLERANCE of its traffic_allocation (spec §4.5/§4.6: with a total ≤ 100 % both layouts give every
 * active variation a band of width traffic_allocation·100 out of 10,000; the rest is not bucketed).
 */
final class DistributionTest extends TestCase
{
    private const VISITORS = 10000;
    private const TOLERANCE = 0.02;

    /** [options for create(), experience key, context attributes, bucketing attributes] */
    public static function scenarios(): array
    {
        $spec = Fixtures::specConfig();
        $testConfig = Fixtures::json('test-config.json');
        $trap = Fixtures::json('golden-variation-order-trap.json');
        return [
            'checkout-redesign (packed 50/50, audience + location)' => [
                Fixtures::options($spec), 'checkout-redesign', ['plan' => 'premium', 'age' => 30],
                ['locationProperties' => ['url' => 'https://shop.example.com/checkout']],
            ],
            'pricing-rollout (packed 80 % + stopped 0 %)' => [
                Fixtures::options($spec), 'pricing-rollout', null, ['locationProperties' => ['url' => 'https://shop.example.com/pricing']],
            ],
            'vip-banner (anchored 10/10)' => [
                Fixtures::options($spec), 'vip-banner', ['custom_segments' => ['4001']], ['locationProperties' => ['page' => 'home']],
            ],
            'static-config test-experience-ab-fullstack-4' => [
                Fixtures::options(Fixtures::json('static-config.json'), ['environment' => 'staging']),
                'test-experience-ab-fullstack-4', null, ['locationProperties' => ['location' => 'pricing']],
            ],
            'test-config test-experience-ab-fullstack-2' => [
                $testConfig + Fixtures::options($testConfig['data']), 'test-experience-ab-fullstack-2', ['varName3' => 'something'],
                ['locationProperties' => ['url' => 'https://convert.com/']],
            ],
            'variation-order trap' => [
                Fixtures::options($trap['config']), $trap['config']['experiences'][0]['key'], null, ['locationProperties' => $trap['locationProperties']],
            ],
        ];
    }

    /** Expected share per variation id ('' = not bucketed), derived from the config's traffic_allocation. */
    private static function expectedShares(array $options, string $key): array
    {
        $experience = null;
        foreach ($options['data']['experiences'] as $candidate) {
            if ($candidate['key'] === $key) {
                $experience = $candidate;
                break;
            }
        }
        $shares = [];
        $total = 0.0;
        foreach ($experience['variations'] as $variation) {
            $allocation = $variation['traffic_allocation'] ?? 100;
            $total += $allocation;
            $running = ($variation['status'] ?? 'running') === 'running';
            if (($variation['id'] ?? '') !== '' && $running && $allocation > 0) {
                $shares[(string) $variation['id']] = $allocation / 100;
            }
        }
        if ($total > 100) {
            throw new \LogicException("$key: allocations above 100 % are outside this model");
        }
        $shares[''] = 1 - array_sum($shares);
        return $shares;
    }

    /** Generated visitor ids of assorted shapes, reproducible from $seed. */
    private static function visitorIds(int $seed): array
    {
        mt_srand($seed);
        $ids = [];
        for ($i = 0; $i < self::VISITORS; $i++) {
            $ids[] = match ($i % 4) {
                0 => sprintf('%08x-%04x-4%03x-%04x-%012x', mt_rand(), mt_rand(0, 0xffff), mt_rand(0, 0xfff), mt_rand(0, 0xffff), mt_rand()),
                1 => (string) mt_rand(1, PHP_INT_MAX),
                2 => 'user' . mt_rand() . '@example.com',
                default => "v-$i-" . base_convert((string) mt_rand(), 10, 36),
            };
        }
        return $ids;
    }

    /** @dataProvider scenarios */
    public function testStableAndProportionalDistribution(array $options, string $key, ?array $visitorAttributes, array $attributes): void
    {
        $seed = random_int(1, PHP_INT_MAX);
        $ids = self::visitorIds($seed);
        $expected = self::expectedShares($options, $key);
        $first = ConvertSDK::create($options);
        $second = ConvertSDK::create($options);

        $counts = array_fill_keys(array_keys($expected), 0);
        $unstable = [];
        foreach ($ids as $id) {
            $a = $first->createContext($id, $visitorAttributes)->runExperience($key, $attributes)?->variationId ?? '';
            $b = $second->createContext($id, $visitorAttributes)->runExperience($key, $attributes)?->variationId ?? '';
            $again = $first->createContext($id, $visitorAttributes)->runExperience($key, $attributes)?->variationId ?? '';
            if ($a !== $b || $a !== $again) {
                $unstable[] = "$id: $a / $b / $again";
            }
            $counts[$a] = ($counts[$a] ?? 0) + 1;
        }

        $this->assertSame([], array_slice($unstable, 0, 10), "unstable decisions (seed $seed)");
        $this->assertSame(array_keys($expected), array_keys($counts), "unexpected variation ids (seed $seed): " . json_encode($counts));
        foreach ($expected as $variationId => $share) {
            $actual = $counts[$variationId] / self::VISITORS;
            $label = $variationId === '' ? 'not bucketed' : "variation $variationId";
            $this->assertEqualsWithDelta($share, $actual, self::TOLERANCE, "$label of $key (seed $seed): " . json_encode($counts));
            if ($share > 0) {
                $this->assertGreaterThan(0, $counts[$variationId], "$label never chosen (seed $seed)");
            }
        }
    }
}
