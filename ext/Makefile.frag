# Appended by config.m4 to the phpize-generated Makefile: builds the extension with cargo.
# `make` runs cargo build --release in the repository root when a Rust source, a Cargo.toml or Cargo.lock
# is newer than modules/convert_sdk.so, and copies the result there; `make install` (install-modules)
# copies modules/convert_sdk.so to $(INSTALL_ROOT)$(EXTENSION_DIR) without running cargo again (it may
# run under sudo). Set CARGO_TARGET_DIR to reuse an existing cargo build cache.

CARGO_TARGET_DIR ?= $(CONVERT_SDK_ROOT)/target
CONVERT_SDK_SO = $(CARGO_TARGET_DIR)/release/libconvert_sdk.so
CONVERT_SDK_SOURCES := $(CONVERT_SDK_ROOT)/Cargo.toml $(CONVERT_SDK_ROOT)/Cargo.lock \
	$(shell find '$(CONVERT_SDK_ROOT)/src' -name '*.rs' -o -name Cargo.toml)

$(phplibdir)/convert_sdk.so: $(CONVERT_SDK_SOURCES)
	cd '$(CONVERT_SDK_ROOT)' && PHP='$(PHP_EXECUTABLE)' PHP_CONFIG='$(CONVERT_SDK_PHP_CONFIG)' \
		CARGO_TARGET_DIR='$(CARGO_TARGET_DIR)' '$(CONVERT_SDK_CARGO)' build --release --locked --lib
	@$(mkinstalldirs) $(phplibdir)
	cp '$(CONVERT_SDK_SO)' $@
