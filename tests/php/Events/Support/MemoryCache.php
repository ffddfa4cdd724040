<?php

namespace ConvertSdk\Tests\Events;

use Psr\SimpleCache\CacheInterface;

/** A PSR-16 cache over a public array, so a test can put a config where the SDK looks first (spec §3.2). */
final class MemoryCache implements CacheInterface
{
    /** @var array<string, mixed> */
    public array $values = [];

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
        return $this->values[$key] ?? $default;
    }

    public function set($key, $value, $ttl = null)
    {
        $this->values[$key] = $value;
        return true;
    }

    public function delete($key)
    {
        unset($this->values[$key]);
        return true;
    }

    public function clear()
    {
        $this->values = [];
        return true;
    }

    public function getMultiple($keys, $default = null)
    {
        $result = [];
        foreach ($keys as $key) {
            $result[$key] = $this->get($key, $default);
        }
        return $result;
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
        return array_key_exists($key, $this->values);
    }
}
