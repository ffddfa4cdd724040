<?php
/**
 * CLI counterpart of www/job.php: `php -n -d extension=… job.php <job.json>` runs the job and prints
 * its summary as JSON; the SDK's shutdown release runs when the script ends.
 */

require __DIR__ . '/../../Support/autoload.php';

echo json_encode(ConvertSdk\Tests\Tracking\TrackingJob::runFile($argv[1]), JSON_THROW_ON_ERROR), "\n";
