<?php

namespace ConvertSdk\Tests\Events;

use ConvertSdk\Context;
use ConvertSdk\Enums\LogLevel;
use ConvertSdk\Tests\Support\Fixtures;
use ConvertSdk\Tests\Support\RecordingLogger;

/**
 * Decision explanations: one debug-level log line per experience decision,
 * `decision visitor=<id> experience=<key> result=<variationKey|null> reason=<reason>`, telling a developer
 * why a visitor got null (spec §4.3 order of checks) or how the variation was chosen.
 */
final class ExplanationTest extends EventsTestCase
{
    private RecordingLogger $logger;

    protected function setUp(): void
    {
        $this->logger = new RecordingLogger();
    }

    /** The explanation lines logged while $call runs. */
    private function explain(callable $call): array
    {
        $this->logger->calls = [];
        $call();
        return $this->logger->decisions();
    }

    private static function line(string $visitor, string $experience, ?string $variationKey, string $reason): string
    {
        return "decision visitor=$visitor experience=$experience result=" . ($variationKey ?? 'null') . " reason=$reason";
    }

    private function sdkWithLogger(?array $config = null): \ConvertSdk\Interfaces\CoreInterface
    {
        return self::sdk(self::loggerOption($this->logger, LogLevel::Debug), $config);
    }

    /** @return array<string, array{0: string, 1: array, 2: ?array, 3: string}> */
    public static function nullReasons(): array
    {
        $premium = ['plan' => 'premium', 'age' => 30];
        return [
            'unknown key' => ['no-such-experience', $premium, ['locationProperties' => self::CHECKOUT], 'unknown_key'],
            'archived' => ['archived-test', $premium, ['locationProperties' => self::CHECKOUT], 'archived'],
            'environment' => ['staging-only', $premium, ['locationProperties' => self::CHECKOUT], 'environment_mismatch'],
            'no location properties' => ['checkout-redesign', $premium, null, 'no_location_properties'],
            'empty location properties' => ['checkout-redesign', $premium, ['locationProperties' => []], 'no_location_properties'],
            'location not matched' => ['checkout-redesign', $premium, ['locationProperties' => ['url' => 'https://shop.example.com/cart']], 'location_not_matched'],
            'site area not matched' => ['pricing-rollout', $premium, ['locationProperties' => self::CHECKOUT], 'location_not_matched'],
            'audience not matched' => ['checkout-redesign', ['plan' => 'basic', 'age' => 30], ['locationProperties' => self::CHECKOUT], 'audience_not_matched'],
            'audience needs properties' => ['checkout-redesign', [], ['locationProperties' => self::CHECKOUT], 'audience_not_matched'],
            'segment not matched' => ['vip-banner', $premium, ['locationProperties' => ['page' => 'home']], 'segment_not_matched'],
        ];
    }

    /** @dataProvider nullReasons */
    public function testWhyAVisitorGotNull(string $key, array $visitorAttributes, ?array $attributes, string $reason): void
    {
        $context = $this->sdkWithLogger()->createContext('why-null', $visitorAttributes);
        $lines = $this->explain(fn () => $this->assertNull($context->runExperience($key, $attributes)));
        $this->assertSame([self::line('why-null', $key, null, $reason)], $lines);
    }

    public function testTheChecksRunInTheOrderOfTheSpecification(): void
    {
        // Archived and in another environment: archived is checked first (§4.3 steps 2, 3).
        $config = Fixtures::specConfigWith('staging-only', static fn (array $e): array => $e);
        $config['archived_experiences'][] = '1003';
        $context = $this->sdkWithLogger($config)->createContext('order', ['plan' => 'basic']);
        $this->assertSame([self::line('order', 'staging-only', null, 'archived')], $this->explain(fn () => $context->runExperience('staging-only')));
        // Location before audiences (steps 5, 6).
        $this->assertSame(
            [self::line('order', 'checkout-redesign', null, 'location_not_matched')],
            $this->explain(fn () => $context->runExperience('checkout-redesign', ['locationProperties' => ['url' => '/cart']]))
        );
    }

    public function testNoVariations(): void
    {
        $config = Fixtures::specConfigWith('pricing-rollout', static fn (array $e): array => ['variations' => []] + $e);
        $context = $this->sdkWithLogger($config)->createContext('empty');
        $this->assertSame(
            [self::line('empty', 'pricing-rollout', null, 'no_variations')],
            $this->explain(fn () => $context->runExperience('pricing-rollout', ['locationProperties' => self::PRICING]))
        );
    }

    public function testFreshDecisionsNameTheirBucketValueAndStoredOnesSaySo(): void
    {
        $checked = 0;
        foreach (array_slice(self::goldenCases(), 0, 12) as $case) {
            $context = self::goldenContext($this->sdkWithLogger(), $case);
            foreach ($case['experiences'] as $key => $expected) {
                $variationKey = $expected['normative_variation']['variationKey'] ?? null;
                $attributes = ['locationProperties' => $expected['locationProperties']];
                $reason = $variationKey === null ? 'outside_traffic' : 'bucketed bucket_value=' . $expected['bucketValue'];
                $this->assertSame([self::line($case['visitorId'], $key, $variationKey, $reason)], $this->explain(fn () => $context->runExperience($key, $attributes)));
                if ($variationKey !== null) {
                    $this->assertSame(
                        [self::line($case['visitorId'], $key, $variationKey, 'stored_or_forced')],
                        $this->explain(fn () => $context->runExperience($key, $attributes)),
                        'second call: the stored decision'
                    );
                }
                $checked++;
            }
        }
        $this->assertSame(36, $checked);
    }

    public function testOutsideTrafficIsExplained(): void
    {
        $case = self::firstGoldenCase(static fn (array $c): bool => $c['experiences']['pricing-rollout']['normative_variation'] === null);
        $this->assertGreaterThanOrEqual(8000, $case['experiences']['pricing-rollout']['bucketValue'], 'beyond the 80 % rollout');
        $context = self::goldenContext($this->sdkWithLogger(), $case);
        $this->assertSame(
            [self::line($case['visitorId'], 'pricing-rollout', null, 'outside_traffic')],
            $this->explain(fn () => $context->runExperience('pricing-rollout', ['locationProperties' => self::PRICING]))
        );
    }

    public function testRunExperiencesExplainsEveryExperienceInConfigOrder(): void
    {
        $case = self::goldenCase('visitor-0');
        $context = self::goldenContext($this->sdkWithLogger(), $case);
        $lines = $this->explain(fn () => $context->runExperiences(['locationProperties' => self::PRICING]));
        $keys = array_column(Fixtures::specConfig()['experiences'], 'key');
        $this->assertCount(count($keys), $lines);
        foreach ($keys as $i => $key) {
            $this->assertStringStartsWith("decision visitor=visitor-0 experience=$key result=", $lines[$i]);
        }
        $this->assertSame(self::line('visitor-0', 'checkout-redesign', null, 'location_not_matched'), $lines[0]);
        $this->assertSame(self::line('visitor-0', 'staging-only', null, 'environment_mismatch'), $lines[2]);
        $this->assertSame(self::line('visitor-0', 'archived-test', null, 'archived'), $lines[3]);
    }

    public function testPreviewAndForcedStoredDecisionsAreExplained(): void
    {
        $case = self::goldenCase('visitor-2');
        $sdk = $this->sdkWithLogger();
        $context = self::goldenContext($sdk, $case);
        $natural = $case['experiences']['checkout-redesign']['normative_variation'];
        $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $this->assertSame(
            [self::line('visitor-2', 'checkout-redesign', $natural['variationKey'], 'stored_or_forced')],
            $this->explain(fn () => $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT, 'forceVariationId' => $natural['variationId']]))
        );
        $previewing = $sdk->createContext('previewer');
        $previewing->setPreview(Context::parsePreviewParam('1001.10012'));
        $this->assertSame(
            [self::line('previewer', 'checkout-redesign', 'treatment', 'stored_or_forced')],
            $this->explain(fn () => $previewing->runExperience('checkout-redesign'))
        );
    }

    public function testAForcedFreshDecisionNamesTheForcedVariation(): void
    {
        $case = self::goldenCase('visitor-0');
        $context = self::goldenContext($this->sdkWithLogger(), $case);
        $lines = $this->explain(fn () => $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT, 'forceVariationId' => '10011']));
        $this->assertCount(1, $lines);
        $this->assertStringStartsWith('decision visitor=visitor-0 experience=checkout-redesign result=control reason=', $lines[0]);
    }

    public function testEnvironmentOverrideIsExplained(): void
    {
        $context = $this->sdkWithLogger()->createContext('stager');
        $line = $this->explain(fn () => $context->runExperience('staging-only', ['locationProperties' => self::CHECKOUT, 'environment' => 'staging']));
        $this->assertMatchesRegularExpression('/^decision visitor=stager experience=staging-only result=a reason=bucketed bucket_value=\d+$/', $line[0] ?? '');
    }

    public function testExplanationsAreDebugLevelOnly(): void
    {
        foreach ([LogLevel::Info, LogLevel::Warn, LogLevel::Error] as $level) {
            $logger = new RecordingLogger();
            $context = self::sdk(self::loggerOption($logger, $level))->createContext('quiet', ['plan' => 'premium', 'age' => 30]);
            $context->runExperiences(['locationProperties' => self::CHECKOUT]);
            $context->runExperience('no-such-experience');
            $this->assertSame([], $logger->decisions(), $level->name);
        }
        $trace = new RecordingLogger();
        self::sdk(self::loggerOption($trace, LogLevel::Trace))->createContext('loud')->runExperience('no-such-experience');
        $this->assertSame([self::line('loud', 'no-such-experience', null, 'unknown_key')], $trace->decisions());
        $this->assertSame(['debug'], $trace->methods());
    }
}
