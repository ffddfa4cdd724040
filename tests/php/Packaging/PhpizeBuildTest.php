<?php

namespace ConvertSdk\Tests\Packaging;

use ConvertSdk\Tests\Packaging\Support\ExpectedBucketing;
use ConvertSdk\Tests\Packaging\Support\Process;
use PHPUnit\Framework\TestCase;

/**
 * Packaging: composer.json for PIE, the phpize/configure/make/make install flow PIE runs (ext/config.m4,
 * ext/Makefile.frag), the Makefile's `make install`, and loading the installed extension via php.ini.
 *
 * The phpize build works on a copy of the repository's files (tracked and untracked, not ignored) at
 * target/packaging/src with its own cargo target directory, target/packaging/cargo, so that a build of
 * the copy never overwrites the repository's target/release. That directory starts as a copy of
 * target/release (the dependencies are not rebuilt) and the copied files keep their modification
 * times, so later runs rebuild only what changed.
 */
final class PhpizeBuildTest extends TestCase
{
    private string $tmp;

    protected function setUp(): void
    {
        $this->tmp = sys_get_temp_dir() . '/convert-sdk-phpize-' . bin2hex(random_bytes(4));
        mkdir($this->tmp, 0700, true);
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->tmp));
    }

    public function testComposerJsonDescribesAPiePackage(): void
    {
        $composer = self::composer();
        $this->assertSame('php-ext', $composer['type']);
        $this->assertMatchesRegularExpression('~^[a-z0-9]([_.-]?[a-z0-9]+)*/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$~', $composer['name']);
        $ext = $composer['php-ext'];
        // PIE installs <extension-name>.so and enables `extension=<extension-name>`: the module's own name.
        $this->assertSame((new \ReflectionExtension('convert_sdk'))->getName(), $ext['extension-name']);
        $this->assertMatchesRegularExpression('/^[A-Za-z][A-Za-z0-9_]*$/', $ext['extension-name']);
        $this->assertSame('^8.2', $composer['require']['php']);
        $this->assertTrue(version_compare(PHP_VERSION, '8.2.0', '>='));
        $this->assertFileExists(self::root() . '/' . $ext['build-path'] . '/config.m4');
        $this->assertFileExists(self::root() . '/' . $ext['build-path'] . '/Makefile.frag');
        $this->assertTrue($ext['support-nts']);
        $this->assertFalse($ext['support-zts'], 'config.m4 refuses ZTS builds');
        $this->assertArrayNotHasKey('os-families', $ext, 'os-families and os-families-exclude are exclusive');
        foreach (['psr/simple-cache-implementation', 'psr/log-implementation', 'symfony/cache'] as $package) {
            $this->assertArrayHasKey($package, $composer['suggest']);
        }
        // Nothing under php/ is a class (php/demo.php is a script), so there is nothing to autoload.
        $this->assertArrayNotHasKey('autoload', $composer);
    }

    public function testPhpizeConfigureMakeMakeInstallBuildsALoadableExtension(): void
    {
        $packaging = self::root() . '/target/packaging';
        @mkdir($packaging, 0755, true);
        $lock = fopen("$packaging/.lock", 'c');
        flock($lock, LOCK_EX); // one packaging build at a time in this checkout
        try {
            $src = "$packaging/src";
            exec('rm -rf ' . escapeshellarg($src));
            self::copyRepository($src);
            $ext = "$src/" . self::composer()['php-ext']['build-path'];
            self::seedCargoTargetDir("$packaging/cargo");
            $env = ['CARGO_TARGET_DIR' => "$packaging/cargo"];

            $this->run_(['phpize'], $ext);
            $this->run_(['./configure'], $ext);
            $help = $this->run_(['./configure', '--help'], $ext);
            foreach (self::composer()['php-ext']['configure-options'] as $option) {
                $this->assertStringContainsString('--' . $option['name'] . ($option['needs-value'] ? '=' : ''), $help);
            }
            $make = $this->run_(['make'], $ext, $env, 1200.0);
            $this->assertStringContainsString("cd '$src' && ", $make, 'cargo ran in the copied package');
            $this->assertFileExists("$ext/modules/convert_sdk.so");
            // make install only copies (it may run under sudo, without the user's cargo): no second build.
            $install = $this->run_(['make', 'install', 'INSTALL_ROOT=' . $this->tmp . '/root'], $ext);
            $this->assertStringNotContainsString('build --release', $install);

            // phpize wrote its Makefile in ext/, not over the repository's Makefile.
            $this->assertFileEquals(self::root() . '/Makefile', "$src/Makefile");

            // ./configure refuses to go on without cargo.
            [$code, , $err] = Process::run(['./configure', '--with-cargo=/nonexistent/cargo'], [], $ext);
            $this->assertNotSame(0, $code);
            $this->assertStringContainsString('error: cargo not found', $err);
        } finally {
            flock($lock, LOCK_UN);
            fclose($lock);
        }
        $this->assertInstalledExtensionWorks($this->tmp . '/root');
    }

    public function testMakeInstallCopiesTheExtensionToTheExtensionDir(): void
    {
        $this->run_(['make', '-f', 'Makefile', '-f', 'packaging.mk', 'install', 'INSTALL_ROOT=' . $this->tmp . '/root'], self::root(), [], 600.0);
        // the release build `make install` built (the extension under test may be another build, e.g.
        // make valgrind's system-allocator one)
        $this->assertFileEquals(
            self::root() . '/target/release/libconvert_sdk.so',
            $this->tmp . '/root' . self::extensionDir() . '/convert_sdk.so',
        );
        $this->assertInstalledExtensionWorks($this->tmp . '/root');
    }

    /**
     * The extension installed under $installRoot loads by name, from the command line and from a php.ini
     * holding `extension=convert_sdk`, reports the crate's version and makes a decision.
     */
    private function assertInstalledExtensionWorks(string $installRoot): void
    {
        $extensionDir = $installRoot . self::extensionDir();
        $this->assertFileExists("$extensionDir/convert_sdk.so");

        $modules = $this->run_([PHP_BINARY, '-n', '-d', "extension_dir=$extensionDir", '-d', 'extension=convert_sdk', '-m'], $this->tmp);
        $this->assertContains('convert_sdk', explode("\n", $modules));

        file_put_contents($this->tmp . '/php.ini', "extension_dir = \"$extensionDir\"\nextension=convert_sdk\n");
        @mkdir($this->tmp . '/conf.d');
        $script = '$c = json_decode(file_get_contents($argv[1]), true);'
            . '$s = ConvertSdk\ConvertSDK::create(["data" => $c, "api" => ["endpoint" => ["track" => "http://127.0.0.1:9"]]]);'
            . '$v = $s->createContext("erin")->runExperience("checkout-button", new OpenAPI\Client\BucketingAttributes(["locationProperties" => ["url" => "/"]]));'
            . 'echo phpversion("convert_sdk"), " ", $v->variationKey;';
        $out = $this->run_(
            [PHP_BINARY, '-c', $this->tmp . '/php.ini', '-r', $script, self::root() . '/examples/project-config.json'],
            $this->tmp,
            ['PHP_INI_SCAN_DIR' => $this->tmp . '/conf.d'], // only this php.ini: no other copy of the extension
        );
        $expected = ExpectedBucketing::variation(ExpectedBucketing::examplesConfig()['experiences'][0], 'erin');
        $this->assertSame(self::crateVersion() . ' ' . $expected['key'], $out);
    }

    /**
     * Runs $cmd, asserts exit code 0 and returns stdout.
     *
     * @param list<string> $cmd
     * @param array<string, string> $env
     */
    private function run_(array $cmd, string $cwd, array $env = [], float $timeout = 120.0): string
    {
        [$code, $out, $err] = Process::run($cmd, $env, $cwd, $timeout);
        $this->assertSame(0, $code, implode(' ', $cmd) . " failed in $cwd:\n" . substr($out, -4000) . "\n" . substr($err, -4000));
        return $out;
    }

    /** Copies the repository's files (what `git add -A` would commit) to $dest, keeping modes and mtimes. */
    private static function copyRepository(string $dest): void
    {
        $root = self::root();
        $list = (string) shell_exec('cd ' . escapeshellarg($root) . ' && git ls-files -z --cached --others --exclude-standard');
        foreach (array_filter(explode("\0", $list)) as $path) {
            $from = "$root/$path";
            if (!is_file($from)) {
                continue; // deleted in the working tree
            }
            $to = "$dest/$path";
            @mkdir(dirname($to), 0755, true);
            copy($from, $to);
            chmod($to, fileperms($from) & 0777);
            touch($to, filemtime($from));
        }
    }

    /**
     * Fills a missing $targetDir/release with a copy of the repository's target/release (without the
     * incremental caches), taken under cargo's build lock so that no build writes to it meanwhile.
     */
    private static function seedCargoTargetDir(string $targetDir): void
    {
        $release = self::root() . '/target/release';
        if (is_dir("$targetDir/release") || !is_dir($release)) {
            return;
        }
        $cargoLock = fopen("$release/.cargo-lock", 'c');
        flock($cargoLock, LOCK_EX);
        try {
            exec('rm -rf ' . escapeshellarg("$targetDir/release.tmp")); // left by an interrupted run
            @mkdir("$targetDir/release.tmp", 0755, true);
            foreach (array_diff(scandir($release), ['.', '..', '.cargo-lock', 'incremental']) as $entry) {
                exec('cp -a --reflink=auto ' . escapeshellarg("$release/$entry") . ' ' . escapeshellarg("$targetDir/release.tmp/"), $out, $code);
                if ($code !== 0) {
                    throw new \RuntimeException("cannot copy $release/$entry");
                }
            }
            rename("$targetDir/release.tmp", "$targetDir/release");
        } finally {
            flock($cargoLock, LOCK_UN);
            fclose($cargoLock);
        }
    }

    private static function root(): string
    {
        return dirname(__DIR__, 3);
    }

    private static function composer(): array
    {
        return json_decode((string) file_get_contents(self::root() . '/composer.json'), true, 512, JSON_THROW_ON_ERROR);
    }

    private static function extensionDir(): string
    {
        return trim((string) shell_exec('php-config --extension-dir'));
    }

    private static function crateVersion(): string
    {
        preg_match('/^\[package\]\n(?:.*\n)*?version = "([^"]+)"/m', (string) file_get_contents(self::root() . '/Cargo.toml'), $m);
        return $m[1];
    }
}
