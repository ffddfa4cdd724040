<?php

namespace ConvertSdk\Tests\Packaging;

use ConvertSdk\Tests\Packaging\Support\Chromium;
use ConvertSdk\Tests\Packaging\Support\ExpectedBucketing;
use ConvertSdk\Tests\Packaging\Support\PhpServer;
use ConvertSdk\Tests\Support\RedisServer;
use PHPUnit\Framework\TestCase;

/**
 * The web demo (demo/, `make web-demo`) served by `php -S` with the extension and driven by headless
 * Chromium: each browser profile is one visitor, its cookie kept between page loads.
 */
final class WebDemoTest extends TestCase
{
    private const DEMO = __DIR__ . '/../../../demo';

    private string $tmp;

    private Chromium $browser;

    protected function setUp(): void
    {
        if (Chromium::binary() === null) {
            $this->fail('chromium is not installed: run scripts/deps.sh (apt-get install chromium)');
        }
        $this->tmp = sys_get_temp_dir() . '/convert-sdk-webdemo-' . bin2hex(random_bytes(4));
        mkdir($this->tmp . '/profiles', 0700, true);
        $this->browser = new Chromium($this->tmp . '/profiles');
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->tmp));
    }

    public function testReturningVisitorsKeepTheirVariationWhileNewVisitorsFollowNewWeights(): void
    {
        $server = $this->startDemo();
        $url = $server->url() . '/';

        // Load: a new visitor, bucketed with the initial 50/50 weights.
        $first = $this->page('alice', $url);
        $alice = $this->text($first, 'visitor-id');
        $this->assertMatchesRegularExpression('/^[0-9a-f]{16}$/', $alice);
        $this->assertSame('new visitor', $this->text($first, 'visitor-kind'));
        $this->assertSame('0', $this->text($first, 'revision'));
        $this->assertSame(['original' => '50', 'big-green' => '50'], $this->weights($first));
        $expected = ExpectedBucketing::variation($this->experience(), $alice);
        $this->assertSame($expected['key'], $this->variationKey($first));
        $this->assertSame('decided now with the current weights', $this->text($first, 'decision-source'));
        $this->assertSame($this->expectedFeatureRows($expected), $this->featureRows($first));
        $this->assertStringContainsString('filesystem cache in ' . $this->tmp . '/state/cache', $this->text($first, 'store-backend'));

        // Reload: same visitor (cookie), same variation, now served from the visitor store.
        $reload = $this->page('alice', $url);
        $this->assertSame($alice, $this->text($reload, 'visitor-id'));
        $this->assertSame('returning visitor', $this->text($reload, 'visitor-kind'));
        $this->assertSame($expected['key'], $this->variationKey($reload));
        $this->assertSame('kept from the visitor store (decided on an earlier visit)', $this->text($reload, 'decision-source'));

        // Re-weight with the page's own control: the preset that sends all new visitors to the other variation.
        $other = $expected['key'] === 'original' ? 'big-green' : 'original';
        [$action, $fields] = $this->presetForm($reload, fn (array $w) => $w[$other] === '100');
        $afterReweight = $this->browser->submitForm('admin', 'post', $server->url() . $action, $fields);
        $this->assertNotNull($this->element($afterReweight, 'reweighted'), 'confirmation shown after saving');
        $this->assertSame('1', $this->text($afterReweight, 'revision'));
        $this->assertEquals([$expected['key'] => '0', $other => '100'], $this->weights($afterReweight));

        // New visitors follow the new weights.
        foreach (['bob', 'carol'] as $profile) {
            $page = $this->page($profile, $url);
            $this->assertSame('new visitor', $this->text($page, 'visitor-kind'));
            $this->assertSame($other, $this->variationKey($page), "new visitor $profile");
            $this->assertSame('decided now with the current weights', $this->text($page, 'decision-source'));
        }

        // "Start again as a new visitor" replaces the cookie.
        $bob = $this->text($this->page('bob', $url), 'visitor-id');
        $restarted = $this->page('bob', $url . '?new-visitor=1');
        $this->assertNotSame($bob, $this->text($restarted, 'visitor-id'));
        $this->assertSame('new visitor', $this->text($restarted, 'visitor-kind'));

        // The returning visitor keeps the variation, although its weight is now 0 %.
        $back = $this->page('alice', $url);
        $this->assertSame($alice, $this->text($back, 'visitor-id'));
        $this->assertSame('returning visitor', $this->text($back, 'visitor-kind'));
        $this->assertSame($expected['key'], $this->variationKey($back));
        $this->assertSame('kept from the visitor store (decided on an earlier visit)', $this->text($back, 'decision-source'));
        $this->assertSame($this->expectedFeatureRows($expected), $this->featureRows($back));

        // Tracking went to the demo's collector: one bucketing event per fresh decision, none for the
        // returning visitor's stored decision (spec §4.4).
        $events = $this->waitForBucketingEvents(5);
        $this->assertSame([['30001', $expected['id']]], $events[$alice]);
        $this->assertCount(5, $events, 'alice, admin, bob (twice: two ids) and carol were each bucketed once');

        $shot = $this->tmp . '/demo.png';
        $this->browser->screenshot('alice', $url, $shot);
        $this->assertSame("\x89PNG\r\n\x1a\n", substr((string) file_get_contents($shot), 0, 8));
        $this->assertSame([1000, 1150], array_slice(getimagesize($shot), 0, 2));
    }

    public function testInvalidWeightsAreRejectedAndNothingChanges(): void
    {
        $server = $this->startDemo();
        $page = $this->browser->submitForm('admin', 'post', $server->url() . '/', [
            'action' => 'reweight', 'weights[original]' => '60', 'weights[big-green]' => '60',
        ]);
        $this->assertSame('The weights must add up to 100 %.', $this->text($page, 'error'));
        $this->assertSame('0', $this->text($page, 'revision'));
        $this->assertSame(['original' => '50', 'big-green' => '50'], $this->weights($page));
        $this->assertFileDoesNotExist($this->tmp . '/state/state.json');
    }

    public function testVisitorsAreStoredInRedisWhenRedisUrlIsSet(): void
    {
        $redis = RedisServer::launch($this->tmp . '/redis');
        try {
            $server = $this->startDemo(['REDIS_URL' => $redis->dsn()], ['redis']);
            $first = $this->page('dora', $server->url() . '/');
            $second = $this->page('dora', $server->url() . '/');
            $visitor = $this->text($first, 'visitor-id');
            $client = new \Redis();
            $client->connect('127.0.0.1', $redis->port());
            $stored = $client->exists('convert_demo:10001-20001-' . $visitor);
        } finally {
            $redis->stop();
        }
        $this->assertSame('Redis at ' . $redis->dsn(), $this->text($first, 'store-backend'));
        $this->assertSame(1, $stored);
        $this->assertSame($this->variationKey($first), $this->variationKey($second));
        $this->assertSame('kept from the visitor store (decided on an earlier visit)', $this->text($second, 'decision-source'));
        $this->assertFileDoesNotExist($this->tmp . '/state/cache', 'no filesystem cache with Redis');
    }

    /** @param list<string> $extensions */
    private function startDemo(array $env = [], array $extensions = []): PhpServer
    {
        $env += ['CONVERT_DEMO_DIR' => $this->tmp . '/state', 'TRACK_ENDPOINT' => null, 'REDIS_URL' => null];
        return PhpServer::start(self::DEMO, $this->tmp . '/server.log', $env, $extensions);
    }

    private function page(string $profile, string $url): \DOMDocument
    {
        $html = $this->browser->dumpDom($profile, $url);
        $this->assertStringContainsString('convert_sdk web demo', $html, $html);
        $dom = new \DOMDocument();
        $this->assertTrue(@$dom->loadHTML($html));
        return $dom;
    }

    private function element(\DOMDocument|string $page, string $id): ?\DOMElement
    {
        if (is_string($page)) {
            $dom = new \DOMDocument();
            @$dom->loadHTML($page);
            $page = $dom;
        }
        return $page->getElementById($id);
    }

    private function text(\DOMDocument|string $page, string $id): string
    {
        $element = $this->element($page, $id);
        $this->assertNotNull($element, "element #$id");
        return trim(preg_replace('/\s+/', ' ', $element->textContent));
    }

    private function variationKey(\DOMDocument $page): string
    {
        return (string) $this->element($page, 'variation')?->getAttribute('data-variation-key');
    }

    /** @return array<string, string> variation key => weight shown in the weights table */
    private function weights(\DOMDocument|string $page): array
    {
        $weights = [];
        foreach ($this->element($page, 'weights')?->getElementsByTagName('tr') ?? [] as $row) {
            $weights[$row->getAttribute('data-variation-key')] = $row->getAttribute('data-weight');
        }
        return $weights;
    }

    /** @return array<string, string> feature variable => value shown */
    private function featureRows(\DOMDocument $page): array
    {
        $rows = [];
        foreach ($this->element($page, 'feature')?->getElementsByTagName('tr') ?? [] as $row) {
            $rows[$row->getAttribute('data-variable')] = $row->getElementsByTagName('td')->item(0)->textContent;
        }
        return $rows;
    }

    /** @return array<string, string> the feature variables of $variation, typed per spec §8.4, as displayed */
    private function expectedFeatureRows(array $variation): array
    {
        $values = ExpectedBucketing::castVariables($variation, ExpectedBucketing::examplesConfig()['features']);
        return array_map(static fn (mixed $v): string => var_export($v, true), $values);
    }

    /**
     * The first preset form whose weights satisfy $match: its action and its fields.
     *
     * @return array{0: string, 1: array<string, string>}
     */
    private function presetForm(\DOMDocument $page, callable $match): array
    {
        foreach ($page->getElementsByTagName('form') as $form) {
            if ($form->getAttribute('class') !== 'preset') {
                continue;
            }
            $fields = [];
            $weights = [];
            foreach ($form->getElementsByTagName('input') as $input) {
                $fields[$input->getAttribute('name')] = $input->getAttribute('value');
                if (preg_match('/^weights\[(.+)\]$/', $input->getAttribute('name'), $m)) {
                    $weights[$m[1]] = $input->getAttribute('value');
                }
            }
            if ($match($weights)) {
                $this->assertSame('post', strtolower($form->getAttribute('method')));
                return [$form->getAttribute('action'), $fields];
            }
        }
        $this->fail('no matching preset form on the page');
    }

    /**
     * Waits until the collector logged bucketing events for $visitors visitors (the SDK sends them at the end
     * of each request, after the page).
     *
     * @return array<string, list<array{0: string, 1: string}>> visitor id => [experienceId, variationId] per event
     */
    private function waitForBucketingEvents(int $visitors): array
    {
        for ($i = 0; $i < 100; $i++) {
            $events = [];
            foreach (@file($this->tmp . '/state/tracking.log', FILE_IGNORE_NEW_LINES) ?: [] as $line) {
                foreach (json_decode($line, true)['visitors'] as $visitor) {
                    foreach ($visitor['events'] as $event) {
                        if ($event['eventType'] === 'bucketing') {
                            $events[$visitor['visitorId']][] = [$event['data']['experienceId'], $event['data']['variationId']];
                        }
                    }
                }
            }
            if (count($events) >= $visitors) {
                return $events;
            }
            usleep(50000);
        }
        return $events;
    }

    private function experience(): array
    {
        return ExpectedBucketing::examplesConfig()['experiences'][0];
    }
}
