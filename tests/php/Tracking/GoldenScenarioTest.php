<?php

namespace ConvertSdk\Tests\Tracking;

use ConvertSdk\DTO\ConversionAttributes;
use ConvertSdk\Interfaces\ContextInterface;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Support\Fixtures;
use OpenAPI\Client\BucketingAttributes;

/**
 * Replays the steps of golden-php-sdk-tracking-scenario.json through the PHP API against the capture
 * server and compares the one request sent on flush(), the stored visitor data and the system events
 * with what the PHP SDK produced, after the normative differences of spec §13/§14 (rows 2, 9, 11, 12).
 */
final class GoldenScenarioTest extends TrackingTestCase
{
    private static function golden(): array
    {
        return Fixtures::json('golden-php-sdk-tracking-scenario.json');
    }

    /** Runs one step of the scenario; returns the SDK call's result in the golden file's form. */
    private static function replay(CoreInterface $sdk, ?ContextInterface &$context, array $step): mixed
    {
        switch ($step['call']) {
            case 'createContext':
                $context = $sdk->createContext($step['visitorId'], $step['visitorAttributes']);
                return null;
            case 'runCustomSegments':
                return $context->runCustomSegments($step['segmentKeys'], $step['attributes']);
            case 'runExperience':
                $variation = $context->runExperience($step['experienceKey'], new BucketingAttributes($step['bucketingAttributes']));
                return Fixtures::summary($variation);
            case 'trackConversion':
                $attributes = isset($step['ruleData']) || isset($step['conversionData'])
                    ? new ConversionAttributes(ruleData: $step['ruleData'] ?? null, conversionData: $step['conversionData'] ?? null)
                    : null;
                return $context->trackConversion($step['goalKey'], $attributes);
            case 'flush':
                $sdk->flush();
                return null;
        }
        throw new \LogicException('unknown step ' . $step['call']);
    }

    /** The PHP SDK's request body with the normative wire names (§14 row 11) and no empty `segments` (row 12). */
    private static function normativeBody(array $body): array
    {
        foreach ($body['visitors'] as $i => $visitor) {
            $segments = $visitor['segments'] ?? [];
            if ($segments === []) {
                unset($body['visitors'][$i]['segments']);
                continue;
            }
            $renamed = [];
            foreach ($segments as $key => $value) {
                $renamed[$key === 'custom_segments' ? 'customSegments' : $key] = $value;
            }
            $body['visitors'][$i]['segments'] = $renamed;
        }
        return $body;
    }

    /** The PHP SDK's events without the `conversion` event of the deduplicated repeat (§14 row 9). */
    private static function normativeEvents(array $golden): array
    {
        $events = $golden['system_events'];
        $dedupGoal = null;
        foreach ($golden['steps'] as $step) {
            if (($step['note'] ?? '') === 'deduplicated repeat') {
                $dedupGoal = $step['goalKey'];
            }
        }
        for ($i = count($events) - 1; $i >= 0; $i--) {
            if ($events[$i]['event'] === 'conversion' && $events[$i]['args']['goalKey'] === $dedupGoal) {
                array_splice($events, $i, 1);
                break;
            }
        }
        return $events;
    }

    public function testReplayedScenarioSendsTheGoldenRequest(): void
    {
        $golden = self::golden();
        $sdk = $this->sdk();
        $log = new EventLog($sdk);
        $context = null;
        foreach ($golden['steps'] as $i => $step) {
            $returned = self::replay($sdk, $context, $step);
            if (array_key_exists('returned', $step)) {
                $this->assertSame($step['returned'], $returned, "step $i ({$step['call']}) result");
            }
            if ($step['call'] !== 'flush') {
                $this->assertSame([], self::capture()->requests(), "nothing sent before flush (step $i)");
            }
        }

        $request = $this->onePost();
        $expected = $golden['php_sdk_request'];
        $this->assertSame($expected['method'], $request['method']);
        $this->assertSame('/' . self::PROJECT_ID . parse_url($expected['url'], PHP_URL_PATH), $request['uri'], 'URL path, [project_id] substituted');
        foreach ($expected['headers'] as $name => $value) {
            $this->assertSame($value, $request['headers'][strtolower($name)] ?? null, "header $name");
        }
        $this->assertArrayNotHasKey('authorization', $request['headers'], 'no sdkKeySecret, no Authorization');
        $this->assertSame(self::normativeBody($expected['body']), self::body($request), 'body, members and types in order');
        $this->assertIsFloat(self::body($request)['visitors'][0]['events'][2]['data']['goalData'][0]['value'], '49.99 stays a float');

        $expectedData = $golden['visitor_data_after'];
        unset($expectedData['segments']['properties'], $expectedData['segments']['segments']); // PHP junk keys (§14 row 2)
        $this->assertSame($expectedData, $context->getVisitorData(), "stored visitor data");

        $this->assertSame(self::normativeEvents($golden), $log->except('api.queue.released'));
        $released = $log->of('api.queue.released');
        $this->assertCount(1, $released);
        [$args, $err] = $released[0];
        $this->assertNull($err);
        $this->assertSame('flush', $args['reason']);
        $this->assertSame(self::body($request)['visitors'], $args['visitors']);
        $this->assertSame(200, $args['result']['status']);
    }
}
