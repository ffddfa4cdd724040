<?php

namespace ConvertSdk\Tests\RemoteConfig;

/** Project configs served by the test config server. */
final class RemoteConfigs
{
    public const EXPERIENCE_KEY = 'remote-exp';

    /** runExperience() attributes: location properties must be non-empty for any decision (spec §4.3). */
    public const ATTRIBUTES = ['locationProperties' => ['url' => 'https://example.test/']];

    /**
     * A valid config with one running experience whose single variation ($variationKey) takes all
     * traffic, so that every visitor's decision names the config version that made it.
     */
    /** The `changes` of the variation named $variationKey (they name it too). */
    public static function changesOf(string $variationKey): array
    {
        return [['id' => 91011, 'type' => 'customCode', 'data' => ['js' => "show('$variationKey');", 'weights' => [1, 2.5]]]];
    }

    public static function withVariation(string $variationKey): array
    {
        return [
            'account_id' => '100123',
            'project' => ['id' => '100456', 'name' => 'remote config tests'],
            'experiences' => [[
                'id' => '9100',
                'key' => self::EXPERIENCE_KEY,
                'name' => 'Remote experience',
                'status' => 'active',
                'type' => 'a/b',
                'variations' => [[
                    'id' => '9101',
                    'key' => $variationKey,
                    'status' => 'running',
                    'traffic_allocation' => 100,
                    'changes' => self::changesOf($variationKey),
                ]],
                'audiences' => [],
                'goals' => [],
            ]],
            'audiences' => [],
            'segments' => [],
            'locations' => [],
            'goals' => [],
            'features' => [],
        ];
    }

    /**
     * The config of spec §2.3 with its experiences repeated (fresh ids and keys) until there are
     * $count of them; $salt goes into every experience name so that configs can differ everywhere.
     */
    public static function large(array $specConfig, int $count, string $salt = ''): array
    {
        $templates = $specConfig['experiences'];
        $experiences = [];
        for ($i = 0; $i < $count; $i++) {
            $experience = $templates[$i % count($templates)];
            $experience['id'] = (string) (500000 + $i);
            $experience['key'] = $experience['key'] . "-$i";
            $experience['name'] = "Experience $i $salt";
            $experiences[] = $experience;
        }
        $specConfig['experiences'] = $experiences;
        return $specConfig;
    }
}
