# Install and web-demo targets; included by the Makefile (`include packaging.mk`), which defines
# PHP, SO and the deps/build targets. Also usable as `make -f Makefile -f packaging.mk <target>`.
ifndef CONVERT_SDK_PACKAGING_MK
CONVERT_SDK_PACKAGING_MK := 1

PHP_CONFIG    ?= php-config
EXTENSION_DIR ?= $(shell $(PHP_CONFIG) --extension-dir)
INSTALL_ROOT  ?=
DEMO_HOST     ?= 127.0.0.1
DEMO_PORT     ?= 8080

.PHONY: install web-demo

## install: build, then copy the extension to PHP's extension dir as convert_sdk.so
##          (INSTALL_ROOT=/some/dir stages it there instead); enable it with extension=convert_sdk
install: deps build
	install -d '$(INSTALL_ROOT)$(EXTENSION_DIR)'
	install -m 0755 '$(SO)' '$(INSTALL_ROOT)$(EXTENSION_DIR)/convert_sdk.so'
	@echo "Installed $(INSTALL_ROOT)$(EXTENSION_DIR)/convert_sdk.so"
	@echo "Enable it: add 'extension=convert_sdk' to php.ini (see php --ini), then check: php -m | grep convert_sdk"

## web-demo: serve demo/ with the extension on http://$(DEMO_HOST):$(DEMO_PORT)/ (Ctrl-C stops it);
##           visitors are stored in a filesystem cache, or in Redis when REDIS_URL is set
web-demo: deps build
	@echo "convert_sdk web demo: http://$(DEMO_HOST):$(DEMO_PORT)/"
	PHP_CLI_SERVER_WORKERS=4 $(PHP) -d extension=$(SO) -S $(DEMO_HOST):$(DEMO_PORT) -t demo

endif
