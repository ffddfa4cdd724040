<?php
/**
 * The request php-fpm serves in W5: one W1 request (sdkKey mode, in-memory store, 10 experiences).
 * BENCH_WORK arrives as a FastCGI parameter.
 */

declare(strict_types=1);

namespace ConvertSdk\Bench;

require __DIR__ . '/lib.php';

$served = simulatedRequest(options('sdkKey', 10, null), 'fpm-' . ($_SERVER['BENCH_SEQ'] ?? '0'), experienceKeys(10), attributes());
echo "served=$served";
