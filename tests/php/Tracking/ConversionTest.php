<?php

namespace ConvertSdk\Tests\Tracking;

use ConvertSdk\DTO\ConversionAttributes;
use ConvertSdk\DTO\GoalData;
use ConvertSdk\Enums\ConversionSettingKey;
use ConvertSdk\Enums\GoalDataKey;
use OpenAPI\Client\BucketingAttributes;

/**
 * trackConversion (spec §7.6): every row of the force-multiple-transactions matrix with the exact
 * events posted to the capture server, goal data as GoalData objects, plain arrays and `[]`
 * (§7.2), and the return values null / false with nothing sent for a refused conversion.
 */
final class ConversionTest extends TrackingTestCase
{
    /** Goal 'purchase' (id 5001, no rules) of the spec config. */
    private const GOAL_ID = '5001';

    /** @return list<GoalData> */
    private static function goalDataObjects(): array
    {
        return [
            new GoalData(GoalDataKey::Amount, 49.99),
            new GoalData(GoalDataKey::ProductsCount, 3),
            new GoalData(GoalDataKey::TransactionId, 'T-77'),
            new GoalData(GoalDataKey::CustomDimension5, 'gold'),
        ];
    }

    /** What goalDataObjects() becomes on the wire. */
    private const OBJECTS_WIRE = [
        ['key' => 'amount', 'value' => 49.99],
        ['key' => 'productsCount', 'value' => 3],
        ['key' => 'transactionId', 'value' => 'T-77'],
        ['key' => 'customDimension5', 'value' => 'gold'],
    ];

    /** Plain arrays pass through unchanged: no key validation, int/float/string kept. */
    private const PLAIN = [
        ['key' => 'amount', 'value' => 10.0],
        ['key' => 'productsCount', 'value' => 1],
        ['key' => 'coupon', 'value' => 'SPRING'],
    ];

    /** @return array<string, array{0: bool, 1: ?\Closure, 2: list<string>, 3: ?array}> */
    public function matrix(): array
    {
        $objects = static fn (): array => self::goalDataObjects();
        $mixed = static fn (): array => [self::goalDataObjects()[0], self::PLAIN[2]];
        $mixedWire = [self::OBJECTS_WIRE[0], self::PLAIN[2]];
        $attrs = static fn (?\Closure $data, mixed $force = null): \Closure => static fn (): ConversionAttributes => new ConversionAttributes(
            conversionData: $data === null ? null : $data(),
            conversionSetting: $force === null ? null : [ConversionSettingKey::ForceMultipleTransactions->value => $force],
        );
        $plain = static fn (): array => self::PLAIN;
        $empty = static fn (): array => [];
        // [repeat?, attributes, expected event kinds, expected goalData of the transaction]
        return [
            'first, no attributes' => [false, null, ['conversion'], null],
            'first, no goal data' => [false, $attrs(null), ['conversion'], null],
            'first, GoalData objects' => [false, $attrs($objects), ['conversion', 'transaction'], self::OBJECTS_WIRE],
            'first, plain arrays' => [false, $attrs($plain), ['conversion', 'transaction'], self::PLAIN],
            'first, GoalData and arrays mixed' => [false, $attrs($mixed), ['conversion', 'transaction'], $mixedWire],
            'first, conversionData []' => [false, $attrs($empty), ['conversion', 'transaction'], []],
            'first, forced, goal data' => [false, $attrs($objects, true), ['conversion', 'transaction'], self::OBJECTS_WIRE],
            'repeat, no force, no goal data' => [true, null, [], null],
            'repeat, no force, goal data' => [true, $attrs($objects), [], null],
            'repeat, force false, goal data' => [true, $attrs($objects, false), [], null],
            'repeat, force, no goal data' => [true, $attrs(null, true), [], null],
            'repeat, force, GoalData objects' => [true, $attrs($objects, true), ['transaction'], self::OBJECTS_WIRE],
            'repeat, force, plain arrays' => [true, $attrs($plain, true), ['transaction'], self::PLAIN],
            'repeat, force, conversionData []' => [true, $attrs($empty, true), ['transaction'], []],
            'repeat, force 1 (truthy), goal data' => [true, $attrs($plain, 1), ['transaction'], self::PLAIN],
        ];
    }

    /** @dataProvider matrix */
    public function testForceMultipleTransactionsMatrix(bool $repeat, ?\Closure $attributes, array $kinds, ?array $goalData): void
    {
        $sdk = $this->sdk();
        $context = $sdk->createContext('buyer', ['country' => 'FR'] + self::PREMIUM);
        $variation = $context->runExperience('checkout-redesign', new BucketingAttributes(['locationProperties' => self::CHECKOUT]));
        $this->assertNotNull($variation);
        if ($repeat) {
            $this->assertNull($context->trackConversion('purchase'));
        }
        $sdk->flush();
        self::capture()->respond('200');
        $log = new EventLog($sdk, ['conversion']);
        $log->events = []; // drop the deferred replay of the earlier conversion

        $this->assertNull($context->trackConversion('purchase', $attributes === null ? null : $attributes()));
        $sdk->flush();

        $bucketingData = ['1001' => $variation->variationId];
        $expected = [];
        foreach ($kinds as $kind) {
            $data = ['goalId' => self::GOAL_ID];
            if ($kind === 'transaction') {
                $data['goalData'] = $goalData;
            }
            $expected[] = ['eventType' => 'conversion', 'data' => $data + ['bucketingData' => $bucketingData]];
        }
        if ($expected === []) {
            $this->assertSame([], self::capture()->requests(), 'nothing sent');
        } else {
            $this->assertSame($expected, $this->postedEvents('buyer'));
            $this->assertSame(['country' => 'FR'], self::body($this->onePost())['visitors'][0]['segments']);
        }
        $forced = $attributes !== null && !empty($attributes()->conversionSetting['forceMultipleTransactions']);
        $this->assertSame(!$repeat || $forced ? 1 : 0, count($log->of('conversion')), "'conversion' event unless a deduplicated repeat (§14 row 9)");
        $this->assertSame(['purchase' => true], $context->getVisitorData()['goals']);
    }

    public function testTransactionValuesKeepTheirJsonNumberType(): void
    {
        $sdk = $this->sdk();
        $context = $sdk->createContext('types');
        $context->trackConversion('purchase', new ConversionAttributes(conversionData: [
            new GoalData(GoalDataKey::Amount, 20.0),
            ['key' => 'productsCount', 'value' => 20],
            new GoalData(GoalDataKey::TransactionId, '20'),
        ]));
        $sdk->flush();

        $raw = $this->onePost()['body'];
        $this->assertStringContainsString('"goalData":[{"key":"amount","value":20.0},{"key":"productsCount","value":20},{"key":"transactionId","value":"20"}]', $raw);
        $this->assertStringNotContainsString('bucketingData', $raw, 'omitted when the visitor has no stored decision');
        $this->assertStringNotContainsString('"segments"', $raw, 'omitted when the visitor has no report segments (§14 row 12)');
    }

    public function testReturnValuesAndRefusedConversionsSendNothing(): void
    {
        $sdk = $this->sdk();
        $log = new EventLog($sdk, ['conversion']);
        $context = $sdk->createContext('gatekeeper');

        $this->assertFalse($context->trackConversion('no-such-goal'), 'unknown goal');
        $this->assertFalse($context->trackConversion('purchase', new ConversionAttributes(ruleData: ['action' => 'add'])), 'ruleData for a goal without rules');
        $this->assertFalse($context->trackConversion('add-to-cart', new ConversionAttributes(ruleData: ['action' => 'remove'])), 'goal rules not matched');
        $this->assertFalse($context->trackConversion('add-to-cart', new ConversionAttributes(ruleData: ['other' => 'add'])), 'rule key missing');
        $sdk->flush();
        $this->assertSame([], self::capture()->requests(), 'a refused conversion sends nothing');
        $this->assertSame([], $log->of('conversion'));
        $this->assertSame([], $context->getVisitorData()['goals'] ?? [], 'and stores nothing');

        $this->assertNull($context->trackConversion('add-to-cart', new ConversionAttributes(ruleData: ['action' => 'add'])), 'goal rules matched');
        $this->assertNull($context->trackConversion('add-to-cart', new ConversionAttributes(ruleData: ['action' => 'add'])), 'deduplicated repeat');
        $this->assertNull($context->trackConversion('purchase'), 'goal rules are ignored without ruleData');
        $sdk->flush();
        $this->assertSame([
            ['eventType' => 'conversion', 'data' => ['goalId' => '5002']],
            ['eventType' => 'conversion', 'data' => ['goalId' => '5001']],
        ], $this->postedEvents('gatekeeper'));
        $this->assertCount(2, $log->of('conversion'));
    }
}
