<?php

namespace ConvertSdk\Tests\Reliability;

use Psr\SimpleCache\CacheInterface;

/** In-memory PSR-16 cache whose get() may be replaced by a hook (to fail, hang on memory, re-enter...). */
final class HookCache implements CacheInterface
{
    public array $entries = [];
    /** @var (callable(string): mixed)|null */
    public $onGet = null;

    public function get($key, $default = null)
    {
        if ($this->onGet !== null) {
            return ($this->onGet)($key);
        }
        return $this->entries[$key] ?? $default;
    }

    public function set($key, $value, $ttl = null)
    {
        $this->entries[$key] = $value;
        return true;
    }

    public function delete($key)
    {
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
        $out = [];
        foreach ($keys as $key) {
            $out[$key] = $this->get($key, $default);
        }
        return $out;
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
        return isset($this->entries[$key]);
    }
}
