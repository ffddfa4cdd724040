#!/usr/bin/env bash
# Load and fault figures through php-fpm (2 workers) + Redis on loopback, bounded in time:
# scripts/load.sh [seconds per scenario, default 30]. Scenarios: steady load, Redis killed and restarted,
# config server killed (sdkKey mode), two workers deciding the same 1,000 visitors, 1,000 requests
# against a Redis that hangs on connect. Driver: tests/php/Reliability/scripts/load.php (prints one line
# per scenario; exit 1 on any failed request, wrong decision or crashed worker). The PHPUnit version
# with assertions is tests/php/Reliability/FpmLoadTest.php (RELIABILITY_LONG=1 for 30 s runs).
set -euo pipefail
cd "$(dirname "$0")/.."
so="$PWD/target/release/libconvert_sdk.so"
[ -f "$so" ] || { echo "missing $so: run cargo build --release first" >&2; exit 2; }
exec php -d extension="$so" tests/php/Reliability/scripts/load.php "${1:-30}"
