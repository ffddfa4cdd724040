<?php
// Kept for scripts that include it by this path: every test helper is loaded by ../../Support/autoload.php.
require_once __DIR__ . '/../../Support/autoload.php';
