<?php

/**
 * convert_sdk web demo: `make web-demo`, or
 *   PHP_CLI_SERVER_WORKERS=4 php -d extension=target/release/libconvert_sdk.so -S 127.0.0.1:8080 -t demo
 *
 * Shows the visitor (cookie), the variation the SDK picked and the feature values it carries, and a
 * control that re-weights the experience's traffic. Returning visitors keep their stored variation;
 * new visitors are bucketed with the new weights. Visitor decisions persist in a filesystem PSR-16
 * cache, or in Redis when REDIS_URL is set (see lib.php). Several server workers are needed because the
 * SDK posts its tracking events to this same server (collect.php) at the end of each request.
 */

declare(strict_types=1);

use ConvertSdk\ConvertSDK;
use ConvertSdk\Enums\FeatureStatus;
use OpenAPI\Client\BucketingAttributes;

if (!extension_loaded('convert_sdk')) {
    http_response_code(500);
    header('Content-Type: text/plain');
    echo "The convert_sdk extension is not loaded. Start the demo with `make web-demo`, or:\n"
        . "  PHP_CLI_SERVER_WORKERS=4 php -d extension=target/release/libconvert_sdk.so -S 127.0.0.1:8080 -t demo\n";
    return;
}

require __DIR__ . '/lib.php';

$baseConfig = demo_base_config();
$experience = demo_experience($baseConfig);
$state = demo_state($baseConfig);
$error = null;

// The re-weight control: save the new weights, then show the page again (post/redirect/get).
if ($_SERVER['REQUEST_METHOD'] === 'POST' && ($_POST['action'] ?? '') === 'reweight') {
    $weights = demo_parse_weights($_POST['weights'] ?? null, $experience);
    if (is_array($weights)) {
        demo_save_state(['weights' => $weights, 'revision' => $state['revision'] + 1]);
        header('Location: /?reweighted=1', true, 303);
        return;
    }
    $error = $weights;
    http_response_code(422);
}

// "Start as a new visitor": forget the cookie.
if (isset($_GET['new-visitor'])) {
    setcookie(DEMO_COOKIE, '', ['expires' => 1, 'path' => '/']);
    header('Location: /', true, 303);
    return;
}

$visitorId = (string) ($_COOKIE[DEMO_COOKIE] ?? '');
$returning = preg_match('/^[0-9a-f]{16}$/', $visitorId) === 1;
if (!$returning) {
    $visitorId = demo_new_visitor_id();
    setcookie(DEMO_COOKIE, $visitorId, [
        'expires' => time() + 365 * 24 * 3600, 'path' => '/', 'httponly' => true, 'samesite' => 'Lax',
    ]);
}

[$cache, $storeDescription] = demo_cache();
$collector = sprintf('http://%s:%s/collect.php', $_SERVER['SERVER_NAME'], $_SERVER['SERVER_PORT']);
$sdk = ConvertSDK::create([
    'data' => demo_apply_weights($baseConfig, $state['weights']),
    'cache' => $cache,
    'api' => ['endpoint' => ['track' => getenv('TRACK_ENDPOINT') ?: $collector]],
]);
$context = $sdk->createContext($visitorId);

$storedBefore = $context->getVisitorData()['bucketing'][$experience['id']] ?? null;
$onThisPage = new BucketingAttributes([
    'locationProperties' => ['url' => 'http://' . ($_SERVER['HTTP_HOST'] ?? 'localhost') . $_SERVER['REQUEST_URI']],
]);
$variation = $context->runExperience(DEMO_EXPERIENCE, $onThisPage);
$feature = $context->runFeature(DEMO_FEATURE, $onThisPage);
$featureTypes = array_column(
    array_column($baseConfig['features'], 'variables', 'key')[DEMO_FEATURE] ?? [],
    'type',
    'key',
);

if ($variation === null) {
    $source = 'not bucketed';
} elseif ($storedBefore !== null && (string) $storedBefore === $variation->variationId) {
    $source = 'kept from the visitor store (decided on an earlier visit)';
} else {
    $source = 'decided now with the current weights';
}
$variationNames = array_column($experience['variations'], 'name', 'key');
$style = $feature?->status === FeatureStatus::Enabled ? $feature->variables : [];
[$trackingRequests, $trackingEvents] = demo_tracking_counts();

$presets = demo_presets(array_keys($state['weights']), $variationNames);

header('Content-Type: text/html; charset=utf-8');
?>
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>convert_sdk web demo</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 52rem; color: #1f2328; }
  h1 { font-size: 1.5rem; margin-bottom: .25rem; }
  section { border: 1px solid #d0d7de; border-radius: 8px; padding: .75rem 1.25rem; margin: 1rem 0; }
  h2 { font-size: 1.1rem; margin: .25rem 0 .5rem; }
  table { border-collapse: collapse; } th, td { text-align: left; padding: .15rem 1rem .15rem 0; }
  code { background: #f6f8fa; padding: 0 .3rem; border-radius: 4px; }
  .muted { color: #59636e; } .error { color: #cf222e; font-weight: 600; }
  .cta { border: 0; border-radius: 6px; color: #fff; padding: .5rem 1rem; }
  form { display: inline-block; margin: .25rem .5rem .25rem 0; }
  input[type=number] { width: 4rem; }
</style>
</head>
<body>
<h1>convert_sdk web demo</h1>
<p class="muted">PHP <?= h(PHP_VERSION) ?>, convert_sdk <?= h(phpversion('convert_sdk')) ?>.
  Returning visitors keep their variation; new visitors follow the current weights.</p>

<section id="visitor">
  <h2>Visitor</h2>
  <p>Visitor id <code id="visitor-id"><?= h($visitorId) ?></code>:
    <strong id="visitor-kind"><?= $returning ? 'returning visitor' : 'new visitor' ?></strong>
    (cookie <code><?= h(DEMO_COOKIE) ?></code>).
    <a href="/?new-visitor=1">Start again as a new visitor</a></p>
</section>

<section id="decision">
  <h2>Experience <code><?= h(DEMO_EXPERIENCE) ?></code></h2>
  <p>Variation: <strong id="variation" data-variation-key="<?= h($variation?->variationKey ?? '') ?>"><?=
    $variation === null ? 'none' : h($variationNames[$variation->variationKey] ?? $variation->variationKey)
        . ' (' . h($variation->variationKey) . ')' ?></strong>
    &mdash; <span id="decision-source"><?= h($source) ?></span></p>
  <p>Feature <code><?= h(DEMO_FEATURE) ?></code>:
    <strong id="feature-status"><?= h($feature?->status->value ?? 'unknown') ?></strong></p>
  <table id="feature">
    <?php foreach ($style as $name => $value): ?>
    <tr data-variable="<?= h($name) ?>"><th><?= h($name) ?></th><td><?= h(var_export($value, true)) ?></td>
      <td class="muted"><?= h($featureTypes[$name] ?? '') ?></td></tr>
    <?php endforeach ?>
  </table>
  <?php if ($style !== []): ?>
  <p><button class="cta" type="button" style="background: <?= h($style['color'] ?? '#6e7781') ?>;
    font-size: <?= (int) ($style['size'] ?? 16) ?>px"><?= h($style['label'] ?? 'Buy') ?></button></p>
  <?php endif ?>
</section>

<section id="traffic">
  <h2>Traffic weights <span class="muted">(revision <span id="revision"><?= $state['revision'] ?></span>)</span></h2>
  <?php if ($error !== null): ?><p class="error" id="error"><?= h($error) ?></p><?php endif ?>
  <?php if (isset($_GET['reweighted'])): ?><p id="reweighted">New weights saved: new visitors are
    bucketed with them, returning visitors keep their variation.</p><?php endif ?>
  <form method="post" action="/" id="reweight">
    <input type="hidden" name="action" value="reweight">
    <table id="weights">
      <?php foreach ($state['weights'] as $key => $weight): ?>
      <tr data-variation-key="<?= h($key) ?>" data-weight="<?= h($weight) ?>">
        <th><label for="w-<?= h($key) ?>"><?= h($variationNames[$key] ?? $key) ?></label></th>
        <td><input type="number" min="0" max="100" step="1" id="w-<?= h($key) ?>"
          name="weights[<?= h($key) ?>]" value="<?= h($weight) ?>"> %</td></tr>
      <?php endforeach ?>
    </table>
    <button type="submit">Save weights</button>
  </form>
  <div>
    <?php foreach ($presets as $label => $weights): ?>
    <form method="post" action="/" class="preset">
      <input type="hidden" name="action" value="reweight">
      <?php foreach ($weights as $key => $weight): ?>
      <input type="hidden" name="weights[<?= h($key) ?>]" value="<?= $weight ?>">
      <?php endforeach ?>
      <button type="submit"><?= h($label) ?></button>
    </form>
    <?php endforeach ?>
  </div>
</section>

<section id="store">
  <h2>Persistence</h2>
  <p>Visitor store: <span id="store-backend"><?= h($storeDescription) ?></span>
    (PSR-16, the SDK's <code>cache</code> option).</p>
  <p>Stored record for this visitor: <code id="stored-record"><?= h(json_encode($context->getVisitorData())) ?></code></p>
  <p class="muted">Tracking requests received by the demo's collector: <span id="tracking-requests"><?=
    $trackingRequests ?></span> (<?= $trackingEvents ?> events).</p>
</section>
</body>
</html>
