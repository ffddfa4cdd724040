# convert_sdk: build, test and demo entry points (see README.md).
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:/usr/local/cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never

SO      := $(CURDIR)/target/release/libconvert_sdk.so
PHP     ?= php
PHPUNIT ?= /usr/bin/phpunit

# Targets run in the order given (deps before build before tests), also under -j.
.NOTPARALLEL:
.PHONY: deps build test demo cli-demo

## deps: install missing Debian packages and check for Rust >= 1.85 (fast when all present)
deps:
	@scripts/deps.sh

## build: release build of the extension -> target/release/libconvert_sdk.so
build:
	cargo build --release
	@test -f $(SO)

## test: engine and binding tests (cargo), PHPUnit against the built extension, a short fuzzing smoke
test: deps build
	cargo test --workspace --release
	$(PHP) -d extension=$(SO) $(PHPUNIT) -c tests/php/phpunit.xml
	$(MAKE) --no-print-directory fuzz-smoke

include packaging.mk
include bench/bench.mk
include reliability.mk

## demo: the web demo (php -S + the extension) on http://127.0.0.1:8080: a visitor cookie, their variation,
## a control that re-weights the traffic; returning visitors keep their variation
demo: web-demo

## cli-demo: print decisions for a few visitors using only the extension (php -n)
cli-demo: deps build
	$(PHP) -n -d extension=$(SO) php/demo.php
