<?php

namespace ConvertSdk\Tests\Packaging\Support;

/**
 * Headless Chromium (Debian's `chromium`), one browser run per page load. Each visitor is a profile
 * directory under $profiles: reusing a profile keeps its cookies across runs.
 */
final class Chromium
{
    private const FLAGS = [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-default-apps', '--disable-extensions', '--hide-scrollbars',
    ];

    public function __construct(private readonly string $profiles)
    {
    }

    /** Path of the chromium binary, or null when it is not installed. */
    public static function binary(): ?string
    {
        foreach (['chromium', 'chromium-browser'] as $name) {
            $path = trim((string) shell_exec('command -v ' . $name . ' 2>/dev/null'));
            if ($path !== '') {
                return $path;
            }
        }
        return null;
    }

    /** Loads $url as visitor $profile and returns the DOM after the page loaded (following redirects). */
    public function dumpDom(string $profile, string $url): string
    {
        return $this->run($profile, ['--virtual-time-budget=5000', '--dump-dom', $url]);
    }

    /** Loads $url as visitor $profile and saves a PNG screenshot of the viewport to $file. */
    public function screenshot(string $profile, string $url, string $file, int $width = 1000, int $height = 1150): void
    {
        @unlink($file);
        $this->run($profile, ["--window-size=$width,$height", '--screenshot=' . $file, $url]);
        if (!is_file($file)) {
            throw new \RuntimeException("chromium wrote no screenshot to $file");
        }
    }

    /**
     * Submits a form from a blank page, as a click on a submit button would: a `data:` page holding the
     * form posts itself on load; returns the DOM of the page the browser ends on.
     *
     * @param array<string, string> $fields
     */
    public function submitForm(string $profile, string $method, string $action, array $fields): string
    {
        $inputs = '';
        foreach ($fields as $name => $value) {
            $inputs .= sprintf('<input type="hidden" name="%s" value="%s">', htmlspecialchars($name), htmlspecialchars($value));
        }
        $page = sprintf(
            '<form method="%s" action="%s">%s</form><script>document.forms[0].submit()</script>',
            htmlspecialchars($method),
            htmlspecialchars($action),
            $inputs,
        );
        return $this->dumpDom($profile, 'data:text/html;base64,' . base64_encode($page));
    }

    /** @param list<string> $args */
    private function run(string $profile, array $args): string
    {
        $binary = self::binary() ?? throw new \RuntimeException('chromium is not installed (apt-get install chromium)');
        $cmd = [$binary, ...self::FLAGS, '--user-data-dir=' . $this->profiles . '/' . $profile, ...$args];
        [$code, $out, $err] = Process::run($cmd, [], null, 60.0);
        if ($code !== 0) {
            throw new \RuntimeException("chromium failed ($code): $err");
        }
        return $out;
    }
}
