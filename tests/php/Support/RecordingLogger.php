<?php

namespace ConvertSdk\Tests\Support;

use Psr\Log\LoggerInterface;

/**
 * PSR-3 logger recording every call twice: in `$records` as `[level, message]`, and in `$calls` as
 * `[method, message, context]` where calls through `log()` have method `log:<level>`, so a test can tell
 * `debug()` from `log('debug', …)`.
 */
final class RecordingLogger implements LoggerInterface
{
    /** @var list<array{0: string, 1: string}> */
    public array $records = [];

    /** @var list<array{0: string, 1: string, 2: array}> */
    public array $calls = [];

    public function emergency($message, array $context = []): void
    {
        $this->record('emergency', 'emergency', $message, $context);
    }

    public function alert($message, array $context = []): void
    {
        $this->record('alert', 'alert', $message, $context);
    }

    public function critical($message, array $context = []): void
    {
        $this->record('critical', 'critical', $message, $context);
    }

    public function error($message, array $context = []): void
    {
        $this->record('error', 'error', $message, $context);
    }

    public function warning($message, array $context = []): void
    {
        $this->record('warning', 'warning', $message, $context);
    }

    public function notice($message, array $context = []): void
    {
        $this->record('notice', 'notice', $message, $context);
    }

    public function info($message, array $context = []): void
    {
        $this->record('info', 'info', $message, $context);
    }

    public function debug($message, array $context = []): void
    {
        $this->record('debug', 'debug', $message, $context);
    }

    public function log($level, $message, array $context = []): void
    {
        $this->record('log:' . $level, (string) $level, $message, $context);
    }

    /** The SDK `logger` option that sends every level (Debug and up) to this logger. */
    public function option(): array
    {
        return ['logLevel' => \ConvertSdk\Enums\LogLevel::Debug, 'customLoggers' => [$this]];
    }

    /** Messages logged at PSR-3 level $level (through its method or `log()`), in order. */
    public function messages(string $level): array
    {
        $matching = array_filter($this->records, static fn (array $r): bool => $r[0] === $level);
        return array_values(array_column($matching, 1));
    }

    /** Messages logged at PSR-3 level `error`. */
    public function errors(): array
    {
        return $this->messages('error');
    }

    /** Messages received through PSR-3 method $method (`log:<level>` for `log()`), in order. */
    public function messagesVia(string $method): array
    {
        $matching = array_filter($this->calls, static fn (array $c): bool => $c[0] === $method);
        return array_values(array_column($matching, 1));
    }

    /** Every message, whatever the method. */
    public function allMessages(): array
    {
        return array_column($this->calls, 1);
    }

    /** The decision explanation lines (received through `debug()`, `decision …`), in order. */
    public function decisions(): array
    {
        return array_values(array_filter($this->messagesVia('debug'), static fn (string $m): bool => str_starts_with($m, 'decision ')));
    }

    /** The PSR-3 methods that were called, without duplicates. */
    public function methods(): array
    {
        return array_values(array_unique(array_column($this->calls, 0)));
    }

    private function record(string $method, string $level, mixed $message, array $context): void
    {
        $text = is_string($message) || $message instanceof \Stringable ? (string) $message : get_debug_type($message);
        $this->records[] = [$level, $text];
        $this->calls[] = [$method, $text, $context];
    }
}
