<?php

namespace ConvertSdk\Tests\Persistence;

/**
 * A plain user `dataStore` (no interface) keeping values in a public array, so tests can seed
 * any value, including foreign or corrupt ones. Optional hooks replace get/set to make them fail.
 */
final class ArrayDataStore
{
    public array $values = [];
    /** @var (callable(string): mixed)|null */
    public $onGet = null;
    /** @var (callable(string, mixed): mixed)|null */
    public $onSet = null;

    public function get(string $key): mixed
    {
        if ($this->onGet !== null) {
            return ($this->onGet)($key);
        }
        return $this->values[$key] ?? null;
    }

    public function set(string $key, mixed $value): bool
    {
        if ($this->onSet !== null) {
            return (bool) ($this->onSet)($key, $value);
        }
        $this->values[$key] = $value;
        return true;
    }
}
