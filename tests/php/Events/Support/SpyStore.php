<?php

namespace ConvertSdk\Tests\Events;

/** A `dataStore` (spec §6.1) keeping values in an array and recording every `set`. */
final class SpyStore
{
    /** @var array<string, mixed> */
    public array $data = [];

    /** @var list<array{0: string, 1: mixed}> */
    public array $sets = [];

    public function get(string $key): mixed
    {
        return $this->data[$key] ?? null;
    }

    public function set(string $key, mixed $value): void
    {
        $this->sets[] = [$key, $value];
        $this->data[$key] = $value;
    }
}
