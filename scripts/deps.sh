#!/usr/bin/env bash
# Installs what `make build` / `make test` need on Debian 12, and only what is missing:
# Debian packages (apt-get, non-interactive) and a Rust toolchain >= 1.85 (rustup).
# Idempotent; when everything is present it only runs dpkg-query and rustc --version.
set -euo pipefail

# Debian packages: build (php8.2-cli/-dev, libclang-dev, clang, build-essential),
# tests (phpunit, redis-server, php-redis, PSR-16/PSR-3 and Symfony cache, php8.2-fpm, cgi-fcgi).
PACKAGES=(
  php8.2-cli php8.2-dev libclang-dev clang build-essential phpunit
  redis-server php-symfony-cache php-redis php-psr-simple-cache php-psr-log
  php8.2-fpm php8.2-opcache libfcgi-bin libpcre2-dev pkg-config
  chromium php-symfony-dependency-injection php-symfony-config php-symfony-yaml php-symfony-http-foundation
)
MIN_RUST=1.85.0

export PATH="$HOME/.cargo/bin:/usr/local/cargo/bin:$PATH"

# Prints the packages of "$@" that dpkg does not report as installed.
missing_packages() {
  local installed
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null \
    | awk '$2 == "installed" { print $1 }' || true)  # dpkg-query fails for unknown names
  local p
  for p in "$@"; do
    grep -qx -- "$p" <<<"$installed" || echo "$p"
  done
}

# Runs a command as root (directly, or through sudo when not root).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the given Debian packages with one `apt-get update` first.
apt_install() {
  echo "deps: installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" </dev/null
}

# True when rustc and cargo exist and rustc is at least $MIN_RUST.
rust_ok() {
  command -v cargo >/dev/null 2>&1 || return 1
  local v
  v=$(rustc --version 2>/dev/null | awk '{ print $2 }') || return 1
  [ -n "$v" ] && [ "$(printf '%s\n%s\n' "$MIN_RUST" "$v" | sort -V | head -n1)" = "$MIN_RUST" ]
}

need_rust=0
rust_ok || need_rust=1

wanted=("${PACKAGES[@]}")
[ "$need_rust" -eq 1 ] && ! command -v rustup >/dev/null 2>&1 && wanted+=(curl ca-certificates)

mapfile -t missing < <(missing_packages "${wanted[@]}")
[ "${#missing[@]}" -gt 0 ] && apt_install "${missing[@]}"

if [ "$need_rust" -eq 1 ]; then
  if command -v rustup >/dev/null 2>&1; then
    echo "deps: updating the Rust toolchain with rustup (need >= $MIN_RUST)"
    rustup toolchain install stable --profile minimal
    rustup default stable
  else
    echo "deps: installing a Rust toolchain with rustup (need >= $MIN_RUST)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
      | sh -s -- -y --profile minimal --default-toolchain stable
  fi
  rust_ok || { echo "deps: Rust >= $MIN_RUST still not found on PATH" >&2; exit 1; }
fi

echo "deps: ok ($(rustc --version), $(php -r 'echo "PHP ", PHP_VERSION;'))"
