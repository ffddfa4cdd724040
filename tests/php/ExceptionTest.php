<?php

use ConvertSdk\Exception\BucketingException;
use ConvertSdk\Exception\ConfigFetchException;
use ConvertSdk\Exception\ConfigValidationException;
use ConvertSdk\Exception\ConvertException;
use ConvertSdk\Exception\InvalidArgumentException;
use ConvertSdk\Tests\Support\Fixtures;
use PHPUnit\Framework\TestCase;

/** The exception classes of spec §1.8. */
final class ExceptionTest extends TestCase
{
    public static function hierarchy(): array
    {
        return [
            'ConvertException' => [ConvertException::class, \RuntimeException::class],
            'ConfigValidationException' => [ConfigValidationException::class, ConvertException::class],
            'BucketingException' => [BucketingException::class, ConvertException::class],
            'InvalidArgumentException' => [InvalidArgumentException::class, \InvalidArgumentException::class],
            'ConfigFetchException' => [ConfigFetchException::class, ConvertException::class],
        ];
    }

    /** @dataProvider hierarchy */
    public function testDirectParent(string $class, string $parent): void
    {
        $this->assertTrue(class_exists($class), $class);
        $this->assertSame($parent, get_parent_class($class));
        $this->assertTrue(is_subclass_of($class, \Exception::class));
        $this->assertFalse((new \ReflectionClass($class))->isFinal(), "$class must be subclassable");
    }

    public function testSdkInvalidArgumentIsNotAConvertException(): void
    {
        $this->assertFalse(is_subclass_of(InvalidArgumentException::class, ConvertException::class));
        $this->assertTrue(is_subclass_of(InvalidArgumentException::class, \LogicException::class));
    }

    public static function simpleExceptions(): array
    {
        return [
            [ConvertException::class], [ConfigValidationException::class], [BucketingException::class], [InvalidArgumentException::class],
        ];
    }

    /** @dataProvider simpleExceptions */
    public function testConstructibleWithMessageCodePreviousAndLocation(string $class): void
    {
        $previous = new \LogicException('cause');
        $e = new $class('something failed', 7, $previous); $line = __LINE__;
        $this->assertSame('something failed', $e->getMessage());
        $this->assertSame(7, $e->getCode());
        $this->assertSame($previous, $e->getPrevious());
        $this->assertSame(__FILE__, $e->getFile());
        $this->assertSame($line, $e->getLine());
        $this->assertIsArray($e->getTrace());
        $this->assertStringContainsString('something failed', (string) $e);

        $default = new $class();
        $this->assertSame('', $default->getMessage());
        $this->assertSame(0, $default->getCode());
        $this->assertNull($default->getPrevious());
    }

    /** @dataProvider simpleExceptions */
    public function testThrowableAndCatchableAsItsParents(string $class): void
    {
        try {
            throw new $class('thrown');
        } catch (\Exception $e) {
            $this->assertInstanceOf($class, $e);
            $this->assertSame('thrown', $e->getMessage());
        }
    }

    public function testSubclassableFromPhp(): void
    {
        $custom = new class ('custom message', 3) extends ConvertException {
            public function extra(): string
            {
                return 'extra:' . $this->getMessage();
            }
        };
        $this->assertInstanceOf(ConvertException::class, $custom);
        $this->assertInstanceOf(\RuntimeException::class, $custom);
        $this->assertSame('extra:custom message', $custom->extra());
        $this->assertSame(3, $custom->getCode());
        $this->assertSame(__FILE__, $custom->getFile());

        $argument = new class ('bad') extends InvalidArgumentException {
        };
        $this->assertInstanceOf(\InvalidArgumentException::class, $argument);

        $validation = new class ('invalid') extends ConfigValidationException {
        };
        $this->assertInstanceOf(ConvertException::class, $validation);
    }

    public function testConfigFetchExceptionConstructorAndAccessors(): void
    {
        $previous = new \RuntimeException('transport');
        $e = new ConfigFetchException('Config fetch failed: HTTP 404 from https://cdn.example/api/v1/config/a/b', 404, 'https://cdn.example/api/v1', $previous); $line = __LINE__;
        $this->assertSame('Config fetch failed: HTTP 404 from https://cdn.example/api/v1/config/a/b', $e->getMessage());
        $this->assertSame(404, $e->getStatusCode());
        $this->assertSame(404, $e->getCode());
        $this->assertSame('https://cdn.example/api/v1', $e->getUrl());
        $this->assertSame($previous, $e->getPrevious());
        $this->assertSame(__FILE__, $e->getFile());
        $this->assertSame($line, $e->getLine());

        $noPrevious = new ConfigFetchException('transport failed', 0, 'https://cdn.example');
        $this->assertSame(0, $noPrevious->getStatusCode());
        $this->assertSame(0, $noPrevious->getCode());
        $this->assertNull($noPrevious->getPrevious());

        $named = new ConfigFetchException(url: 'u', statusCode: 500, message: 'm');
        $this->assertSame(500, $named->getStatusCode());
        $this->assertSame('u', $named->getUrl());
    }

    public function testConfigFetchExceptionIsSubclassable(): void
    {
        $e = new class ('m', 503, 'https://x') extends ConfigFetchException {
        };
        $this->assertSame(503, $e->getStatusCode());
        $this->assertSame('https://x', $e->getUrl());
    }

    public function testExceptionsThrownByTheSdkCarryTheCallSite(): void
    {
        try {
            $line = __LINE__; \ConvertSdk\ConvertSDK::create([]);
            $this->fail('no exception');
        } catch (InvalidArgumentException $e) {
            $this->assertSame(__FILE__, $e->getFile());
            $this->assertSame($line, $e->getLine());
            $this->assertIsArray($e->getTrace());
        }
        $sdk = Fixtures::sdk(Fixtures::specConfig());
        try {
            $line = __LINE__; $sdk->createContext('');
            $this->fail('no exception');
        } catch (InvalidArgumentException $e) {
            $this->assertSame(__FILE__, $e->getFile());
            $this->assertSame($line, $e->getLine());
        }
    }

    public function testNativeInvalidArgumentFromTheSdkCarriesTheCallSite(): void
    {
        try {
            $line = __LINE__; \ConvertSdk\ConvertSDK::create(['data' => Fixtures::specConfig(), 'environment' => 5]);
            $this->fail('no exception');
        } catch (\InvalidArgumentException $e) {
            $this->assertSame(\InvalidArgumentException::class, get_class($e));
            $this->assertSame(__FILE__, $e->getFile());
            $this->assertSame($line, $e->getLine());
        }
    }
}
