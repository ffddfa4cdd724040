<?php

use ConvertSdk\Enums\DataEntities;
use ConvertSdk\Enums\FeatureStatus;
use ConvertSdk\Enums\GoalDataKey;
use ConvertSdk\Enums\LogLevel;
use PHPUnit\Framework\TestCase;

/** The enums and constant classes of spec §1.7. */
final class EnumTest extends TestCase
{
    /** Enum short name => [case name => value], in declaration order (spec §1.7 table). */
    private const ENUMS = [
        'FeatureStatus' => ['Enabled' => 'enabled', 'Disabled' => 'disabled'],
        'GoalDataKey' => [
            'Amount' => 'amount', 'ProductsCount' => 'productsCount', 'TransactionId' => 'transactionId',
            'CustomDimension1' => 'customDimension1', 'CustomDimension2' => 'customDimension2',
            'CustomDimension3' => 'customDimension3', 'CustomDimension4' => 'customDimension4',
            'CustomDimension5' => 'customDimension5',
        ],
        'ConversionSettingKey' => ['ForceMultipleTransactions' => 'forceMultipleTransactions'],
        'SystemEvents' => [
            'Ready' => 'ready', 'ConfigUpdated' => 'config.updated', 'ApiQueueReleased' => 'api.queue.released',
            'Bucketing' => 'bucketing', 'Conversion' => 'conversion', 'Segments' => 'segments',
            'LocationActivated' => 'location.activated', 'LocationDeactivated' => 'location.deactivated',
            'Audiences' => 'audiences', 'DataStoreQueueReleased' => 'datastore.queue.released',
        ],
        'RuleError' => ['NoDataFound' => 'convert.com_no_data_found', 'NeedMoreData' => 'convert.com_need_more_data'],
        'BucketingError' => ['VariationNotDecided' => 'convert.com_variation_not_decided'],
        'LogLevel' => ['Trace' => 0, 'Debug' => 1, 'Info' => 2, 'Warn' => 3, 'Error' => 4, 'Silent' => 5],
        'LogMethod' => ['Log' => 'log', 'Trace' => 'trace', 'Debug' => 'debug', 'Info' => 'info', 'Warn' => 'warn', 'Error' => 'error'],
        'EntityType' => [
            'Audience' => 'audience', 'Location' => 'location', 'Segment' => 'segment', 'Feature' => 'feature',
            'Goal' => 'goal', 'Experience' => 'experience', 'Variation' => 'variation',
        ],
        'VariableTypes' => ['Boolean' => 'boolean', 'Float' => 'float', 'Json' => 'json', 'Integer' => 'integer', 'String' => 'string'],
        'VariationChangeType' => [
            'RichStructure' => 'richStructure', 'CustomCode' => 'customCode', 'DefaultCode' => 'defaultCode',
            'DefaultCodeMultipage' => 'defaultCodeMultipage', 'DefaultRedirect' => 'defaultRedirect',
            'FullstackFeature' => 'fullStackFeature',
        ],
        'SegmentsKeys' => [
            'Country' => 'country', 'Browser' => 'browser', 'Devices' => 'devices', 'Source' => 'source',
            'Campaign' => 'campaign', 'VisitorType' => 'visitor_type', 'CustomSegments' => 'custom_segments',
        ],
        'ProjectType' => ['Web' => 'web', 'Fullstack' => 'fullstack'],
        'DoNotTrack' => ['Off' => 'OFF', 'EuOnly' => 'EU ONLY', 'EeaOnly' => 'EEA ONLY', 'Worldwide' => 'Worldwide'],
        'BrowserType' => ['Ie' => 'IE', 'Ch' => 'CH', 'Ff' => 'FF', 'Op' => 'OP', 'Sf' => 'SF', 'Edg' => 'EDG', 'Mo' => 'MO', 'Ns' => 'NS', 'Oth' => 'OTH'],
        'DeviceType' => [
            'Allph' => 'ALLPH', 'Iph' => 'IPH', 'Othph' => 'OTHPH', 'Alltab' => 'ALLTAB', 'Ipad' => 'IPAD',
            'Othtab' => 'OTHTAB', 'Desk' => 'DESK', 'Othdev' => 'OTHDEV',
        ],
        'SourceType' => ['Campaign' => 'campaign', 'Search' => 'search', 'Referral' => 'referral', 'Direct' => 'direct'],
        'VisitorType' => ['New' => 'new', 'Returning' => 'returning'],
    ];

    public static function enums(): array
    {
        $rows = [];
        foreach (self::ENUMS as $name => $cases) {
            $rows[$name] = ['ConvertSdk\\Enums\\' . $name, $cases];
        }
        return $rows;
    }

    /** @dataProvider enums */
    public function testIsARealBackedEnum(string $class, array $cases): void
    {
        $this->assertTrue(enum_exists($class), "$class is an enum");
        $reflection = new \ReflectionEnum($class);
        $this->assertTrue($reflection->isBacked());
        $expectedType = is_int(reset($cases)) ? 'int' : 'string';
        $this->assertSame($expectedType, (string) $reflection->getBackingType());
        $this->assertTrue(is_subclass_of($class, \BackedEnum::class));
        $this->assertTrue(is_subclass_of($class, \UnitEnum::class));
    }

    /** @dataProvider enums */
    public function testCasesAndValuesInOrder(string $class, array $cases): void
    {
        $actual = [];
        foreach ($class::cases() as $case) {
            $actual[$case->name] = $case->value;
        }
        $this->assertSame($cases, $actual);
    }

    /** @dataProvider enums */
    public function testFromTryFromAndIdentity(string $class, array $cases): void
    {
        foreach ($cases as $name => $value) {
            $case = constant("$class::$name");
            $this->assertInstanceOf($class, $case);
            $this->assertSame($case, $class::from($value));
            $this->assertSame($case, $class::tryFrom($value));
            $this->assertTrue($case === $class::from($value));
            $this->assertSame($name, $case->name);
            $this->assertSame($value, $case->value);
        }
        $invalid = is_int(reset($cases)) ? 99 : 'no-such-value';
        $this->assertNull($class::tryFrom($invalid));
        $this->expectException(\ValueError::class);
        $class::from($invalid);
    }

    /** @dataProvider enums */
    public function testCasesAreImmutableSingletons(string $class, array $cases): void
    {
        $first = $class::cases()[0];
        $this->assertSame($first, $class::cases()[0]);
        $this->expectException(\Error::class);
        $first->value = $first->value;
    }

    public function testEnumsAreUsableInMatchAndAsArrayValues(): void
    {
        $label = match (FeatureStatus::from('enabled')) {
            FeatureStatus::Enabled => 'on',
            FeatureStatus::Disabled => 'off',
        };
        $this->assertSame('on', $label);
        $this->assertSame('"amount"', json_encode(GoalDataKey::Amount));
        $this->assertSame('3', json_encode(LogLevel::Warn));
        $this->assertSame(serialize(LogLevel::Warn), serialize(LogLevel::from(3)));
        $this->assertSame(LogLevel::Warn, unserialize(serialize(LogLevel::Warn)));
    }

    public function testCaseValuesAreCaseSensitive(): void
    {
        $this->assertNull(FeatureStatus::tryFrom('Enabled'));
    }

    public function testDataEntitiesConstants(): void
    {
        $this->assertSame(
            ['events', 'goals', 'audiences', 'locations', 'segments', 'experiences', 'archived_experiences', 'experiences.variations', 'features', 'features.variables'],
            DataEntities::DATA_ENTITIES
        );
        $this->assertSame(
            ['goal' => 'goals', 'audience' => 'audiences', 'location' => 'locations', 'segment' => 'segments', 'experience' => 'experiences', 'variation' => 'experiences.variations', 'feature' => 'features'],
            DataEntities::DATA_ENTITIES_MAP
        );
        $this->assertFalse(enum_exists(DataEntities::class));
    }
}
