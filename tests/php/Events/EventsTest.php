<?php

namespace ConvertSdk\Tests\Events;

use ConvertSdk\DTO\BucketedFeature;
use ConvertSdk\DTO\BucketedVariation;
use ConvertSdk\DTO\ConversionAttributes;
use ConvertSdk\Enums\SystemEvents;
use ConvertSdk\Exception\ConfigValidationException;
use ConvertSdk\Tests\Support\Fixtures;
use ConvertSdk\Tests\Support\MemoryCache;

/**
 * System events (spec §9): every event the extension fires, its payload, deferral and the replay of the
 * first deferred firing to all listeners on subscription (§9.2).
 */
final class EventsTest extends EventsTestCase
{
    private const ALL_EVENTS = ['ready', 'config.updated', 'bucketing', 'conversion', 'location.activated', 'location.deactivated'];

    // ---- ready -------------------------------------------------------------------------------------

    public function testReadyIsReplayedToAllListenersOnEverySubscription(): void
    {
        $sdk = self::sdk();
        $calls = [];
        $listener = static function (string $name) use (&$calls): \Closure {
            return static function ($args, $err) use (&$calls, $name): void {
                $calls[] = [$name, $args, $err];
            };
        };
        $sdk->on('ready', $listener('first'));
        $this->assertSame([['first', [], null]], $calls);
        $sdk->on('ready', $listener('second'));
        $sdk->on(SystemEvents::Ready, $listener('third'));
        $this->assertSame([
            ['first', [], null],
            ['first', [], null], ['second', [], null],
            ['first', [], null], ['second', [], null], ['third', [], null],
        ], $calls);
    }

    public function testReadyFiresOncePerInstanceWhateverHappensAfterwards(): void
    {
        $sdk = self::sdk();
        $log = self::record($sdk, 'ready');
        $context = $sdk->createContext('visitor-ready', ['plan' => 'premium', 'age' => 30]);
        $context->runExperiences(['locationProperties' => self::CHECKOUT]);
        $context->trackConversion('purchase');
        $sdk->flush();
        $this->assertSame([['ready', [], null]], $log->getArrayCopy());
    }

    public function testReadyCarriesTheValidationErrorOfAnInvalidConfig(): void
    {
        $config = Fixtures::specConfig();
        unset($config['account_id']);
        $sdk = self::sdk([], $config);
        $log = self::record($sdk, 'ready');
        $again = self::record($sdk, 'ready');
        $this->assertFalse($sdk->isReady());
        $this->assertCount(2, $log, 'the first listener is called again when the second subscribes');
        [$event, $args, $err] = $log[0];
        $this->assertSame([], $args);
        $this->assertInstanceOf(ConfigValidationException::class, $err);
        $this->assertSame($err, $log[1][2], 'the remembered firing is replayed, not rebuilt');
        $this->assertSame($err, $again[0][2]);
    }

    public function testEachInstanceHasItsOwnListenersAndRecords(): void
    {
        $valid = self::sdk();
        $config = Fixtures::specConfig();
        unset($config['project']);
        $invalid = self::sdk([], $config);
        $validLog = self::record($valid, 'ready', 'bucketing');
        $invalidLog = self::record($invalid, 'ready', 'bucketing');
        $valid->createContext('visitor-0', ['plan' => 'premium', 'age' => 30])
            ->runExperience('pricing-rollout', ['locationProperties' => self::PRICING]);
        $this->assertNull($validLog[0][2]);
        $this->assertInstanceOf(ConfigValidationException::class, $invalidLog[0][2]);
        $this->assertCount(1, self::argsOf($validLog, 'bucketing'));
        $this->assertCount(1, $invalidLog, 'no bucketing event reaches another instance');
    }

    // ---- on() arguments ------------------------------------------------------------------------------

    public function testOnAcceptsEverySystemEventsCaseAndUnknownNames(): void
    {
        $sdk = self::sdk();
        $log = new \ArrayObject();
        foreach (SystemEvents::cases() as $case) {
            $this->assertNull($sdk->on($case, static function ($args, $err) use ($log, $case): void {
                $log[] = $case->value;
            }));
        }
        $sdk->on('my.custom.event', static function () use ($log): void {
            $log[] = 'custom';
        });
        $this->assertSame(['ready'], $log->getArrayCopy(), 'only ready has been fired so far');
    }

    public function testOnRejectsANonCallableListener(): void
    {
        $sdk = self::sdk();
        $this->expectException(\TypeError::class);
        $sdk->on('ready', 'no_such_function_exists_here');
    }

    public function testOnRejectsANonStringEvent(): void
    {
        $sdk = self::sdk();
        $this->expectException(\TypeError::class);
        $sdk->on(['ready'], static function (): void {
        });
    }

    // ---- bucketing ----------------------------------------------------------------------------------

    public function testBucketingPayloadForAFreshAndAStoredDecision(): void
    {
        $case = self::firstGoldenCase(static fn (array $c): bool => $c['experiences']['checkout-redesign']['normative_variation'] !== null);
        $expected = $case['experiences']['checkout-redesign']['normative_variation'];
        $sdk = self::sdk();
        $log = self::record($sdk, 'bucketing');
        $context = self::goldenContext($sdk, $case);
        $attributes = ['locationProperties' => $case['experiences']['checkout-redesign']['locationProperties']];
        $first = $context->runExperience('checkout-redesign', $attributes);
        $second = $context->runExperience('checkout-redesign', $attributes);
        $this->assertSame($expected['variationKey'], $first->variationKey);
        $this->assertSame($expected['variationKey'], $second->variationKey);
        $payload = ['visitorId' => $case['visitorId'], 'experienceKey' => 'checkout-redesign', 'variationKey' => $expected['variationKey']];
        $this->assertSame([['bucketing', $payload, null], ['bucketing', $payload, null]], $log->getArrayCopy(), 'the stored decision fires too (§1.4.2)');
    }

    public function testNoBucketingEventWithoutAVariation(): void
    {
        $case = self::firstGoldenCase(static fn (array $c): bool => $c['experiences']['pricing-rollout']['normative_variation'] === null
            && $c['experiences']['vip-banner']['normative_variation'] === null);
        $sdk = self::sdk();
        $log = self::record($sdk, 'bucketing');
        $context = self::goldenContext($sdk, $case);
        $this->assertNull($context->runExperience('pricing-rollout', ['locationProperties' => self::PRICING]), 'outside the 80 % rollout');
        $this->assertNull($context->runExperience('checkout-redesign'), 'no location properties');
        $this->assertNull($context->runExperience('archived-test', ['locationProperties' => self::PRICING]));
        $this->assertNull($context->runExperience('no-such-experience', ['locationProperties' => self::PRICING]));
        $this->assertSame([], $context->runExperiences(['locationProperties' => ['url' => 'https://elsewhere.example.com/']]));
        $this->assertCount(0, $log);
    }

    public function testALateSubscriberGetsTheFirstBucketingPayloadNotTheLatest(): void
    {
        $case = self::firstGoldenCase(static fn (array $c): bool => $c['experiences']['checkout-redesign']['normative_variation'] !== null
            && $c['experiences']['pricing-rollout']['normative_variation'] !== null);
        $sdk = self::sdk();
        $early = self::record($sdk, 'bucketing');
        $context = self::goldenContext($sdk, $case);
        $checkout = $context->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        $pricing = $context->runExperience('pricing-rollout', ['locationProperties' => self::PRICING]);
        $firstPayload = ['visitorId' => $case['visitorId'], 'experienceKey' => 'checkout-redesign', 'variationKey' => $checkout->variationKey];
        $secondPayload = ['visitorId' => $case['visitorId'], 'experienceKey' => 'pricing-rollout', 'variationKey' => $pricing->variationKey];
        $this->assertSame([$firstPayload, $secondPayload], self::argsOf($early, 'bucketing'));

        $late = self::record($sdk, 'bucketing');
        $this->assertSame([$firstPayload], self::argsOf($late, 'bucketing'), 'replay of the first deferred firing');
        $this->assertSame([$firstPayload, $secondPayload, $firstPayload], self::argsOf($early, 'bucketing'), 'replayed to every listener');

        $context->runExperience('pricing-rollout', ['locationProperties' => self::PRICING]);
        $this->assertSame([$firstPayload, $secondPayload], self::argsOf($late, 'bucketing'));
        $this->assertSame([$firstPayload, $secondPayload, $firstPayload, $secondPayload], self::argsOf($early, 'bucketing'));
    }

    public function testRunExperiencesFiresOneBucketingEventPerReturnedVariationInOrder(): void
    {
        $case = self::firstGoldenCase(static fn (array $c): bool => !in_array(null, array_column($c['experiences'], 'normative_variation'), true));
        $sdk = self::sdk();
        $log = self::record($sdk, 'bucketing');
        $context = self::goldenContext($sdk, $case);
        // A URL inside both the checkout location and the pricing site area; vip-banner has no location targeting.
        $variations = $context->runExperiences(['locationProperties' => ['url' => 'https://shop.example.com/checkout/pricing']]);
        $this->assertSame(['checkout-redesign', 'pricing-rollout', 'vip-banner'], array_map(static fn (BucketedVariation $v) => $v->experienceKey, $variations));
        $expected = array_map(static fn (BucketedVariation $v): array => [
            'visitorId' => $case['visitorId'], 'experienceKey' => $v->experienceKey, 'variationKey' => $v->variationKey,
        ], $variations);
        $this->assertSame($expected, self::argsOf($log, 'bucketing'));
        foreach ($variations as $v) {
            $this->assertSame($case['experiences'][$v->experienceKey]['normative_variation']['variationKey'], $v->variationKey);
        }
    }

    public function testRunFeatureFiresBucketingForAnEnabledFeatureOnly(): void
    {
        $case = self::firstGoldenCase(static fn (array $c): bool => $c['feature_new_checkout']['status'] === 'enabled');
        $sdk = self::sdk();
        $log = self::record($sdk, 'bucketing');
        $context = self::goldenContext($sdk, $case);
        $disabled = $context->runFeature('unused-flag', ['locationProperties' => self::CHECKOUT]);
        $this->assertSame('disabled', $disabled->status->value);
        $this->assertCount(0, $log);
        $feature = $context->runFeature('new-checkout', ['locationProperties' => self::CHECKOUT]);
        $this->assertSame('enabled', $feature->status->value);
        $this->assertSame([[
            'visitorId' => $case['visitorId'], 'experienceKey' => 'checkout-redesign', 'featureKey' => 'new-checkout', 'status' => 'enabled',
        ]], self::argsOf($log, 'bucketing'));
        $this->assertNull($log[0][2]);
    }

    public function testRunFeaturesFiresOneBucketingEventPerEnabledFeature(): void
    {
        $case = self::firstGoldenCase(static fn (array $c): bool => $c['feature_new_checkout']['status'] === 'enabled'
            && $c['feature_pricing_v2']['status'] === 'disabled');
        $sdk = self::sdk();
        $log = self::record($sdk, 'bucketing');
        $context = self::goldenContext($sdk, $case);
        $features = $context->runFeatures(['locationProperties' => ['url' => 'https://shop.example.com/checkout/pricing']]);
        $enabled = array_values(array_filter($features, static fn (BucketedFeature $f): bool => $f->status->value === 'enabled'));
        $this->assertSame(['new-checkout'], array_map(static fn (BucketedFeature $f) => $f->featureKey, $enabled));
        $this->assertSame([[
            'visitorId' => $case['visitorId'], 'experienceKey' => self::experienceCarrying('6001'), 'featureKey' => 'new-checkout', 'status' => 'enabled',
        ]], self::argsOf($log, 'bucketing'));
    }

    /** Key of the experience whose variations carry feature $featureId (spec §8.1). */
    private static function experienceCarrying(string $featureId): string
    {
        foreach (Fixtures::specConfig()['experiences'] as $experience) {
            foreach ($experience['variations'] as $variation) {
                foreach ($variation['changes'] ?? [] as $change) {
                    if ((string) ($change['data']['feature_id'] ?? '') === $featureId) {
                        return $experience['key'];
                    }
                }
            }
        }
        throw new \RuntimeException("no experience carries feature $featureId");
    }

    // ---- conversion ---------------------------------------------------------------------------------

    public function testConversionEventOnlyWhenTheConversionIsAccepted(): void
    {
        $sdk = self::sdk();
        $log = self::record($sdk, 'conversion');
        $context = $sdk->createContext('converter');
        $this->assertFalse($context->trackConversion('no-such-goal'));
        $this->assertFalse($context->trackConversion('add-to-cart', new ConversionAttributes(ruleData: ['action' => 'remove'])));
        $this->assertCount(0, $log);

        $this->assertNull($context->trackConversion('add-to-cart', new ConversionAttributes(ruleData: ['action' => 'add'])));
        $this->assertNull($context->trackConversion('purchase'));
        $this->assertNull($context->trackConversion('purchase'), 'deduplicated repeat');
        $this->assertSame([
            ['conversion', ['visitorId' => 'converter', 'goalKey' => 'add-to-cart'], null],
            ['conversion', ['visitorId' => 'converter', 'goalKey' => 'purchase'], null],
        ], $log->getArrayCopy(), 'no event for a deduplicated repeat (§14 #9)');

        $forced = new ConversionAttributes(conversionData: [['key' => 'amount', 'value' => 10]], conversionSetting: ['forceMultipleTransactions' => true]);
        $this->assertNull($context->trackConversion('purchase', $forced));
        $this->assertCount(3, $log, 'a forced repeat is accepted (§7.6)');
        $this->assertSame(['visitorId' => 'converter', 'goalKey' => 'purchase'], $log[2][1]);

        $late = self::record($sdk, 'conversion');
        $this->assertSame([['visitorId' => 'converter', 'goalKey' => 'add-to-cart']], self::argsOf($late, 'conversion'), 'deferred: first firing replayed');
    }

    // ---- locations ----------------------------------------------------------------------------------

    public function testLocationActivatedOnceEverAndDeactivatedOnEveryMiss(): void
    {
        $sdk = self::sdk();
        $log = self::record($sdk, 'location.activated', 'location.deactivated');
        $context = $sdk->createContext('walker', ['plan' => 'basic']);
        $location = ['id' => '2001', 'key' => 'checkout-page', 'name' => 'Checkout page'];
        $payload = ['visitorId' => 'walker', 'location' => $location];
        $run = static fn (string $url) => $context->runExperience('checkout-redesign', ['locationProperties' => ['url' => $url]]);

        $this->assertNull($run('https://shop.example.com/checkout'), 'audience fails, but the location matched first (§4.3 step 5)');
        $this->assertSame([['location.activated', $payload, null]], $log->getArrayCopy());
        $run('https://shop.example.com/checkout/step-2');
        $this->assertCount(1, $log, 'still matched: no new event');
        $run('https://shop.example.com/cart');
        $run('https://shop.example.com/cart');
        $this->assertSame([
            ['location.activated', $payload, null],
            ['location.deactivated', $payload, null],
            ['location.deactivated', $payload, null],
        ], $log->getArrayCopy(), 'stored locations never shrink, so deactivation re-fires (§4.3.1)');
        $run('https://shop.example.com/checkout');
        $this->assertCount(3, $log, 'activated fires only the first time ever');
        $this->assertSame(['checkout-page'], $context->getVisitorData()['locations']);

        $late = self::record($sdk, 'location.activated', 'location.deactivated');
        $this->assertSame([['location.activated', $payload, null], ['location.deactivated', $payload, null]], $late->getArrayCopy());
    }

    public function testLocationEventsAreScopedToTheVisitor(): void
    {
        $sdk = self::sdk();
        $log = self::record($sdk, 'location.activated');
        foreach (['v-one', 'v-two'] as $visitor) {
            $sdk->createContext($visitor)->runExperience('checkout-redesign', ['locationProperties' => self::CHECKOUT]);
        }
        $this->assertSame(['v-one', 'v-two'], array_column(self::argsOf($log, 'location.activated'), 'visitorId'));
    }

    // ---- order of a whole session ---------------------------------------------------------------------

    public function testTheGoldenTrackingScenarioFiresTheNormativeEventSequence(): void
    {
        $fixture = Fixtures::json('golden-php-sdk-tracking-scenario.json');
        $sdk = self::sdk();
        $log = self::record($sdk, ...self::ALL_EVENTS);
        $context = null;
        foreach ($fixture['steps'] as $step) {
            switch ($step['call']) {
                case 'createContext':
                    $context = $sdk->createContext($step['visitorId'], $step['visitorAttributes']);
                    break;
                case 'runCustomSegments':
                    $this->assertSame($step['returned'], $context->runCustomSegments($step['segmentKeys'], $step['attributes']));
                    break;
                case 'runExperience':
                    $variation = $context->runExperience($step['experienceKey'], $step['bucketingAttributes']);
                    $this->assertSame($step['returned'], Fixtures::summary($variation));
                    break;
                case 'trackConversion':
                    $attributes = new ConversionAttributes(ruleData: $step['ruleData'] ?? null, conversionData: $step['conversionData'] ?? null);
                    $this->assertSame($step['returned'], $context->trackConversion($step['goalKey'], $attributes));
                    break;
                case 'flush':
                    $sdk->flush();
                    break;
            }
        }
        // The PHP SDK also fires `conversion` for the deduplicated repeat; the normative sequence does not (§14 #9).
        $phpEvents = $fixture['system_events'];
        $dropped = array_pop($phpEvents);
        $this->assertSame(['event' => 'conversion', 'args' => ['visitorId' => 'alice', 'goalKey' => 'purchase'], 'err' => null], $dropped);
        $expected = array_map(static fn (array $e): array => [$e['event'], $e['args'], $e['err']], $phpEvents);
        $this->assertSame($expected, $log->getArrayCopy());
    }

    // ---- config.updated -------------------------------------------------------------------------------

    public function testConfigUpdatedIsNeverFiredInDataMode(): void
    {
        $config = Fixtures::specConfig();
        $first = self::sdk([], $config);
        $config['project']['name'] = 'Renamed ' . uniqid();
        $second = self::sdk([], $config);
        $second->createContext('data-mode-visitor');
        $this->assertCount(0, self::record($first, 'config.updated'));
        $this->assertCount(0, self::record($second, 'config.updated'));
    }

    public function testConfigUpdatedIsFiredWhenARefreshBringsADifferentConfig(): void
    {
        // sdkKey mode with the config already in the PSR-16 cache (§3.2), so no HTTP is involved; two keys,
        // one whose cached config changes and one whose does not, refreshed after one interval.
        $cache = new MemoryCache();
        $config = Fixtures::specConfig();
        $changing = 'events' . bin2hex(random_bytes(6));
        $stable = 'events' . bin2hex(random_bytes(6));
        $cache->entries[MemoryCache::configKey($changing)] = $config;
        $cache->entries[MemoryCache::configKey($stable)] = $config;
        $create = static fn (string $sdkKey) => self::sdk(['sdkKey' => $sdkKey, 'dataRefreshInterval' => 1000, 'cache' => $cache]);

        foreach ([$changing, $stable] as $sdkKey) {
            $this->assertSame([['ready', [], null]], self::record($create($sdkKey), 'ready', 'config.updated')->getArrayCopy(), 'first load');
        }
        $renamed = $config;
        $renamed['experiences'][0]['name'] = 'Checkout redesign v2';
        $cache->entries[MemoryCache::configKey($changing)] = $renamed;
        $this->assertCount(0, self::record($create($changing), 'config.updated'), 'within the interval the process copy is used');

        usleep(1_100_000);
        $refreshed = $create($changing);
        $log = self::record($refreshed, 'ready', 'config.updated');
        $this->assertSame([['ready', [], null], ['config.updated', [], null]], $log->getArrayCopy());
        $this->assertSame([['config.updated', [], null]], self::record($refreshed, 'config.updated')->getArrayCopy(), 'deferred: replayed on subscription');
        $this->assertSame('Checkout redesign v2', $refreshed->createContext('updated-visitor')->getConfigEntity('checkout-redesign', 'experience')['name']);
        $this->assertCount(0, self::record($create($changing), 'config.updated'), 'the next instance sees no change');

        $this->assertCount(0, self::record($create($stable), 'config.updated'), 'a refresh bringing the same config is not an update');
    }
}
