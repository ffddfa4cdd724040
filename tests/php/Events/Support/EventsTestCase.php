<?php

namespace ConvertSdk\Tests\Events;

use ConvertSdk\Context;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Support\Fixtures;
use ConvertSdk\Tests\Support\RecordingLogger;
use PHPUnit\Framework\TestCase;

/** Shared helpers of the event, logging, QA-override and explanation tests (spec §9, §1.9, §12). */
abstract class EventsTestCase extends TestCase
{
    /** Location properties that match the targeting of checkout-redesign (location 2001). */
    protected const CHECKOUT = ['url' => 'https://shop.example.com/checkout?step=1'];

    /** Location properties that match pricing-rollout's site_area. */
    protected const PRICING = ['url' => 'https://shop.example.com/pricing'];

    /** The cases of golden-php-sdk-example.json (spec §13). */
    protected static function goldenCases(): array
    {
        static $cases = null;
        return $cases ??= Fixtures::json('golden-php-sdk-example.json')['cases'];
    }

    /** The golden case of one visitor. */
    protected static function goldenCase(string $visitorId): array
    {
        foreach (self::goldenCases() as $case) {
            if ($case['visitorId'] === $visitorId) {
                return $case;
            }
        }
        throw new \RuntimeException("no golden case for $visitorId");
    }

    /** First golden case for which $predicate is true. */
    protected static function firstGoldenCase(callable $predicate): array
    {
        foreach (self::goldenCases() as $case) {
            if ($predicate($case)) {
                return $case;
            }
        }
        throw new \RuntimeException('no golden case matches');
    }

    /** An SDK over the spec §2.3 config (or $config), tracking off; $extra merged on top of the options. */
    protected static function sdk(array $extra = [], ?array $config = null): CoreInterface
    {
        return Fixtures::sdk($config ?? Fixtures::specConfig(), $extra);
    }

    /**
     * The context of a golden case, prepared as the golden run did (spec §13): context attributes, then
     * the custom-segments call.
     */
    protected static function goldenContext(CoreInterface $sdk, array $case): Context
    {
        $context = $sdk->createContext($case['visitorId'], $case['visitorAttributes']);
        $call = $case['customSegmentsCall'];
        $context->runCustomSegments($call['keys'], ['ruleData' => $call['ruleData']]);
        return $context;
    }

    /**
     * Subscribes one recorder to each of $events (in that order); returns the list it fills with
     * `[event, args, err]` triples, in firing order.
     */
    protected static function record(CoreInterface $sdk, string ...$events): \ArrayObject
    {
        $log = new \ArrayObject();
        foreach ($events as $event) {
            $sdk->on($event, static function ($args, $err) use ($log, $event): void {
                $log[] = [$event, $args, $err];
            });
        }
        return $log;
    }

    /** The args of the recorded firings of $event. */
    protected static function argsOf(\ArrayObject $log, string $event): array
    {
        $hits = array_filter($log->getArrayCopy(), static fn (array $r): bool => $r[0] === $event);
        return array_values(array_map(static fn (array $r) => $r[1], $hits));
    }

    /** The `logger` option sending every level from $level up to $logger. */
    protected static function loggerOption(RecordingLogger $logger, \ConvertSdk\Enums\LogLevel $level): array
    {
        return ['logger' => ['logLevel' => $level, 'customLoggers' => [$logger]]];
    }

    /** The per-process "log messages formatted" counter of the extension's phpinfo() section. */
    protected static function formattedMessages(): int
    {
        ob_start();
        (new \ReflectionExtension('convert_sdk'))->info();
        $info = strip_tags((string) ob_get_clean());
        if (!preg_match('/^log messages formatted\s*=>\s*(\d+)\s*$/m', $info, $m)) {
            throw new \RuntimeException("no 'log messages formatted' row in the convert_sdk info:\n$info");
        }
        return (int) $m[1];
    }
}
