<?php
/**
 * php-fpm endpoint of the tracking tests: runs the job (Support/TrackingJob.php) named by the FastCGI
 * param CONVERT_TEST_JOB and answers its summary as JSON. The SDK's shutdown release runs after the
 * response (fastcgi_finish_request); the job's result file is written after that release.
 */

require __DIR__ . '/../../Support/autoload.php';

$response = ConvertSdk\Tests\Tracking\TrackingJob::runFile($_SERVER['CONVERT_TEST_JOB']);
header('Content-Type: application/json');
echo json_encode($response, JSON_THROW_ON_ERROR);
