# Reliability targets (issue 8). Included by the Makefile: `include reliability.mk` (uses its PHP,
# PHPUNIT, SO variables and its `build` target).
FUZZ_SECONDS ?= 60
LOAD_SECONDS ?= 30

.PHONY: fuzz fuzz-smoke valgrind reliability reliability-long load

## fuzz: every cargo-fuzz target of fuzz/ for FUZZ_SECONDS s (default 60); crashes kept in fuzz/regressions/
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

## fuzz-smoke: every fuzz target for FUZZ_SMOKE_SECONDS s (default 15; part of `make test`); installs
## cargo-fuzz under target/tools when missing (kept with the cached target/)
FUZZ_SMOKE_SECONDS ?= 15
fuzz-smoke:
	@PATH="$(CURDIR)/target/tools/bin:$$PATH"; \
	if ! cargo fuzz --version >/dev/null 2>&1; then \
		echo "installing cargo-fuzz into target/tools"; \
		cargo install --quiet --locked --root "$(CURDIR)/target/tools" cargo-fuzz; \
	fi; \
	FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) scripts/fuzz.sh

## valgrind: PHPUnit under valgrind memcheck; fails on invalid reads/writes or definitely-lost blocks from the extension (VALGRIND_ARGS=tests/php/Reliability narrows it)
valgrind: build
	scripts/valgrind.sh $(VALGRIND_ARGS)

## reliability: hostile input, hostile user objects, security, php-fpm load and faults (short runs)
reliability: build
	$(PHP) -d extension=$(SO) $(PHPUNIT) -c tests/php/phpunit.xml tests/php/Reliability

## reliability-long: the same with 30 s of load per scenario and 1,000 requests against a hanging Redis
reliability-long: build
	RELIABILITY_LONG=1 $(PHP) -d extension=$(SO) $(PHPUNIT) -c tests/php/phpunit.xml tests/php/Reliability

## load: load and fault figures through php-fpm + Redis, LOAD_SECONDS s per scenario (default 30)
load: build
	scripts/load.sh $(LOAD_SECONDS)
