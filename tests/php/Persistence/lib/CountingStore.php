<?php

namespace ConvertSdk\Tests\Persistence;

/**
 * Decorating `dataStore`: forwards get($key) / set($key, $value) to an inner store (a PSR-16 cache
 * or a user store) and records every call, so tests can assert the I/O budget.
 */
final class CountingStore
{
    /** @var list<string> keys passed to get() */
    public array $gets = [];
    /** @var list<string> keys passed to set() */
    public array $sets = [];
    /** @var list<mixed> values passed to set() */
    public array $setValues = [];
    /** @var list<string> every call in order, as "get <key>" / "set <key>" */
    public array $calls = [];

    public function __construct(private readonly object $inner)
    {
    }

    public function get($key)
    {
        $this->gets[] = $key;
        $this->calls[] = "get $key";
        return $this->inner->get($key);
    }

    public function set($key, $value)
    {
        $this->sets[] = $key;
        $this->calls[] = "set $key";
        $this->setValues[] = $value;
        return $this->inner->set($key, $value);
    }

    /** Forgets the recorded calls. */
    public function reset(): void
    {
        $this->gets = [];
        $this->sets = [];
        $this->setValues = [];
        $this->calls = [];
    }

    /** [number of gets, number of sets] */
    public function counts(): array
    {
        return [count($this->gets), count($this->sets)];
    }
}
