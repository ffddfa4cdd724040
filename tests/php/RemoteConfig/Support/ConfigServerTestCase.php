<?php

namespace ConvertSdk\Tests\RemoteConfig;

use ConvertSdk\ConvertSDK;
use ConvertSdk\Interfaces\CoreInterface;
use ConvertSdk\Tests\Support\ConfigServer;
use ConvertSdk\Tests\Support\HttpSink;
use PHPUnit\Framework\TestCase;

/**
 * Base of the sdkKey-mode tests: one ConfigServer per test class serving RemoteConfigs::withVariation('v1')
 * at the start of each test, and an endpoint path unique to each test, so that the process-wide config
 * cache of one test never answers for another and the server's requests can be told apart per test.
 */
abstract class ConfigServerTestCase extends TestCase
{
    protected const SDK_KEY = '100123/100456';

    protected static ConfigServer $server;

    /** Config endpoint of the current test: the server plus a path unique to the test. */
    protected string $endpoint;

    /** The path unique to the current test; every request of the test starts with it. */
    protected string $prefix;

    public static function setUpBeforeClass(): void
    {
        $name = strtolower(substr((string) strrchr('\\' . static::class, '\\'), 1));
        self::$server = ConfigServer::launch(sys_get_temp_dir() . "/convert-sdk-$name-" . getmypid());
    }

    public static function tearDownAfterClass(): void
    {
        self::$server->destroy();
    }

    /** (Re)starts the server if a test stopped it, in mode `ok`, serving variation `v1`. */
    protected function setUp(): void
    {
        self::$server->start();
        self::$server->setMode('ok');
        self::$server->serve(RemoteConfigs::withVariation('v1'));
        $this->prefix = '/t' . bin2hex(random_bytes(6));
        $this->endpoint = self::$server->url() . $this->prefix . '/api/v1';
    }

    protected function tearDown(): void
    {
        self::$server->setMode('ok'); // ends any hanging request
    }

    /** create() in sdkKey mode against this test's endpoint; $extra is merged recursively on top. */
    protected function create(array $extra = []): CoreInterface
    {
        return ConvertSDK::create(array_replace_recursive([
            'sdkKey' => self::SDK_KEY,
            'network' => ['tracking' => false],
            'api' => ['endpoint' => ['config' => $this->endpoint, 'track' => HttpSink::url() . '/track-sink']],
        ], $extra));
    }

    /** Config requests of this test received by the server. */
    protected function fetches(): int
    {
        return self::$server->fetchCount($this->prefix);
    }

    /** The variation key $sdk decides for `visitor-1` in RemoteConfigs::EXPERIENCE_KEY, or null. */
    protected static function decide(CoreInterface $sdk): ?string
    {
        return $sdk->createContext('visitor-1')?->runExperience(RemoteConfigs::EXPERIENCE_KEY, RemoteConfigs::ATTRIBUTES)?->variationKey;
    }
}
