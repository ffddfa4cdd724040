<?php

namespace ConvertSdk\Tests\Tracking;

use Psr\Log\AbstractLogger;

/** PSR-3 logger recording every call as `[level, message]`. */
final class RecordingLogger extends AbstractLogger
{
    /** @var list<array{0: string, 1: string}> */
    public array $records = [];

    public function log($level, $message, array $context = []): void
    {
        $this->records[] = [(string) $level, (string) $message];
    }

    /** Messages logged at PSR-3 level $level. */
    public function messages(string $level): array
    {
        return array_values(array_map(
            static fn (array $r): string => $r[1],
            array_filter($this->records, static fn (array $r): bool => $r[0] === $level),
        ));
    }

    /** The SDK `logger` option that sends every level (Debug and up) to this logger. */
    public function option(): array
    {
        return ['logLevel' => \ConvertSdk\Enums\LogLevel::Debug, 'customLoggers' => [$this]];
    }
}
