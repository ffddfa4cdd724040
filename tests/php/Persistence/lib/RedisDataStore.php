<?php

namespace ConvertSdk\Tests\Persistence;

/**
 * A plain user `dataStore` over the phpredis extension, as a site would write one: serialize()d
 * values, connection opened on first use, RedisException left to the caller (the SDK).
 */
final class RedisDataStore
{
    private ?\Redis $redis = null;

    public function __construct(private readonly int $port, private readonly string $prefix = 'user-store:')
    {
    }

    public function get(string $key): mixed
    {
        $raw = $this->redis()->get($this->prefix . $key);
        return $raw === false ? null : unserialize($raw);
    }

    public function set(string $key, mixed $value): bool
    {
        return $this->redis()->set($this->prefix . $key, serialize($value));
    }

    private function redis(): \Redis
    {
        if ($this->redis === null) {
            $redis = new \Redis();
            if (!$redis->connect('127.0.0.1', $this->port, 1.0)) {
                throw new \RuntimeException("cannot connect to Redis on port {$this->port}");
            }
            $this->redis = $redis;
        }
        return $this->redis;
    }
}
