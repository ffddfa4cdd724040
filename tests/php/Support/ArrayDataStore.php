<?php

namespace ConvertSdk\Tests\Support;

/**
 * A plain user `dataStore` (spec §6.1, no interface) keeping values in a public array, so tests can seed
 * any value, including foreign or corrupt ones. Optional hooks replace get/set (to make them fail, exit,
 * re-enter...); with `$recordSets` every set() is also appended to `$sets` as `[key, value]` (off by
 * default, so that long-running scripts do not grow).
 */
final class ArrayDataStore
{
    /** @var array<string, mixed> */
    public array $values = [];

    /** @var list<array{0: string, 1: mixed}> */
    public array $sets = [];

    /** @var (callable(string): mixed)|null */
    public $onGet = null;

    /** @var (callable(string, mixed): mixed)|null */
    public $onSet = null;

    public function __construct(private readonly bool $recordSets = false)
    {
    }

    public function get(string $key): mixed
    {
        if ($this->onGet !== null) {
            return ($this->onGet)($key);
        }
        return $this->values[$key] ?? null;
    }

    public function set(string $key, mixed $value): bool
    {
        if ($this->recordSets) {
            $this->sets[] = [$key, $value];
        }
        if ($this->onSet !== null) {
            return (bool) ($this->onSet)($key, $value);
        }
        $this->values[$key] = $value;
        return true;
    }
}
