<?php

namespace ConvertSdk\Tests\Tracking;

/** A user `dataStore` (spec §6.1): plain get/set over a PHP array. */
final class ArrayDataStore
{
    /** @var array<string, mixed> */
    public array $values = [];

    public function get(string $key): mixed
    {
        return $this->values[$key] ?? null;
    }

    public function set(string $key, mixed $value): void
    {
        $this->values[$key] = $value;
    }
}
