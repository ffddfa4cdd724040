<?php

namespace ConvertSdk\Tests\Reliability;

/**
 * A user `dataStore` over phpredis with an explicit connect/read timeout (seconds). Every failure
 * (refused, timed out, connection lost) reaches the SDK as a RedisException or RuntimeException.
 * One connection per request, opened on first use.
 */
final class TimedRedisStore
{
    private ?\Redis $redis = null;

    public function __construct(private readonly int $port, private readonly float $timeout, private readonly string $prefix)
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
            if (!@$redis->connect('127.0.0.1', $this->port, $this->timeout, null, 0, $this->timeout)) {
                throw new \RuntimeException("cannot connect to Redis on port {$this->port}");
            }
            $this->redis = $redis;
        }
        return $this->redis;
    }
}
