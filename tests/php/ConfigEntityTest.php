<?php

use ConvertSdk\Enums\EntityType;
use ConvertSdk\Interfaces\ContextInterface;
use ConvertSdk\Tests\Support\Fixtures;
use PHPUnit\Framework\TestCase;

/** Context::getConfigEntity / getConfigEntityById (spec §1.4.2, §2, §11). */
final class ConfigEntityTest extends TestCase
{
    private const LISTS = [
        'goal' => 'goals', 'audience' => 'audiences', 'location' => 'locations', 'segment' => 'segments',
        'experience' => 'experiences', 'feature' => 'features',
    ];

    private static function context(?array $config = null): ContextInterface
    {
        return Fixtures::sdk($config ?? Fixtures::specConfig())->createContext('entity-visitor');
    }

    /** Every entity of the example config, by type: [type, entity]. */
    public static function entities(): array
    {
        $config = Fixtures::specConfig();
        $rows = [];
        foreach (self::LISTS as $type => $list) {
            foreach ($config[$list] as $entity) {
                $rows["$type {$entity['key']}"] = [$type, $entity];
            }
        }
        return $rows;
    }

    /** @dataProvider entities */
    public function testEntityByKeyIsTheConfigValueUnmodified(string $type, array $entity): void
    {
        $this->assertSame($entity, self::context()->getConfigEntity($entity['key'], $type));
    }

    /** @dataProvider entities */
    public function testEntityByIdIsTheConfigValueUnmodified(string $type, array $entity): void
    {
        $this->assertSame($entity, self::context()->getConfigEntityById($entity['id'], $type));
    }

    public function testEntityTypeValuesFromTheEnumWork(): void
    {
        $config = Fixtures::specConfig();
        $context = self::context();
        $this->assertSame($config['goals'][0], $context->getConfigEntity('purchase', EntityType::Goal->value));
        $this->assertSame($config['features'][1], $context->getConfigEntityById('6002', EntityType::Feature->value));
    }

    public function testVariationIsSearchedInEveryExperienceFirstHitWins(): void
    {
        $config = Fixtures::specConfig();
        $context = self::context();
        // key 'a' exists in staging-only (1003) and archived-test (1004): the first experience wins
        $this->assertSame($config['experiences'][2]['variations'][0], $context->getConfigEntity('a', 'variation'));
        $this->assertSame('10031', $context->getConfigEntity('a', 'variation')['id']);
        $this->assertSame($config['experiences'][4]['variations'][1], $context->getConfigEntity('banner', 'variation'));
        $this->assertSame($config['experiences'][0]['variations'][1], $context->getConfigEntityById('10012', 'variation'));
        $this->assertSame($config['experiences'][3]['variations'][0], $context->getConfigEntityById('10041', 'variation'));
    }

    public function testReturnedValuesKeepJsonNumberTypes(): void
    {
        $experience = self::context()->getConfigEntity('checkout-redesign', 'experience');
        $this->assertSame(50.0, $experience['variations'][0]['traffic_allocation']);
        $this->assertSame(90001, $experience['variations'][0]['changes'][0]['id']);
        $this->assertSame(6001, $experience['variations'][0]['changes'][0]['data']['feature_id']);
        $this->assertSame(11, $experience['version']);
        $this->assertNull($experience['site_area']);
        $this->assertSame(80, self::context()->getConfigEntityById('10022', 'variation')['traffic_allocation']);
    }

    public function testArchivedExperiencesAreStillConfigEntities(): void
    {
        $this->assertSame('1004', self::context()->getConfigEntity('archived-test', 'experience')['id']);
    }

    public function testIntegerIdIsCoercedAndComparedAsString(): void
    {
        // §11: users pass the integer feature_id of a change
        $context = self::context();
        $featureId = $context->getConfigEntity('checkout-redesign', 'experience')['variations'][0]['changes'][0]['data']['feature_id'];
        $this->assertSame(6001, $featureId);
        $this->assertSame('new-checkout', $context->getConfigEntityById($featureId, 'feature')['key']);
        $this->assertSame('premium-users', $context->getConfigEntityById(3001, 'audience')['key']);
    }

    public function testIdsAreComparedAsDecimalStringsWhenTheConfigHoldsIntegers(): void
    {
        $config = Fixtures::specConfig();
        $config['goals'][0]['id'] = 5001;
        $config['features'][0]['id'] = 6001;
        $context = self::context($config);
        $this->assertSame('purchase', $context->getConfigEntityById('5001', 'goal')['key']);
        $this->assertSame(6001, $context->getConfigEntityById('6001', 'feature')['id']);
    }

    public static function misses(): array
    {
        return [
            'unknown goal key' => ['getConfigEntity', 'no-such-goal', 'goal'],
            'key of another type' => ['getConfigEntity', 'purchase', 'feature'],
            'unknown variation key' => ['getConfigEntity', 'nope', 'variation'],
            'unknown entity type' => ['getConfigEntity', 'purchase', 'banana'],
            'plural type name' => ['getConfigEntity', 'purchase', 'goals'],
            'type is case-sensitive' => ['getConfigEntity', 'purchase', 'Goal'],
            'empty key' => ['getConfigEntity', '', 'goal'],
            'unknown id' => ['getConfigEntityById', '9999', 'goal'],
            'id of another type' => ['getConfigEntityById', '5001', 'audience'],
            'id for unknown type' => ['getConfigEntityById', '5001', 'banana'],
            'key given as id' => ['getConfigEntityById', 'purchase', 'goal'],
            'id given as key' => ['getConfigEntity', '5001', 'goal'],
        ];
    }

    /** @dataProvider misses */
    public function testNotFoundGivesNull(string $method, string $needle, string $type): void
    {
        $this->assertNull(self::context()->$method($needle, $type));
    }

    public function testMissingListsGiveNull(): void
    {
        $context = self::context(['account_id' => '1', 'project' => ['id' => '2']]);
        foreach (array_merge(array_keys(self::LISTS), ['variation']) as $type) {
            $this->assertNull($context->getConfigEntity('x', $type), $type);
            $this->assertNull($context->getConfigEntityById('1', $type), $type);
        }
    }

    public function testNamedArguments(): void
    {
        $context = self::context();
        $this->assertSame('5001', $context->getConfigEntity(entityType: 'goal', key: 'purchase')['id']);
        $this->assertSame('purchase', $context->getConfigEntityById(entityType: 'goal', id: '5001')['key']);
    }
}
