<?php

namespace ConvertSdk\Tests\Support;

use Psr\SimpleCache\CacheInterface;

/**
 * In-memory PSR-16 cache over a public array, so a test can seed a config where the SDK looks first
 * (spec §3.2) and read what it stored. It records every get/set/delete as `[method, key, ttl]`; entries
 * never expire by themselves (the tests read the TTL the SDK passed instead). get() can be made to fail
 * (`$getFailure` is thrown) or be replaced by a hook (`$onGet`: to fail, hang on memory, re-enter...).
 */
final class MemoryCache implements CacheInterface
{
    /** @var list<array{0: string, 1: mixed, 2: mixed}> */
    public array $calls = [];

    /** @var (callable(string): mixed)|null replaces get() when set */
    public $onGet = null;

    /**
     * @param array<string, mixed> $entries
     * @param \Throwable|null $getFailure thrown by every get() when set
     */
    public function __construct(public array $entries = [], public ?\Throwable $getFailure = null)
    {
    }

    /** The cache key of the config of $sdkKey (§3.2; for keys of letters and digits up to 48 bytes). */
    public static function configKey(string $sdkKey): string
    {
        if (!preg_match('/^[A-Za-z0-9_.]{1,48}$/', $sdkKey)) {
            throw new \InvalidArgumentException('use a short alphanumeric sdkKey in tests');
        }
        return 'convert_sdk.config.' . $sdkKey;
    }

    public function get($key, $default = null)
    {
        $this->calls[] = ['get', $key, null];
        if ($this->getFailure !== null) {
            throw $this->getFailure;
        }
        if ($this->onGet !== null) {
            return ($this->onGet)($key);
        }
        return array_key_exists($key, $this->entries) ? $this->entries[$key] : $default;
    }

    public function set($key, $value, $ttl = null)
    {
        $this->calls[] = ['set', $key, $ttl];
        $this->entries[$key] = $value;
        return true;
    }

    public function delete($key)
    {
        $this->calls[] = ['delete', $key, null];
        unset($this->entries[$key]);
        return true;
    }

    public function clear()
    {
        $this->entries = [];
        return true;
    }

    public function getMultiple($keys, $default = null)
    {
        $values = [];
        foreach ($keys as $key) {
            $values[$key] = $this->get($key, $default);
        }
        return $values;
    }

    public function setMultiple($values, $ttl = null)
    {
        foreach ($values as $key => $value) {
            $this->set($key, $value, $ttl);
        }
        return true;
    }

    public function deleteMultiple($keys)
    {
        foreach ($keys as $key) {
            $this->delete($key);
        }
        return true;
    }

    public function has($key)
    {
        return array_key_exists($key, $this->entries);
    }

    /** The calls to $method for keys starting with $keyPrefix, as [key, ttl]. */
    public function callsTo(string $method, string $keyPrefix = ''): array
    {
        $matching = array_filter(
            $this->calls,
            static fn (array $c): bool => $c[0] === $method && str_starts_with((string) $c[1], $keyPrefix)
        );
        return array_values(array_map(static fn (array $c): array => [$c[1], $c[2]], $matching));
    }
}
