<?php

namespace ConvertSdk\Tests\Persistence;

use ConvertSdk\Tests\Support\ArrayDataStore;
use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * Foreign or corrupt stored values (spec §6.3 last bullet, issue 3): strings, objects, scalars and
 * wrongly nested arrays are "no data", never fatal; the next write replaces them with a clean record.
 */
final class CorruptValuesTest extends PersistenceTestCase
{
    /** A visitor whose fresh checkout-redesign decision is control, while the junk below says treatment. */
    private static function visitor(): string
    {
        return self::visitorFreshlyIn('10011', 'junk');
    }

    public function corruptValues(): array
    {
        $incomplete = unserialize('O:13:"NoSuchClass42":1:{s:9:"bucketing";a:1:{i:1001;s:5:"10012";}}');
        $object = new \stdClass();
        $object->bucketing = [1001 => '10012'];
        return [
            'string' => ['10012'],
            'JSON string' => ['{"bucketing":{"1001":"10012"},"locations":[],"segments":[],"goals":[]}'],
            'serialized string' => [serialize(['bucketing' => [1001 => '10012']])],
            'stdClass' => [$object],
            'ArrayObject' => [new \ArrayObject(['bucketing' => [1001 => '10012']])],
            'incomplete class' => [$incomplete],
            'false' => [false],
            'true' => [true],
            'int' => [10012],
            'float' => [1.5],
            'empty array' => [[]],
            'list' => [['10012', '10011']],
            'bucketing is a string' => [['bucketing' => '10012']],
            'bucketing is a list' => [['bucketing' => ['10012']]],
            'bucketing is a list of maps' => [['bucketing' => [[1001 => '10012']]]],
            'variation id nested in a list' => [['bucketing' => [1001 => ['10012']]]],
            'variation id is an object' => [['bucketing' => [1001 => $object]]],
            'other parts scalars' => [['bucketing' => 5, 'locations' => 'checkout-page', 'segments' => 'DE', 'goals' => true]],
            'unknown variation id' => [['bucketing' => [1001 => '99999'], 'locations' => [], 'segments' => [], 'goals' => []]],
            'empty variation id' => [['bucketing' => [1001 => ''], 'locations' => [], 'segments' => [], 'goals' => []]],
            'only unknown keys' => [['foo' => ['1001' => '10012'], 'bar' => 1]],
        ];
    }

    /** @dataProvider corruptValues */
    public function testCorruptValueIsIgnoredAndReplaced(mixed $junk): void
    {
        $visitor = self::visitor();
        $inner = new ArrayDataStore();
        $inner->values[Scenario::storeKey($visitor)] = $junk;
        $store = new CountingStore($inner);
        $log = new RecordingLogger();

        $this->assertSame('10011', self::variationOf($this->sdk(Scenario::specConfig(), $store, $log), $visitor));
        $this->assertSame([1, 1], $store->counts());
        $this->assertSame('10011', (string) $inner->values[Scenario::storeKey($visitor)]['bucketing'][1001]);
        $this->assertSame([], $log->errors());

        $store->reset();
        $this->assertSame('10011', self::variationOf($this->sdk(Scenario::reweightedConfig(), $store), $visitor), 'sticky from now on');
        $this->assertSame([1, 0], $store->counts(), 'the replaced record is clean: nothing to rewrite');
    }

    public function testCorruptValueInASymfonyCacheIsIgnored(): void
    {
        $visitor = self::visitor();
        foreach (['a string', new \stdClass(), ['bucketing' => [1001 => ['10012']]]] as $junk) {
            $cache = $this->filesystemCache();
            $cache->set(Scenario::storeKey($visitor), $junk);
            $this->assertSame('10011', self::variationOf($this->sdk(Scenario::specConfig(), $cache), $visitor));
            $this->assertSame('10011', (string) $cache->get(Scenario::storeKey($visitor))['bucketing'][1001]);
        }
    }

    public function wronglyNestedGoals(): array
    {
        return [
            'goals is a list' => [['purchase']],
            'goals is a string' => ['purchase'],
        ];
    }

    /**
     * A goal recorded over a corrupt `goals` member is stored under its key, so the next request
     * deduplicates it (§7.6).
     *
     * @dataProvider wronglyNestedGoals
     */
    public function testConversionOverCorruptGoalsIsStoredUnderTheGoalKey(mixed $goals): void
    {
        $inner = new ArrayDataStore();
        $inner->values[Scenario::storeKey('goal-junk')] = ['bucketing' => [], 'locations' => [], 'segments' => [], 'goals' => $goals];
        $this->assertNull($this->sdk(Scenario::specConfig(), $inner)->createContext('goal-junk')->trackConversion('purchase'));
        $this->assertTrue($inner->values[Scenario::storeKey('goal-junk')]['goals']['purchase'] ?? null);

        $events = [];
        $next = $this->sdk(Scenario::specConfig(), $inner);
        $next->on('conversion', function ($args) use (&$events): void {
            $events[] = $args;
        });
        $this->assertNull($next->createContext('goal-junk')->trackConversion('purchase'));
        $this->assertSame([], $events, 'deduplicated in the next request');
    }

    public function testIntegerVariationIdIsAValidStoredDecision(): void
    {
        $visitor = self::visitor();
        $inner = new ArrayDataStore();
        $inner->values[Scenario::storeKey($visitor)] = ['bucketing' => [1001 => 10012], 'locations' => [], 'segments' => [], 'goals' => []];
        $this->assertSame('10012', self::variationOf($this->sdk(Scenario::specConfig(), $inner), $visitor), 'compared as (string) stored (§4.4)');
    }

    public function testJunkInsideAValidRecordKeepsItsValidParts(): void
    {
        $visitor = self::visitor();
        $inner = new ArrayDataStore();
        $inner->values[Scenario::storeKey($visitor)] = [
            'bucketing' => [1001 => '10012'], 'locations' => 'junk', 'segments' => ['country' => 'DE'], 'goals' => 7, 'extra' => 'x',
        ];
        $context = $this->sdk(Scenario::specConfig(), $inner)->createContext($visitor);
        $this->assertSame('10012', $context->runExperience('checkout-redesign', Scenario::attributes())?->variationId);
        $this->assertSame(['country' => 'DE'], $context->getVisitorData()['segments']);
    }
}
