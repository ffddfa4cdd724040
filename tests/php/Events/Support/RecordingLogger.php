<?php

namespace ConvertSdk\Tests\Events;

use Psr\Log\LoggerInterface;

/**
 * PSR-3 logger recording which method was called: `[method, message, context]`. Calls through `log()`
 * are recorded with method `log:<level>`, so a test can tell `debug()` from `log('debug', …)`.
 */
final class RecordingLogger implements LoggerInterface
{
    /** @var list<array{0: string, 1: string, 2: array}> */
    public array $calls = [];

    public function emergency($message, array $context = []): void
    {
        $this->record('emergency', $message, $context);
    }

    public function alert($message, array $context = []): void
    {
        $this->record('alert', $message, $context);
    }

    public function critical($message, array $context = []): void
    {
        $this->record('critical', $message, $context);
    }

    public function error($message, array $context = []): void
    {
        $this->record('error', $message, $context);
    }

    public function warning($message, array $context = []): void
    {
        $this->record('warning', $message, $context);
    }

    public function notice($message, array $context = []): void
    {
        $this->record('notice', $message, $context);
    }

    public function info($message, array $context = []): void
    {
        $this->record('info', $message, $context);
    }

    public function debug($message, array $context = []): void
    {
        $this->record('debug', $message, $context);
    }

    public function log($level, $message, array $context = []): void
    {
        $this->record('log:' . $level, $message, $context);
    }

    /** Messages received through PSR-3 method $method, in order. */
    public function messages(string $method): array
    {
        $hits = array_filter($this->calls, static fn (array $c): bool => $c[0] === $method);
        return array_values(array_map(static fn (array $c): string => $c[1], $hits));
    }

    /** Every message, whatever the method. */
    public function allMessages(): array
    {
        return array_map(static fn (array $c): string => $c[1], $this->calls);
    }

    /** The decision explanation lines (debug level, `decision …`), in order. */
    public function decisions(): array
    {
        return array_values(array_filter($this->messages('debug'), static fn (string $m): bool => str_starts_with($m, 'decision ')));
    }

    /** The PSR-3 methods that were called, without duplicates. */
    public function methods(): array
    {
        return array_values(array_unique(array_map(static fn (array $c): string => $c[0], $this->calls)));
    }

    private function record(string $method, mixed $message, array $context): void
    {
        $this->calls[] = [$method, is_string($message) ? $message : get_debug_type($message), $context];
    }
}
