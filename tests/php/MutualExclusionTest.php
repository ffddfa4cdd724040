<?php

use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\Fixtures;
use PHPUnit\Framework\TestCase;

/**
 * mutual-exclusion-rule-fixture.json through the PHP API (spec §5.6, §13): exp-b gets one transient audience
 * made of the fixture's rule item; the visitor's stored bucketing is seeded through a `dataStore` object
 * (store key per §6.2) or, for the in-memory variant, by deciding exp-a first.
 */
final class MutualExclusionTest extends TestCase
{
    private const VISITOR = 'mx-visitor';
    private const LOCATION = ['locationProperties' => ['page' => 'any']];

    private static function config(array $row): array
    {
        $fixture = Fixtures::json('mutual-exclusion-rule-fixture.json');
        $item = array_replace_recursive($fixture['ruleDefaults'], ['value' => $row['ruleValue'], 'matching' => ['negated' => $row['negated']]]);
        $config = ['account_id' => '10', 'project' => ['id' => '20']] + $fixture['config'];
        $config['audiences'] = [[
            'id' => '300001', 'key' => 'not-in-other', 'name' => 'mutual exclusion', 'type' => 'transient',
            'rules' => ['OR' => [['AND' => [['OR_WHEN' => [$item]]]]]],
        ]];
        foreach ($config['experiences'] as $i => $experience) {
            if ($experience['key'] === 'exp-b') {
                $config['experiences'][$i]['audiences'] = ['300001'];
                $config['experiences'][$i]['settings'] = ['matching_options' => ['audiences' => 'all']];
            }
        }
        return $config;
    }

    /** A minimal visitor-data store (spec §6.1) holding $bucketing for the visitor, recording writes. */
    private static function store(array $bucketing): ArrayDataStore
    {
        $store = new ArrayDataStore(recordSets: true);
        if ($bucketing !== []) {
            $store->values['10-20-' . self::VISITOR] = ['bucketing' => $bucketing, 'locations' => [], 'segments' => [], 'goals' => []];
        }
        return $store;
    }

    public static function rows(): array
    {
        $rows = [];
        foreach (Fixtures::json('mutual-exclusion-rule-fixture.json')['rows'] as $row) {
            $rows["row {$row['row']}"] = [$row];
        }
        return $rows;
    }

    /** @dataProvider rows */
    public function testRowThroughADataStore(array $row): void
    {
        $store = self::store($row['storedBucketing']);
        $sdk = Fixtures::sdk(self::config($row), ['dataStore' => $store]);
        $result = $sdk->createContext(self::VISITOR)->runExperience('exp-b', self::LOCATION);
        $this->assertSame($row['expectedMatched'], $result !== null, $row['description']);
        if ($row['expectedMatched']) {
            $this->assertSame('100902', $result->variationId);
        }
        // the target experience is never bucketed as a side effect
        foreach ($store->sets as [, $value]) {
            $this->assertSame(
                array_key_exists(100111, $row['storedBucketing']),
                array_key_exists(100111, $value['bucketing'] ?? []),
                'exp-a bucketing written by the evaluation'
            );
        }
    }

    /** Rows whose stored bucketing can be produced in memory by deciding exp-a first. */
    public static function inMemoryRows(): array
    {
        return array_filter(self::rows(), fn ($args) => !$args[0]['dataStoreOnly']
            && array_diff_key($args[0]['storedBucketing'], [100111 => true]) === []);
    }

    /** @dataProvider inMemoryRows */
    public function testRowWithInMemorySeeding(array $row): void
    {
        $sdk = Fixtures::sdk(self::config($row));
        if ($row['storedBucketing'] !== []) {
            $this->assertSame('100901', $sdk->createContext(self::VISITOR)->runExperience('exp-a', self::LOCATION)?->variationId);
        }
        $result = $sdk->createContext(self::VISITOR)->runExperience('exp-b', self::LOCATION);
        $this->assertSame($row['expectedMatched'], $result !== null, $row['description']);
    }
}
