<?php

namespace ConvertSdk\Tests\Tracking;

use ConvertSdk\Interfaces\CoreInterface;

/** Records the SDK events named at construction, in firing order, as `[event, args, err]`. */
final class EventLog
{
    /** Every event of the catalogue (spec §9.1). */
    public const ALL = ['ready', 'config.updated', 'api.queue.released', 'bucketing', 'conversion', 'segments',
        'location.activated', 'location.deactivated', 'audiences', 'datastore.queue.released'];

    /** @var list<array{0: string, 1: mixed, 2: mixed}> */
    public array $events = [];

    public function __construct(CoreInterface $sdk, array $names = self::ALL)
    {
        foreach ($names as $name) {
            $sdk->on($name, function ($args, $err) use ($name): void {
                $this->events[] = [$name, $args, $err];
            });
        }
    }

    /** The recorded `[args, err]` pairs of one event. */
    public function of(string $name): array
    {
        $pairs = [];
        foreach ($this->events as [$event, $args, $err]) {
            if ($event === $name) {
                $pairs[] = [$args, $err];
            }
        }
        return $pairs;
    }

    /** Every recorded event except $name, as `['event' => …, 'args' => …, 'err' => …]`. */
    public function except(string $name): array
    {
        $list = [];
        foreach ($this->events as [$event, $args, $err]) {
            if ($event !== $name) {
                $list[] = ['event' => $event, 'args' => $args, 'err' => $err];
            }
        }
        return $list;
    }
}
