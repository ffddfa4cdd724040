<?php

namespace ConvertSdk\Tests\Support;

/**
 * A plain user `dataStore` over the phpredis extension, as a site would write one: serialize()d values,
 * one connection opened on first use (connect timeout `$timeout` s, read timeout `$readTimeout` s, 0 =
 * phpredis' default), every failure (refused, timed out, connection lost) left to the caller (the SDK)
 * as a RedisException or RuntimeException.
 */
final class RedisDataStore
{
    private ?\Redis $redis = null;

    public function __construct(
        private readonly int $port,
        private readonly string $prefix = 'user-store:',
        private readonly float $timeout = 1.0,
        private readonly float $readTimeout = 0.0,
    ) {
    }

    /** A store whose connect and read timeouts are both $timeout seconds. */
    public static function timed(int $port, float $timeout, string $prefix): self
    {
        return new self($port, $prefix, $timeout, $timeout);
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
            if (!@$redis->connect('127.0.0.1', $this->port, $this->timeout, null, 0, $this->readTimeout)) {
                throw new \RuntimeException("cannot connect to Redis on port {$this->port}");
            }
            $this->redis = $redis;
        }
        return $this->redis;
    }
}
