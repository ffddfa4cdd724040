<?php

namespace ConvertSdk\Tests\Tracking;

use ConvertSdk\ConvertSDK;
use ConvertSdk\DTO\ConversionAttributes;
use ConvertSdk\Interfaces\ContextInterface;
use ConvertSdk\Tests\Support\RecordingLogger;
use OpenAPI\Client\BucketingAttributes;
use Symfony\Component\Cache\Adapter\RedisAdapter;
use Symfony\Component\Cache\Psr16Cache;

/**
 * One PHP request of a site, as run by the php-fpm script (www/job.php) and the CLI script
 * (scripts/job.php). A job (JSON) holds:
 *   options     SDK options merged over `data` = the spec §2.3 config (endpoints included)
 *   redis       optional `{dsn, namespace}`: the `cache` option becomes Psr16Cache over RedisAdapter
 *   steps       list of `{op: context|run|convert|flush, ...}` (see `step()`)
 *   resultFile  written by a shutdown function registered after create(), so after the SDK's own
 *               shutdown release: `{released: [[args, err]], logs: [[level, message]], end, done}`
 * `run()` returns `{pid, results (one per step), end}`; `end` is the time the script body finished.
 */
final class TrackingJob
{
    /** @var array<string, ContextInterface> */
    private array $contexts = [];

    /** @var list<array{0: mixed, 1: ?array}> */
    private array $released = [];

    private function __construct(private readonly \ConvertSdk\Interfaces\CoreInterface $sdk)
    {
    }

    /** Runs the job stored in $jobFile. */
    public static function runFile(string $jobFile): array
    {
        return self::run(json_decode(file_get_contents($jobFile), true, 512, JSON_THROW_ON_ERROR));
    }

    public static function run(array $job): array
    {
        $logger = new RecordingLogger();
        $config = json_decode(file_get_contents(__DIR__ . '/../../../fixtures/spec-example-config.json'), true, 512, JSON_THROW_ON_ERROR);
        $options = array_replace(['data' => $config, 'logger' => $logger->option()], $job['options'] ?? []);
        if (isset($job['redis'])) {
            $connection = RedisAdapter::createConnection($job['redis']['dsn'], ['lazy' => true]);
            $options['cache'] = new Psr16Cache(new RedisAdapter($connection, $job['redis']['namespace']));
        }
        $sdk = ConvertSDK::create($options);
        $runner = new self($sdk);
        $sdk->on('api.queue.released', function ($args, $err) use ($runner): void {
            $runner->released[] = [$args, $err === null ? null : [get_class($err), $err->getMessage()]];
        });
        $end = null;
        register_shutdown_function(static function () use ($runner, $logger, $job, &$end): void {
            $result = ['released' => $runner->released, 'logs' => $logger->records, 'end' => $end, 'done' => microtime(true)];
            file_put_contents($job['resultFile'] . '.tmp', json_encode($result, JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION));
            rename($job['resultFile'] . '.tmp', $job['resultFile']); // readers never see a partial file
        });
        $results = array_map([$runner, 'step'], $job['steps'] ?? []);
        $end = microtime(true);
        return ['pid' => getmypid(), 'results' => $results, 'end' => $end];
    }

    private function context(string $visitorId, ?array $attributes = null): ContextInterface
    {
        return $this->contexts[$visitorId] ??= $this->sdk->createContext($visitorId, $attributes);
    }

    /** Runs one step; returns the SDK call's result (variation id for `run`). */
    private function step(array $step): mixed
    {
        switch ($step['op']) {
            case 'context':
                $this->context($step['visitor'], $step['attributes'] ?? null);
                return null;
            case 'run':
                $attributes = new BucketingAttributes([
                    'locationProperties' => $step['location'] ?? null,
                    'visitorProperties' => $step['properties'] ?? null,
                ]);
                return $this->context($step['visitor'])->runExperience($step['experience'], $attributes)?->variationId;
            case 'convert':
                $attributes = new ConversionAttributes(
                    ruleData: $step['ruleData'] ?? null,
                    conversionData: $step['conversionData'] ?? null,
                    conversionSetting: isset($step['force']) ? ['forceMultipleTransactions' => $step['force']] : null,
                );
                return $this->context($step['visitor'])->trackConversion($step['goal'], $attributes);
            case 'flush':
                $this->sdk->flush();
                return null;
        }
        throw new \InvalidArgumentException('unknown step ' . $step['op']);
    }
}
