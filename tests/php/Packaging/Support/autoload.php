<?php
// Helpers of the packaging tests (examples, web demo, phpize build) and the shared servers they start.
require_once __DIR__ . '/../../Support/RedisServer.php';
require_once __DIR__ . '/../../Support/ConfigServer.php';
require_once __DIR__ . '/../../Support/CaptureServer.php';
require_once __DIR__ . '/../../Support/PhpFpmPool.php';
require_once __DIR__ . '/Process.php';
require_once __DIR__ . '/PhpServer.php';
require_once __DIR__ . '/Chromium.php';
require_once __DIR__ . '/ExpectedBucketing.php';
