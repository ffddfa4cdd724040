<?php

namespace ConvertSdk\Tests\RemoteConfig;

use Psr\Log\AbstractLogger;

/** PSR-3 logger recording every call as [level, message]. */
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
        $matching = array_filter($this->records, static fn (array $r): bool => $r[0] === $level);
        return array_values(array_column($matching, 1));
    }

    /** The SDK `logger` option sending every level (Debug and up) here. */
    public function option(): array
    {
        return ['logLevel' => \ConvertSdk\Enums\LogLevel::Debug, 'customLoggers' => [$this]];
    }
}
