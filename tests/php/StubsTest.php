<?php

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

/**
 * stubs/convert_sdk.stubs.php must describe exactly what the loaded extension declares.
 *
 * The stubs file is parsed with the tokenizer (never included). Each class-like found either in the
 * stubs or in the extension is compared both ways: kind, final/readonly, parent and interfaces,
 * constants and their values, enum cases and backing values, methods (static, visibility,
 * parameter names, order, optionality, variadic/by-ref) and properties. Types are compared where
 * the extension declares them.
 */
final class StubsTest extends TestCase
{
    private const STUBS = __DIR__ . '/../../stubs/convert_sdk.stubs.php';
    private const EXTENSION = 'convert_sdk';

    /**
     * Not part of the SDK API: ext-php-rs registers `RustClosure` (for its `closure` feature) to wrap
     * Rust closures handed to PHP.
     */
    private const IGNORED_CLASSES = ['rustclosure'];

    /** Interfaces the engine adds by itself (enums, classes with __toString). */
    private const IMPLICIT_INTERFACES = ['unitenum', 'backedenum', 'stringable'];

    /** Methods and properties the engine declares on every (backed) enum. */
    private const IMPLICIT_ENUM_METHODS = ['cases', 'from', 'tryfrom'];
    private const IMPLICIT_ENUM_PROPERTIES = ['name', 'value'];

    /** @var array<string, array<string, mixed>>|null */
    private static ?array $stubs = null;

    /** @return array<string, array<string, mixed>> stub class-likes keyed by lowercase FQCN */
    private static function stubs(): array
    {
        return self::$stubs ??= StubsParser::parse((string) file_get_contents(self::STUBS));
    }

    /** @return array<string, string> extension class-likes, lowercase FQCN => declared name */
    private static function extensionClasses(): array
    {
        if (!extension_loaded(self::EXTENSION)) {
            return [];
        }
        $names = [];
        foreach ((new ReflectionExtension(self::EXTENSION))->getClassNames() as $name) {
            if (!in_array(strtolower($name), self::IGNORED_CLASSES, true)) {
                $names[strtolower($name)] = $name;
            }
        }
        return $names;
    }

    public function testExtensionIsLoaded(): void
    {
        $this->assertTrue(extension_loaded(self::EXTENSION), 'run PHPUnit with -d extension=.../libconvert_sdk.so');
    }

    public function testStubsFileIsValidPhpAndDeclaresClasses(): void
    {
        $code = (string) file_get_contents(self::STUBS);
        $this->assertStringStartsWith('<?php', $code);
        // Compiling without running: token_get_all with TOKEN_PARSE throws ParseError on a syntax error.
        token_get_all($code, TOKEN_PARSE);
        $this->assertNotEmpty(self::stubs());
    }

    public function testParserReadsDeclarations(): void
    {
        $code = <<<'PHP'
        <?php
        namespace A\B {
            use Ignored\Thing;
            /** doc */
            final readonly class C extends \Base implements I, \X\J
            {
                public const K = ['a' => 1, 'b' => [2.5, -3], 'c' => 'x\'y'];
                public ?string $p = null;
                public function __construct(public int|float|string $v, ?D $d = null, string ...$rest) {}
                public static function make(array $o = [], callable $fn = null): static {}
                private function hidden(&$ref): void {}
            }
            interface I { public function m(self $s): ?array; }
            enum E: int { case One = 1; case Two = 2; }
            enum P { case Only; }
        }
        PHP;
        $classes = StubsParser::parse($code);

        $this->assertSame(['a\b\c', 'a\b\i', 'a\b\e', 'a\b\p'], array_keys($classes));
        $c = $classes['a\b\c'];
        $this->assertSame(['A\B\C', 'class', true, true], [$c['name'], $c['kind'], $c['final'], $c['readonly']]);
        $this->assertSame(['Base'], $c['extends']);
        $this->assertSame(['A\B\I', 'X\J'], $c['implements']);
        $this->assertSame(['K' => ['a' => 1, 'b' => [2.5, -3], 'c' => "x'y"]], $c['constants']);
        $this->assertSame(['p' => '?string', 'v' => 'int|float|string'], $c['properties']);
        $this->assertSame(['__construct', 'make', 'hidden'], array_keys($c['methods']));

        [$v, $d, $rest] = $c['methods']['__construct']['params'];
        $this->assertSame(['v', 'int|float|string', false, false], [$v['name'], $v['type'], $v['optional'], $v['variadic']]);
        $this->assertSame(['d', '?A\B\D', true], [$d['name'], $d['type'], $d['optional']]);
        $this->assertSame(['rest', 'string', true, true], [$rest['name'], $rest['type'], $rest['optional'], $rest['variadic']]);

        $make = $c['methods']['make'];
        $this->assertSame([true, 'public', 'static'], [$make['static'], $make['visibility'], $make['return']]);
        $this->assertSame(['array', 'callable'], array_column($make['params'], 'type'));
        $hidden = $c['methods']['hidden'];
        $this->assertSame(['private', 'void', true, null], [$hidden['visibility'], $hidden['return'], $hidden['params'][0]['byRef'], $hidden['params'][0]['type']]);

        $this->assertSame('interface', $classes['a\b\i']['kind']);
        $this->assertSame(['self', '?array'], [$classes['a\b\i']['methods']['m']['params'][0]['type'], $classes['a\b\i']['methods']['m']['return']]);
        $this->assertSame(['int', ['One' => 1, 'Two' => 2]], [$classes['a\b\e']['backing'], $classes['a\b\e']['cases']]);
        $this->assertSame([null, ['Only' => null]], [$classes['a\b\p']['backing'], $classes['a\b\p']['cases']]);
    }

    public function testTypeNormalisationIgnoresOrderCaseNullableSyntaxAndSelf(): void
    {
        $this->assertSame(self::normaliseType('?A\B', 'C'), self::normaliseType('null|\a\b', 'C'));
        $this->assertSame(self::normaliseType('string|int|float', 'C'), self::normaliseType('int|float|string', 'C'));
        $this->assertSame(self::normaliseType('?self', 'A\C'), self::normaliseType('?A\C', 'A\C'));
        $this->assertNotSame(self::normaliseType('?string', 'C'), self::normaliseType('string', 'C'));
    }

    /** @return iterable<string, array{string}> every class-like of the stubs and of the extension */
    public function classProvider(): iterable
    {
        $names = array_keys(self::stubs() + self::extensionClasses());
        sort($names);
        foreach ($names as $name) {
            yield $name => [$name];
        }
    }

    /** @dataProvider classProvider */
    public function testClassMatchesStub(string $key): void
    {
        $stub = self::stubs()[$key] ?? null;
        $declared = self::extensionClasses()[$key] ?? null;
        $this->assertNotNull($stub, "$declared is declared by the extension but missing from the stubs");
        $this->assertNotNull($declared, "{$stub['name']} is in the stubs but not declared by the extension");

        $class = new ReflectionClass($declared);
        $problems = array_merge(
            self::classProblems($stub, $class),
            self::constantProblems($stub, $class),
            self::caseProblems($stub, $class),
            self::methodProblems($stub, $class),
            self::propertyProblems($stub, $class),
        );
        $this->assertSame([], $problems, "{$stub['name']}: stubs and extension differ");
    }

    /** @return list<string> */
    private static function classProblems(array $stub, ReflectionClass $class): array
    {
        $problems = [];
        $kind = $class->isEnum() ? 'enum' : ($class->isInterface() ? 'interface' : 'class');
        self::expectSame($problems, 'name', $stub['name'], $class->getName());
        self::expectSame($problems, 'kind', $stub['kind'], $kind);
        if ($kind === 'class') {
            self::expectSame($problems, 'final', $stub['final'], $class->isFinal());
            self::expectSame($problems, 'readonly', $stub['readonly'], $class->isReadOnly());
            self::expectSame($problems, 'abstract', $stub['abstract'], $class->isAbstract());
            $parent = $class->getParentClass();
            self::expectSame($problems, 'parent class', self::lower($stub['extends']), $parent ? [strtolower($parent->getName())] : []);
        }
        $inherited = $kind === 'class' && $class->getParentClass() ? $class->getParentClass()->getInterfaceNames() : [];
        $own = array_diff(self::lower($class->getInterfaceNames()), self::lower($inherited), self::IMPLICIT_INTERFACES);
        $declared = self::lower($kind === 'interface' ? $stub['extends'] : $stub['implements']);
        sort($own);
        sort($declared);
        self::expectSame($problems, 'interfaces', $declared, array_values($own));
        return $problems;
    }

    /** @return list<string> */
    private static function constantProblems(array $stub, ReflectionClass $class): array
    {
        $actual = [];
        foreach ($class->getReflectionConstants() as $constant) {
            if (!$constant->isEnumCase() && self::declaredHere($constant, $class)) {
                $actual[$constant->getName()] = $constant->getValue();
            }
        }
        return self::mapProblems('constant', $stub['constants'], $actual);
    }

    /** @return list<string> */
    private static function caseProblems(array $stub, ReflectionClass $class): array
    {
        if (!$class->isEnum()) {
            return [];
        }
        $enum = new ReflectionEnum($class->getName());
        $problems = [];
        $backing = $enum->getBackingType();
        self::expectSame($problems, 'backing type', $stub['backing'], $backing ? (string) $backing : null);
        $actual = [];
        foreach ($enum->getCases() as $case) {
            $actual[$case->getName()] = $case instanceof ReflectionEnumBackedCase ? $case->getBackingValue() : null;
        }
        return array_merge($problems, self::mapProblems('case', $stub['cases'], $actual));
    }

    /** @return list<string> */
    private static function methodProblems(array $stub, ReflectionClass $class): array
    {
        $actual = [];
        foreach ($class->getMethods() as $method) {
            $lower = strtolower($method->getName());
            if (self::declaredHere($method, $class) && !($class->isEnum() && in_array($lower, self::IMPLICIT_ENUM_METHODS, true))) {
                $actual[$lower] = $method;
            }
        }
        $problems = [];
        foreach (array_diff_key($stub['methods'], $actual) as $method) {
            $problems[] = "method {$method['name']}() is in the stubs but not in the extension";
        }
        foreach (array_diff_key($actual, $stub['methods']) as $method) {
            $problems[] = "method {$method->getName()}() is in the extension but not in the stubs";
        }
        foreach (array_intersect_key($actual, $stub['methods']) as $lower => $method) {
            array_push($problems, ...self::signatureProblems($stub['methods'][$lower], $method));
        }
        return $problems;
    }

    /** @return list<string> */
    private static function signatureProblems(array $stub, ReflectionMethod $method): array
    {
        $where = $method->getName() . '()';
        $problems = [];
        self::expectSame($problems, "$where name", $stub['name'], $method->getName());
        self::expectSame($problems, "$where static", $stub['static'], $method->isStatic());
        $visibility = $method->isPrivate() ? 'private' : ($method->isProtected() ? 'protected' : 'public');
        self::expectSame($problems, "$where visibility", $stub['visibility'], $visibility);
        $params = $method->getParameters();
        self::expectSame($problems, "$where parameter names", array_column($stub['params'], 'name'), array_map(fn ($p) => $p->getName(), $params));
        foreach ($params as $i => $param) {
            $expected = $stub['params'][$i] ?? null;
            if ($expected === null || $expected['name'] !== $param->getName()) {
                continue;
            }
            $what = "$where \${$param->getName()}";
            self::expectSame($problems, "$what optional", $expected['optional'], $param->isOptional());
            self::expectSame($problems, "$what variadic", $expected['variadic'], $param->isVariadic());
            self::expectSame($problems, "$what by-reference", $expected['byRef'], $param->isPassedByReference());
            if ($param->hasType()) {
                self::expectType($problems, "$what type", $expected['type'], (string) $param->getType(), $method->class);
            }
        }
        $return = $method->getReturnType() ?? $method->getTentativeReturnType();
        if ($return !== null) {
            self::expectType($problems, "$where return type", $stub['return'], (string) $return, $method->class);
        }
        return $problems;
    }

    /** @return list<string> */
    private static function propertyProblems(array $stub, ReflectionClass $class): array
    {
        $actual = [];
        foreach ($class->getProperties() as $property) {
            $implicit = $class->isEnum() && in_array($property->getName(), self::IMPLICIT_ENUM_PROPERTIES, true);
            // Private properties are implementation details, not API.
            if (self::declaredHere($property, $class) && !$property->isPrivate() && !$implicit) {
                $actual[$property->getName()] = $property;
            }
        }
        $problems = [];
        foreach (array_diff_key($stub['properties'], $actual) as $name => $_) {
            $problems[] = "property \$$name is in the stubs but not in the extension";
        }
        foreach (array_diff_key($actual, $stub['properties']) as $name => $_) {
            $problems[] = "property \$$name is in the extension but not in the stubs";
        }
        foreach (array_intersect_key($actual, $stub['properties']) as $name => $property) {
            if ($property->hasType()) {
                self::expectType($problems, "property \$$name type", $stub['properties'][$name], (string) $property->getType(), $class->getName());
            }
        }
        return $problems;
    }

    /**
     * Compares two name => value maps both ways.
     *
     * @return list<string>
     */
    private static function mapProblems(string $what, array $stub, array $actual): array
    {
        $problems = [];
        foreach (array_diff_key($stub, $actual) as $name => $_) {
            $problems[] = "$what $name is in the stubs but not in the extension";
        }
        foreach (array_diff_key($actual, $stub) as $name => $_) {
            $problems[] = "$what $name is in the extension but not in the stubs";
        }
        foreach (array_intersect_key($actual, $stub) as $name => $value) {
            self::expectSame($problems, "$what $name value", $stub[$name], $value);
        }
        return $problems;
    }

    private static function declaredHere(ReflectionClassConstant|ReflectionMethod|ReflectionProperty $member, ReflectionClass $class): bool
    {
        return strcasecmp($member->getDeclaringClass()->getName(), $class->getName()) === 0;
    }

    private static function expectSame(array &$problems, string $what, mixed $stub, mixed $actual): void
    {
        if ($stub !== $actual) {
            $problems[] = sprintf('%s: stubs %s, extension %s', $what, self::export($stub), self::export($actual));
        }
    }

    /**
     * Compares a declared type. `mixed` in the extension is a wildcard: ext-php-rs declares every
     * `&Zval` parameter (a value the binding coerces itself) as `mixed`, so the stub type is the
     * documented contract there. `self` in the stubs means the declaring class.
     */
    private static function expectType(array &$problems, string $what, ?string $stub, string $actual, string $class): void
    {
        if ($actual === 'mixed' && $stub !== null) {
            return;
        }
        if ($stub === null || self::normaliseType($stub, $class) !== self::normaliseType($actual, $class)) {
            $problems[] = sprintf('%s: stubs %s, extension %s', $what, $stub ?? '(none)', $actual);
        }
    }

    /**
     * Canonical form of a type: lowercase, no leading backslash, `?T` as `T|null`, `self` as the
     * declaring class, members sorted.
     */
    private static function normaliseType(string $type, string $class): string
    {
        $type = strtolower($type);
        $members = explode('|', ltrim($type, '?'));
        if ($type[0] === '?') {
            $members[] = 'null';
        }
        $members = array_map(fn (string $m) => $m === 'self' ? strtolower($class) : ltrim($m, '\\'), $members);
        sort($members);
        return implode('|', array_unique($members));
    }

    /** @param list<string> $names */
    private static function lower(array $names): array
    {
        return array_map('strtolower', $names);
    }

    private static function export(mixed $value): string
    {
        return str_replace("\n", ' ', var_export($value, true));
    }
}

/**
 * Reads class-like declarations from PHP source with the tokenizer, without executing anything.
 *
 * Returns, per lowercase FQCN: name, kind (class|interface|enum), final, readonly, abstract, extends,
 * implements, backing, constants (name => literal value), cases (name => value|null),
 * properties (name => type|null, promoted constructor parameters included) and methods
 * (lowercase name => name, static, visibility, return, params: name, type, optional, variadic, byRef).
 * Types are resolved against the namespace (names with a leading `\` are kept as fully qualified).
 */
final class StubsParser
{
    private const BUILTIN_TYPES = [
        'array', 'bool', 'callable', 'false', 'float', 'int', 'iterable', 'mixed', 'never', 'null',
        'object', 'parent', 'self', 'static', 'string', 'true', 'void',
    ];
    private const NAME_TOKENS = [T_STRING, T_NAME_QUALIFIED, T_NAME_FULLY_QUALIFIED, T_NAME_RELATIVE, T_ARRAY, T_CALLABLE, T_STATIC];
    private const MODIFIERS = [T_PUBLIC, T_PROTECTED, T_PRIVATE, T_STATIC, T_FINAL, T_ABSTRACT, T_READONLY, T_VAR];

    /** @var list<PhpToken> */
    private array $tokens;
    private int $pos = 0;
    private string $namespace = '';
    /** @var array<string, array<string, mixed>> */
    private array $classes = [];

    /** @return array<string, array<string, mixed>> */
    public static function parse(string $code): array
    {
        $parser = new self($code);
        $parser->file();
        return $parser->classes;
    }

    private function __construct(string $code)
    {
        $this->tokens = array_values(array_filter(PhpToken::tokenize($code), fn (PhpToken $t) => !$t->isIgnorable()));
    }

    private function file(): void
    {
        $modifiers = [];
        while ($this->pos < count($this->tokens)) {
            $token = $this->tokens[$this->pos++];
            if ($token->is(T_NAMESPACE)) {
                $this->namespace = $this->accept('{') ? '' : $this->tokens[$this->pos++]->text;
            } elseif ($token->is([T_FINAL, T_ABSTRACT, T_READONLY])) {
                $modifiers[] = strtolower($token->text);
                continue;
            } elseif ($token->is([T_CLASS, T_INTERFACE, T_ENUM])) {
                $this->classLike(strtolower($token->text), $modifiers);
            } elseif ($token->is(T_USE)) {
                $this->skipPast(';');
            }
            $modifiers = [];
        }
    }

    /** @param list<string> $modifiers */
    private function classLike(string $kind, array $modifiers): void
    {
        $name = $this->qualify($this->tokens[$this->pos++]->text);
        $class = [
            'name' => $name, 'kind' => $kind,
            'final' => in_array('final', $modifiers, true),
            'readonly' => in_array('readonly', $modifiers, true),
            'abstract' => in_array('abstract', $modifiers, true),
            'extends' => [], 'implements' => [], 'backing' => null,
            'constants' => [], 'cases' => [], 'properties' => [], 'methods' => [],
        ];
        if ($kind === 'enum' && $this->accept(':')) {
            $class['backing'] = strtolower($this->tokens[$this->pos++]->text);
        }
        while (!$this->accept('{')) {
            $list = $this->tokens[$this->pos++]->is(T_EXTENDS) ? 'extends' : 'implements';
            do {
                $class[$list][] = $this->resolve($this->tokens[$this->pos++]->text);
            } while ($this->accept(','));
        }
        $this->members($class);
        $this->classes[strtolower($name)] = $class;
    }

    /** Reads class members up to and including the closing brace. */
    private function members(array &$class): void
    {
        $modifiers = [];
        while (!$this->accept('}')) {
            $token = $this->tokens[$this->pos++];
            if ($token->is(self::MODIFIERS)) {
                $modifiers[] = strtolower($token->text);
                continue;
            }
            if ($token->is(T_CONST)) {
                $name = $this->tokens[$this->pos++]->text;
                $this->expect('=');
                $class['constants'][$name] = $this->literal();
                $this->expect(';');
            } elseif ($token->is(T_CASE)) {
                $name = $this->tokens[$this->pos++]->text;
                $class['cases'][$name] = $this->accept('=') ? $this->literal() : null;
                $this->expect(';');
            } elseif ($token->is(T_FUNCTION)) {
                $method = $this->method($modifiers, $class['properties']);
                $class['methods'][strtolower($method['name'])] = $method;
            } elseif ($token->is(T_USE)) {
                $this->skipPast(';');
            } else {
                $this->pos--;
                $type = $this->tokens[$this->pos]->is(T_VARIABLE) ? null : $this->type();
                $class['properties'][substr($this->tokens[$this->pos++]->text, 1)] = $type;
                $this->skipPast(';');
            }
            $modifiers = [];
        }
    }

    /**
     * @param list<string> $modifiers
     * @param array<string, ?string> $properties receives promoted constructor parameters
     * @return array<string, mixed>
     */
    private function method(array $modifiers, array &$properties): array
    {
        $this->accept('&');
        $name = $this->tokens[$this->pos++]->text;
        $this->expect('(');
        $params = [];
        while (!$this->accept(')')) {
            $promoted = false;
            while ($this->tokens[$this->pos]->is(self::MODIFIERS)) {
                $promoted = true;
                $this->pos++;
            }
            $type = $this->tokens[$this->pos]->is([T_VARIABLE, T_ELLIPSIS, '&']) ? null : $this->type();
            $byRef = $this->accept('&');
            $variadic = $this->accept(T_ELLIPSIS);
            $param = substr($this->tokens[$this->pos++]->text, 1);
            $optional = $variadic;
            if ($this->accept('=')) {
                $optional = true;
                $this->skipExpression();
            }
            $params[] = ['name' => $param, 'type' => $type, 'optional' => $optional, 'variadic' => $variadic, 'byRef' => $byRef];
            if ($promoted) {
                $properties[$param] = $type;
            }
            $this->accept(',');
        }
        $return = $this->accept(':') ? $this->type() : null;
        if ($this->accept('{')) {
            $this->pos--;
            $this->skipBalanced();
        } else {
            $this->expect(';');
        }
        $visibility = array_values(array_intersect(['public', 'protected', 'private'], $modifiers))[0] ?? 'public';
        return ['name' => $name, 'static' => in_array('static', $modifiers, true), 'visibility' => $visibility, 'params' => $params, 'return' => $return];
    }

    /** Reads a type declaration (`?T`, `A|B`); returns it with names resolved. */
    private function type(): string
    {
        $nullable = $this->accept('?');
        $members = [];
        do {
            $members[] = $this->resolve($this->tokens[$this->pos++]->text);
        } while ($this->accept('|'));
        return ($nullable ? '?' : '') . implode('|', $members);
    }

    /** Reads a constant expression made of scalars, `null`/`true`/`false`, `-` and arrays. */
    private function literal(): mixed
    {
        $token = $this->tokens[$this->pos++];
        if ($token->text === '[' || $token->is(T_ARRAY)) {
            $close = $token->text === '[' ? ']' : ')';
            if ($token->is(T_ARRAY)) {
                $this->expect('(');
            }
            $array = [];
            while (!$this->accept($close)) {
                $value = $this->literal();
                if ($this->accept(T_DOUBLE_ARROW)) {
                    $array[$value] = $this->literal();
                } else {
                    $array[] = $value;
                }
                $this->accept(',');
            }
            return $array;
        }
        if ($token->text === '-') {
            return -$this->literal();
        }
        if ($token->is(T_LNUMBER)) {
            return intval(str_replace('_', '', $token->text), 0);
        }
        if ($token->is(T_DNUMBER)) {
            return (float) str_replace('_', '', $token->text);
        }
        if ($token->is(T_CONSTANT_ENCAPSED_STRING)) {
            $body = substr($token->text, 1, -1);
            return $token->text[0] === "'" ? strtr($body, ['\\\\' => '\\', "\\'" => "'"]) : stripcslashes($body);
        }
        $word = strtolower($token->text);
        if (in_array($word, ['null', 'true', 'false'], true)) {
            return ['null' => null, 'true' => true, 'false' => false][$word];
        }
        throw new UnexpectedValueException("unsupported constant expression '{$token->text}' on line {$token->line}");
    }

    private function qualify(string $name): string
    {
        return $this->namespace === '' ? $name : $this->namespace . '\\' . $name;
    }

    private function resolve(string $name): string
    {
        if ($name[0] === '\\') {
            return substr($name, 1);
        }
        return in_array(strtolower($name), self::BUILTIN_TYPES, true) ? strtolower($name) : $this->qualify($name);
    }

    private function accept(int|string $kind): bool
    {
        if ($this->pos < count($this->tokens) && $this->tokens[$this->pos]->is($kind)) {
            $this->pos++;
            return true;
        }
        return false;
    }

    private function expect(string $text): void
    {
        $token = $this->tokens[$this->pos] ?? null;
        if (!$this->accept($text)) {
            throw new UnexpectedValueException("expected '$text', found '" . ($token->text ?? 'end of file') . "' on line " . ($token->line ?? '?'));
        }
    }

    /** Skips a default value up to the `,` or `)` that ends it. */
    private function skipExpression(): void
    {
        while (!$this->tokens[$this->pos]->is([',', ')'])) {
            $this->tokens[$this->pos]->is(['(', '[', '{']) ? $this->skipBalanced() : $this->pos++;
        }
    }

    /** Skips from an opening bracket to just past its matching closing one. */
    private function skipBalanced(): void
    {
        $depth = 0;
        do {
            $text = $this->tokens[$this->pos++]->text;
            $depth += (int) in_array($text, ['(', '[', '{'], true) - (int) in_array($text, [')', ']', '}'], true);
        } while ($depth > 0);
    }

    private function skipPast(string $text): void
    {
        while (!$this->tokens[$this->pos++]->is($text)) {
        }
    }
}
