<?php
/**
 * A PSR-16 cache decorator that counts every call by method name (W4). Given to the SDK as its
 * `cache` option, so it sees both visitor-data and config-cache traffic.
 */

declare(strict_types=1);

namespace ConvertSdk\Bench;

use Psr\SimpleCache\CacheInterface;

final class CountingCache implements CacheInterface
{
    /** @var array<string, int> method => calls */
    public array $calls = [];

    public function __construct(private readonly CacheInterface $inner)
    {
    }

    /** Calls of $method since the last reset. */
    public function count(string $method): int
    {
        return $this->calls[$method] ?? 0;
    }

    /** Calls of every method other than get and set. */
    public function others(): int
    {
        return array_sum($this->calls) - $this->count('get') - $this->count('set');
    }

    public function reset(): void
    {
        $this->calls = [];
    }

    private function hit(string $method): void
    {
        $this->calls[$method] = ($this->calls[$method] ?? 0) + 1;
    }

    public function get($key, $default = null)
    {
        $this->hit('get');
        return $this->inner->get($key, $default);
    }

    public function set($key, $value, $ttl = null)
    {
        $this->hit('set');
        return $this->inner->set($key, $value, $ttl);
    }

    public function delete($key)
    {
        $this->hit('delete');
        return $this->inner->delete($key);
    }

    public function clear()
    {
        $this->hit('clear');
        return $this->inner->clear();
    }

    public function getMultiple($keys, $default = null)
    {
        $this->hit('getMultiple');
        return $this->inner->getMultiple($keys, $default);
    }

    public function setMultiple($values, $ttl = null)
    {
        $this->hit('setMultiple');
        return $this->inner->setMultiple($values, $ttl);
    }

    public function deleteMultiple($keys)
    {
        $this->hit('deleteMultiple');
        return $this->inner->deleteMultiple($keys);
    }

    public function has($key)
    {
        $this->hit('has');
        return $this->inner->has($key);
    }
}
