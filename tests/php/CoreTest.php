<?php

use ConvertSdk\Context;
use ConvertSdk\Core;
use ConvertSdk\Interfaces\ContextInterface;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Support\Fixtures;
use ConvertSdk\Tests\Support\SdkAssertions;
use PHPUnit\Framework\TestCase;

/** Core: createContext, isReady/onReady, on, flush (spec §1.1, §1.3). */
final class CoreTest extends TestCase
{
    use SdkAssertions;

    private const SDK_INVALID_ARGUMENT = 'ConvertSdk\Exception\InvalidArgumentException';

    public function testCoreIsAFinalClassImplementingCoreInterface(): void
    {
        $class = new \ReflectionClass(Core::class);
        $this->assertTrue($class->isFinal());
        $this->assertTrue($class->implementsInterface(CoreInterface::class));
        $this->assertTrue(interface_exists(CoreInterface::class));
        $interface = new \ReflectionClass(CoreInterface::class);
        foreach (['createContext', 'on', 'isReady', 'onReady', 'flush'] as $method) {
            $this->assertTrue($interface->hasMethod($method), "CoreInterface::$method");
        }
    }

    public function testDefaultDataRefreshIntervalConstant(): void
    {
        $this->assertSame(300, Core::DEFAULT_DATA_REFRESH_INTERVAL);
    }

    public function testEmptyVisitorIdThrowsSdkInvalidArgument(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        $e = self::assertThrowsExactly(self::SDK_INVALID_ARGUMENT, 'Visitor ID must not be empty', fn () => $sdk->createContext(''));
        $this->assertInstanceOf(\InvalidArgumentException::class, $e);
    }

    public function testEmptyVisitorIdIsCheckedEvenWhenNotReady(): void
    {
        $sdk = Fixtures::sdk(['account_id' => '100123']);
        $this->assertFalse($sdk->isReady());
        self::assertThrowsExactly(self::SDK_INVALID_ARGUMENT, 'Visitor ID must not be empty', fn () => $sdk->createContext(''));
        self::assertThrowsExactly(
            self::SDK_INVALID_ARGUMENT,
            'Visitor ID must not be empty',
            fn () => $sdk->createContext(visitorId: '', visitorAttributes: ['a' => 1])
        );
    }

    public function testCreateContextReturnsNullWhenNotReady(): void
    {
        $sdk = Fixtures::sdk(['account_id' => '100123', 'project' => []]);
        $this->assertNull($sdk->createContext('visitor-1'));
        $this->assertNull($sdk->createContext('visitor-1', ['plan' => 'premium']));
    }

    public function testCreateContextReturnsAContextForTheVisitor(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        $context = $sdk->createContext('visitor-1');
        $this->assertInstanceOf(Context::class, $context);
        $this->assertInstanceOf(ContextInterface::class, $context);
        $this->assertSame('visitor-1', $context->getVisitorId());
        $this->assertNotSame($context, $sdk->createContext('visitor-1'));
    }

    public function testCreateContextNamedArguments(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        $context = $sdk->createContext(visitorAttributes: ['plan' => 'premium'], visitorId: 'named');
        $this->assertSame('named', $context->getVisitorId());
        $this->assertSame(['plan' => 'premium'], $context->getAttributes());
    }

    public function testCreateContextCoercesScalarVisitorIdsLikePhp(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        $this->assertSame('42', $sdk->createContext(42)->getVisitorId());
        $this->assertSame('1.5', $sdk->createContext(1.5)->getVisitorId());
    }

    public function testCreateContextRejectsAnArrayVisitorIdNamingTheArgument(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        try {
            $sdk->createContext(['visitor']);
            $this->fail('expected a TypeError');
        } catch (\TypeError $e) {
            $this->assertStringContainsString('visitorId', $e->getMessage());
        }
    }

    public function testIsReadyAndOnReadyNeverThrowAndAgree(): void
    {
        foreach ([Fixtures::specConfig(), ['account_id' => '1'], ['project' => ['id' => '1']]] as $config) {
            $sdk = Fixtures::sdk($config);
            $this->assertIsBool($sdk->isReady());
            $this->assertSame($sdk->isReady(), $sdk->onReady());
        }
    }

    public function testOnSubscribesAListenerCalledWithTwoArguments(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        $received = [];
        $result = $sdk->on('ready', function (...$arguments) use (&$received): void {
            $received[] = $arguments;
        });
        $this->assertNull($result);
        $this->assertSame([[[], null]], $received);
    }

    public function testOnAcceptsEveryCallableForm(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        $listener = new class () {
            public int $calls = 0;

            public function __invoke($args, $err): void
            {
                $this->calls++;
            }

            public function handle($args, $err): void
            {
                $this->calls++;
            }
        };
        $sdk->on('ready', $listener);
        $sdk->on('ready', [$listener, 'handle']);
        $sdk->on('bucketing', 'CoreTest::ignoreEvent');
        $this->assertGreaterThanOrEqual(2, $listener->calls);
    }

    public static function ignoreEvent($args, $err): void
    {
    }

    public function testFlushIsCallableWithAnEmptyAndANonEmptyQueue(): void
    {
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        $this->assertNull($sdk->flush());
        $sdk->createContext('flush-visitor')->runExperience('pricing-rollout', ['locationProperties' => ['url' => '/pricing']]);
        $this->assertNull($sdk->flush());
        $this->assertNull($sdk->flush());
    }
}
