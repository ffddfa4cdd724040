<?php
/**
 * Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/ from tests/fixtures, in the
 * input format of fuzz/src/harness.rs (JSON text). Idempotent: files are named by the SHA-1 of their
 * content. Usage: php -n fuzz/seed-corpus.php
 */

$root = dirname(__DIR__);
$fixture = static fn (string $name): array => json_decode(
    file_get_contents("$root/tests/fixtures/$name"), true, 512, JSON_THROW_ON_ERROR);
$seeds = ['config' => [], 'rules' => [], 'store_data' => [], 'tracking' => []];
$encode = static fn (mixed $v): string => json_encode($v, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION);

// config: the real configs, and one single-experience config per cross-SDK bucketing vector (§13).
$configs = [$fixture('spec-example-config.json'), $fixture('static-config.json'), $fixture('test-config.json')['data']];
foreach ($fixture('cross-sdk-bucketing-vectors.json') as $v) {
    $configs[] = ['account_id' => '100123', 'project' => ['id' => '100456'], 'experiences' => [[
        'id' => $v['experienceId'], 'key' => 'k', 'version' => $v['version'], 'variations' => $v['variations'],
        'audiences' => [], 'goals' => [],
    ]]];
}
$mutex = $fixture('mutual-exclusion-rule-fixture.json');
$configs[] = ['account_id' => '1', 'project' => ['id' => '2']] + $mutex['config'];
$configs[] = ['account_id' => '1'];
$configs[] = ['account_id' => '1', 'project' => ['id' => '']];
foreach ($configs as $c) {
    $seeds['config'][] = $encode($c);
}

// rules: the rule-tree vectors, every operator case as a one-item rule and as a raw (value, test) pair,
// and the rules of the real configs against typical data.
$vectors = $fixture('rule-test-vectors.json');
foreach ($vectors['rule_evaluation'] as $case) {
    $seeds['rules'][] = $encode([$case['data'], $case['ruleSet'], $case['keysCaseSensitive'] ?? true]);
}
foreach ($vectors['comparison_operators'] as $group) {
    foreach ($group['cases'] as $case) {
        $item = ['rule_type' => 'generic_key_value', 'key' => 'k', 'value' => $case['testAgainst'],
            'matching' => ['match_type' => $group['method'], 'negated' => $case['negation']]];
        $seeds['rules'][] = $encode([['k' => $case['value']], ['OR' => [['AND' => [['OR_WHEN' => [$item]]]]]]]);
        $seeds['rules'][] = $encode([$case['value'], $case['testAgainst']]);
    }
}
$data = ['url' => 'https://convert.com/', 'location' => 'pricing', 'country' => 'DE', 'plan' => 'pro', 'age' => 30];
foreach (array_slice($configs, 0, 3) as $c) {
    foreach (['audiences', 'segments', 'locations', 'goals'] as $list) {
        foreach ($c[$list] ?? [] as $entity) {
            if (!empty($entity['rules'])) {
                $seeds['rules'][] = $encode([$data, $entity['rules'], true, true]);
            }
        }
    }
}
$seeds['rules'][] = $encode(['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', '(a+)+$']);

// store_data: the PHP SDK's record (junk keys included), clean records and corrupt values.
$golden = $fixture('golden-php-sdk-tracking-scenario.json');
$record = $golden['visitor_data_after'];
$ids = ['100123', '100456', 'alice', 'bob'];
$patches = [
    ['bucketing' => ['1001' => '10012']],
    ['locations' => ['checkout-page', 'home']],
    ['segments' => ['devices' => ['IPH'], 'custom_segments' => ['4002']]],
    ['goals' => ['purchase' => true, 'signup' => true]],
];
foreach ($patches as $i => $patch) {
    $seeds['store_data'][] = $encode([$record, $patch, $record['segments'], $ids]);
    $seeds['store_data'][] = $encode([[], $patch, [], ['1', '2', "v$i", "_v$i"]]);
}
$seeds['store_data'][] = $encode(['garbage', ['bucketing' => 'corrupt'], [1, 2], ['1', '2', 'a/b', 'a:b']]);
$seeds['store_data'][] = $encode([['bucketing' => [['10012']], 'goals' => 5], ['segments' => ['x']], null, ['1', '2', str_repeat('x', 80), '']]);

// tracking: the golden request's visitors as queue entries, and a transaction with typed goal data.
foreach ($golden['php_sdk_request']['body']['visitors'] as $visitor) {
    $entries = [];
    foreach ($visitor['events'] as $event) {
        $d = $event['data'];
        $entries[] = $event['eventType'] === 'bucketing'
            ? [$visitor['visitorId'], 0, $d['experienceId'], $d['variationId'], $visitor['segments'] ?? []]
            : [$visitor['visitorId'], isset($d['goalData']) ? 2 : 1, $d['goalId'], $d['bucketingData'] ?? [], $d['goalData'] ?? []];
    }
    $seeds['tracking'][] = $encode($entries);
}
$seeds['tracking'][] = $encode([['bob', 2, '5001', ['1001' => '10011'], [['key' => 'amount', 'value' => 49.99], ['key' => 'productsCount', 'value' => 2]]],
    ['carol', 0, '1001', '10011', ['visitor_type' => 'new', 'custom_segments' => ['4001'], 'source' => null]]]);

foreach ($seeds as $target => $inputs) {
    $dir = "$root/fuzz/corpus/$target";
    if (!is_dir($dir) && !mkdir($dir, 0777, true)) {
        throw new RuntimeException("cannot create $dir");
    }
    foreach ($inputs as $input) {
        file_put_contents("$dir/seed-" . sha1($input), $input);
    }
    printf("%-10s %d seeds\n", $target, count($inputs));
}
